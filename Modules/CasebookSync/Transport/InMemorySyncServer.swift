public import CasebookCrypto
public import CasebookModels
import Crypto
import Foundation

/// The sync server's rules in memory, for tests and simulations: content-addressed idempotent
/// push, a per-organisation sequence (an actor, so commits never land out of order), access by
/// role and grant, wrapped keys per device, enrolment by hashed one-time code. Small and faithful to
/// the HTTP server's `AccessPolicy`; the real server is tested separately and end to end.
public actor InMemorySyncServer {
    struct StoredPerson {
        var record: PersonRecord
        var codeHash: Data?
    }

    struct StoredRevision {
        var seq: Int64
        /// Nil once the case is erased (the sequence position stays, so cursors keep their meaning).
        var wire: WireRevision?
        var caseID: CaseID
    }

    struct KeySlot: Hashable {
        var caseID: CaseID
        var epoch: UInt32
        var recipient: DeviceID
    }

    public let organisationID: OrganisationID
    public let name: String
    let clock: any WallClock
    var rootDevice: DeviceID?
    var recoveryKey: Data?
    var people: [PersonID: StoredPerson] = [:]
    var devices: [DeviceID: DeviceRecord] = [:]
    var deviceOrder: [DeviceID] = []
    var log: [StoredRevision] = []
    var index: [String: Int64] = [:]
    var grants: [CaseID: [PersonID: LocalDate?]] = [:]
    var owners: [CaseID: PersonID] = [:]
    var keys: [KeySlot: WrappedCaseKey] = [:]
    /// Tombstones of erased cases: never accepted, keyed or served again.
    public private(set) var erased: Set<CaseID> = []
    /// When false, `isReachable` answers false (a server that is down, for probe tests).
    public private(set) var reachable = true
    /// Training summaries published by administrators (the training gate, P10).
    var training: [PersonID: TrainingSummary] = [:]
    var removals: [DeviceID: DeviceRemoval] = [:]
    /// Requests served, per kind (for tests that count round trips).
    public private(set) var requestCounts: [String: Int] = [:]

    public init(name: String = "Test Organisation", clock: any WallClock = SystemWallClock()) {
        self.organisationID = .random()
        self.name = name
        self.clock = clock
    }

    /// Like `casebook-server init`: the first administrator's person and one-time code.
    public func bootstrap() -> (person: PersonID, code: String) {
        let person = PersonID.random()
        let secret = EnrolmentSecret.generate()
        people[person] = StoredPerson(record: PersonRecord(id: person, role: .admin, type: .staff, active: true, pending: true),
                                      codeHash: secret.serverAuthHash)
        return (person, secret.bootstrapCode)
    }

    public func transport(for device: DeviceID?) -> InMemoryTransport { InMemoryTransport(server: self, device: device) }

    public var revisionCount: Int { log.filter { $0.wire != nil }.count }

    /// Revisions held of one case (tests check erasure).
    public func revisionCount(of caseID: CaseID) -> Int { log.filter { $0.caseID == caseID && $0.wire != nil }.count }

    /// People granted a case (tests check erasure).
    public func grantees(of caseID: CaseID) -> [PersonID] { grants[caseID].map { Array($0.keys) } ?? [] }

    public func setReachable(_ value: Bool) { reachable = value }

    /// Wrapped keys held for a case (tests check who can ever read it).
    public func storedKeys(of caseID: CaseID) -> [WrappedCaseKey] {
        keys.values.filter { $0.caseID == caseID }.sorted { ($0.epoch, $0.recipient) < ($1.epoch, $1.recipient) }
    }

    // MARK: - Rules

    struct Caller {
        var device: DeviceID
        var person: PersonID
        var role: Role
    }

    func caller(_ device: DeviceID?) throws -> Caller {
        guard let device, let record = devices[device], let person = people[record.person], person.record.active,
              removals[device] == nil else {
            throw SyncFailure(.unauthenticated, "the device is not registered or its person is not active")
        }
        return Caller(device: device, person: record.person, role: person.record.role)
    }

    func granted(_ caseID: CaseID, _ person: PersonID) -> Bool {
        guard let entry = grants[caseID]?[person] else { return false }
        guard let until = entry else { return true }
        return until >= clock.today
    }

    func canRead(_ caseID: CaseID, _ caller: Caller) -> Bool {
        caseID == .organisation || caller.role == .dsl || granted(caseID, caller.person)
    }

    func canWrite(_ caseID: CaseID, _ caller: Caller, exists: Bool) -> Bool {
        if erased.contains(caseID) { return false }
        if caseID == .organisation { return caller.role == .admin }
        if !exists { return true }
        return granted(caseID, caller.person) || caller.role == .dsl
    }

    func count(_ kind: String) { requestCounts[kind, default: 0] += 1 }

    // MARK: - Endpoints

    func enrol(_ request: EnrolRequest) throws -> EnrolResponse {
        count("enrol")
        let hash = Data(SHA256.hash(data: Data(request.code.utf8)))
        guard let (id, stored) = people.first(where: { $0.value.codeHash == hash && $0.value.record.pending }) else {
            throw SyncFailure(.forbidden, "the enrolment code is not valid")
        }
        guard id == request.device.person else { throw SyncFailure(.rejected, "the device names another person than the enrolment code") }
        guard devices[request.device.deviceID] == nil else { throw SyncFailure(.rejected, "device already registered") }
        devices[request.device.deviceID] = request.device
        deviceOrder.append(request.device.deviceID)
        var record = stored.record
        record.pending = false
        people[id] = StoredPerson(record: record, codeHash: nil)
        if record.role == .admin, rootDevice == nil {
            rootDevice = request.device.deviceID
            recoveryKey = request.recoveryKey
        }
        return EnrolResponse(person: record, organisation: organisationInfo())
    }

    func organisationInfo() -> OrganisationInfo {
        OrganisationInfo(organisationID: organisationID, name: name, rootDevice: rootDevice,
                         people: people.values.map(\.record).sorted { $0.id < $1.id },
                         devices: deviceOrder.compactMap { devices[$0] }, recoveryKey: recoveryKey,
                         removedDevices: removals.values.sorted { $0.deviceID < $1.deviceID })
    }

    func organisation(_ device: DeviceID?) throws -> OrganisationInfo {
        count("organisation")
        _ = try caller(device)
        return organisationInfo()
    }

    func invite(_ request: InviteRequest, _ device: DeviceID?) throws {
        count("invite")
        guard try caller(device).role == .admin else { throw SyncFailure(.forbidden, "only administrators invite") }
        guard people[request.person] == nil else { throw SyncFailure(.rejected, "person exists") }
        people[request.person] = StoredPerson(record: PersonRecord(id: request.person, role: request.role, type: request.type,
                                                                   active: true, pending: true), codeHash: request.codeHash)
    }

    func certify(_ target: DeviceID, _ request: CertificationRequest, _ device: DeviceID?) throws {
        count("certify")
        guard try caller(device).role == .admin else { throw SyncFailure(.forbidden, "only administrators certify") }
        guard var record = devices[target] else { throw SyncFailure(.rejected, "no such device") }
        record.certifiedBy = request.certifiedBy
        record.certification = request.certification
        record.certifiedRoles = request.roles
        devices[target] = record
    }

    func push(_ request: PushRequest, _ device: DeviceID?) throws -> PushResponse {
        count("push")
        let caller = try caller(device)
        var accepted: [PushAck] = [], rejected: [PushRejection] = []
        for wire in request.revisions {
            if let seq = index[wire.id] { accepted.append(PushAck(id: wire.id, seq: seq)); continue }
            let sealed: SealedRevision
            do { sealed = try wire.sealed() } catch {
                rejected.append(PushRejection(id: wire.id, error: error.code.rawValue, message: error.message)); continue
            }
            let h = sealed.header
            if h.recordType.isOrganisationWide != (h.caseID == .organisation) {
                rejected.append(PushRejection(id: wire.id, error: "invalid-input", message: "record type does not belong in that case")); continue
            }
            guard h.authorDevice == caller.device else {
                rejected.append(PushRejection(id: wire.id, error: "not-authorised", message: "a device pushes only its own revisions")); continue
            }
            if erased.contains(h.caseID) {
                rejected.append(PushRejection(id: wire.id, error: CasebookError.Code.caseErased.rawValue,
                                              message: "case \(h.caseID) was erased; its revisions are not accepted again")); continue
            }
            let exists = owners[h.caseID] != nil || h.caseID == .organisation
            let certificate = h.caseID == .organisation && h.recordType == .destructionCertificate && [.dsl, .admin].contains(caller.role)
            guard certificate || canWrite(h.caseID, caller, exists: exists) else {
                rejected.append(PushRejection(id: wire.id, error: "not-authorised", message: "not permitted to write this case")); continue
            }
            guard HybridLogicalClock.isAcceptable(h.hlc, wallMillis: clock.nowMillis) else {
                rejected.append(PushRejection(id: wire.id, error: "clock-skew", message: "stamped in the future")); continue
            }
            if !exists, h.caseID != .organisation {
                owners[h.caseID] = caller.person
                grants[h.caseID, default: [:]][caller.person] = .some(nil)
            }
            let seq = Int64(log.count + 1)
            var stored = wire
            stored.seq = seq
            log.append(StoredRevision(seq: seq, wire: stored, caseID: h.caseID))
            index[wire.id] = seq
            accepted.append(PushAck(id: wire.id, seq: seq))
        }
        return PushResponse(accepted: accepted, rejected: rejected)
    }

    func pull(after cursor: String?, limit: Int, caseID: CaseID?, _ device: DeviceID?) throws -> PullResponse {
        count(caseID == nil ? "pull" : "case-revisions")
        let caller = try caller(device)
        if let caseID, !canRead(caseID, caller) { throw SyncFailure(.forbidden, "not permitted to read this case") }
        let after = Int64(cursor ?? "0") ?? 0
        var out: [WireRevision] = []
        var position = Int(max(0, after))
        var readable: [CaseID: Bool] = [:]
        while position < log.count, out.count < limit {
            let entry = log[position]
            position += 1
            if let caseID, entry.caseID != caseID { continue }
            let ok = readable[entry.caseID] ?? canRead(entry.caseID, caller)
            readable[entry.caseID] = ok
            if ok, let wire = entry.wire { out.append(wire) }
        }
        return PullResponse(revisions: out, cursor: String(position), hasMore: position < log.count)
    }

    func keyList(_ device: DeviceID?) throws -> KeyList {
        count("keys")
        let caller = try caller(device)
        return KeyList(keys: keys.values.filter { $0.recipient == caller.device && canRead($0.caseID, caller) }
            .sorted { ($0.caseID, $0.epoch) < ($1.caseID, $1.epoch) })
    }

    func uploadKeys(_ caseID: CaseID, _ upload: KeyUpload, _ device: DeviceID?) throws {
        count("upload-keys")
        let caller = try caller(device)
        guard upload.keys.allSatisfy({ $0.caseID == caseID }) else { throw SyncFailure(.rejected, "keys of another case") }
        guard !erased.contains(caseID) else { throw SyncFailure(.forbidden, "case \(caseID) was erased") }
        guard caller.role == .dsl || caller.role == .admin || canRead(caseID, caller) || owners[caseID] == nil else {
            throw SyncFailure(.forbidden, "not permitted to upload keys of this case")
        }
        // Defence in depth (replicas check for themselves): only the caller's own signed wraps.
        guard let uploader = devices[caller.device]?.publicKeys,
              upload.keys.allSatisfy({ $0.wrappedBy == caller.device && $0.isSigned(by: uploader) }) else {
            throw SyncFailure(.rejected, "every key must be wrapped and signed by the uploading device")
        }
        try requireTrainedRecipients(caseID, upload.keys)
        for key in upload.keys { keys[KeySlot(caseID: key.caseID, epoch: key.epoch, recipient: key.recipient)] = key }
    }

    func grant(_ caseID: CaseID, _ request: GrantRequest, _ device: DeviceID?) throws {
        count("grant")
        let caller = try caller(device)
        guard caseID != .organisation, caller.role == .dsl || caller.role == .admin || owners[caseID] == caller.person else {
            throw SyncFailure(.forbidden, "not permitted to manage grants of this case")
        }
        guard !erased.contains(caseID) else { throw SyncFailure(.forbidden, "case \(caseID) was erased") }
        guard people[request.person]?.record.active == true else { throw SyncFailure(.rejected, "not an active member") }
        try requireTrained(request.person)
        grants[caseID, default: [:]][request.person] = .some(request.until)
    }

    func revoke(_ caseID: CaseID, _ person: PersonID, _ device: DeviceID?) throws {
        count("revoke")
        let caller = try caller(device)
        guard caseID != .organisation, caller.role == .dsl || caller.role == .admin || owners[caseID] == caller.person else {
            throw SyncFailure(.forbidden, "not permitted to manage grants of this case")
        }
        grants[caseID]?[person] = nil
    }

    /// Erases a case: its revisions, wrapped keys, grants and owner go; a tombstone stays. Idempotent.
    func eraseCase(_ caseID: CaseID, _ device: DeviceID?) throws {
        count("erase")
        let caller = try caller(device)
        guard caseID != .organisation, caller.role == .dsl || caller.role == .admin else {
            throw SyncFailure(.forbidden, "only the DSL or an administrator erases a case")
        }
        erased.insert(caseID)
        for i in log.indices where log[i].caseID == caseID {
            if let id = log[i].wire?.id { index[id] = nil }
            log[i].wire = nil
        }
        keys = keys.filter { $0.key.caseID != caseID }
        grants[caseID] = nil
        owners[caseID] = nil
    }

    /// A hostile server's powers, for tests: serve a wrapped key of its own making (or a moved,
    /// altered or unsigned one) to its recipient, bypassing every upload rule.
    public func inject(_ key: WrappedCaseKey) {
        keys[KeySlot(caseID: key.caseID, epoch: key.epoch, recipient: key.recipient)] = key
    }

    /// A hostile server's powers, for tests: stop serving one wrapped key (returned, to serve later).
    public func withhold(_ caseID: CaseID, epoch: UInt32, recipient: DeviceID) -> WrappedCaseKey? {
        keys.removeValue(forKey: KeySlot(caseID: caseID, epoch: epoch, recipient: recipient))
    }

    /// A hostile server's powers, for tests: register a device nobody certified (its own).
    public func registerUncertified(_ record: DeviceRecord) {
        devices[record.deviceID] = record
        deviceOrder.append(record.deviceID)
    }

    func removeDevice(_ target: DeviceID, _ request: DeviceRemovalRequest, _ device: DeviceID?) throws {
        count("remove-device")
        let caller = try caller(device)
        guard caller.role == .admin else { throw SyncFailure(.forbidden, "only administrators remove devices") }
        guard request.removedBy == caller.device, target != caller.device, target != rootDevice else {
            throw SyncFailure(.rejected, "a device cannot remove itself or the root, and signs its own removals")
        }
        guard let signer = devices[caller.device],
              (try? signer.publicKeys.signingKey().isValidSignature(
                request.signature, for: DeviceRemovalStatement.signedBytes(device: target, removedAt: request.removedAt))) == true else {
            throw SyncFailure(.rejected, "the removal signature does not verify")
        }
        guard devices[target] != nil else { throw SyncFailure(.rejected, "no such device") }
        if removals[target] == nil {
            removals[target] = DeviceRemoval(deviceID: target, removedBy: caller.device, removedAt: request.removedAt, signature: request.signature)
        }
        keys = keys.filter { $0.key.recipient != target }
    }

    func deactivate(_ person: PersonID, _ device: DeviceID?) throws {
        count("deactivate")
        guard try caller(device).role == .admin else { throw SyncFailure(.forbidden, "only administrators remove people") }
        guard people[person] != nil else { throw SyncFailure(.rejected, "no such person") }
        people[person]?.record.active = false
    }

    func recoveryKeys(for person: PersonID, caseID: CaseID?, _ device: DeviceID?) throws -> KeyList {
        count("recovery-keys")
        guard try caller(device).role == .admin else { throw SyncFailure(.forbidden, "only administrators recover") }
        guard let stored = people[person] else { throw SyncFailure(.rejected, "no such person") }
        let reader = Caller(device: RecoveryKey.recipient, person: person, role: stored.record.role)
        return KeyList(keys: keys.values.filter { $0.recipient == RecoveryKey.recipient && canRead($0.caseID, reader)
            && (caseID == nil || $0.caseID == caseID) }.sorted { ($0.caseID, $0.epoch) < ($1.caseID, $1.epoch) })
    }

    /// A hostile server's powers, for tests: serve anything to anyone.
    public func tamper(_ change: (inout [WireRevision]) -> Void) {
        var wires = log.compactMap(\.wire)
        change(&wires)
        log = wires.enumerated().map { i, w in
            var w = w
            w.seq = Int64(i + 1)
            return StoredRevision(seq: Int64(i + 1), wire: w, caseID: (try? w.sealed().header.caseID) ?? .organisation)
        }
    }
}

/// One device's view of the in-memory server.
public struct InMemoryTransport: SyncTransport {
    public let server: InMemorySyncServer
    public let device: DeviceID?

    public func enrol(_ request: EnrolRequest, timeout: Duration) async throws -> EnrolResponse { try await server.enrol(request) }
    public func authenticate(timeout: Duration) async throws {}
    public func organisation(timeout: Duration) async throws -> OrganisationInfo { try await server.organisation(device) }
    public func invite(_ request: InviteRequest, timeout: Duration) async throws { try await server.invite(request, device) }
    public func certify(_ target: DeviceID, _ request: CertificationRequest, timeout: Duration) async throws {
        try await server.certify(target, request, device)
    }
    public func push(_ request: PushRequest, timeout: Duration) async throws -> PushResponse { try await server.push(request, device) }
    public func pull(after cursor: String?, limit: Int, timeout: Duration) async throws -> PullResponse {
        try await server.pull(after: cursor, limit: limit, caseID: nil, device)
    }
    public func caseRevisions(_ caseID: CaseID, after cursor: String?, limit: Int, timeout: Duration) async throws -> PullResponse {
        try await server.pull(after: cursor, limit: limit, caseID: caseID, device)
    }
    public func keys(timeout: Duration) async throws -> KeyList { try await server.keyList(device) }
    public func uploadKeys(_ caseID: CaseID, _ upload: KeyUpload, timeout: Duration) async throws {
        try await server.uploadKeys(caseID, upload, device)
    }
    public func grant(_ caseID: CaseID, _ request: GrantRequest, timeout: Duration) async throws { try await server.grant(caseID, request, device) }
    public func revoke(_ caseID: CaseID, person: PersonID, timeout: Duration) async throws { try await server.revoke(caseID, person, device) }
    public func eraseCase(_ caseID: CaseID, timeout: Duration) async throws { try await server.eraseCase(caseID, device) }
    public func isReachable(timeout: Duration) async -> Bool { await server.reachable }
    public func putTraining(_ person: PersonID, _ update: TrainingUpdate, timeout: Duration) async throws {
        try await server.putTraining(person, update, device)
    }
    public func removeDevice(_ target: DeviceID, _ request: DeviceRemovalRequest, timeout: Duration) async throws {
        try await server.removeDevice(target, request, device)
    }
    public func deactivate(_ person: PersonID, timeout: Duration) async throws { try await server.deactivate(person, device) }
    public func recoveryKeys(for person: PersonID, caseID: CaseID?, timeout: Duration) async throws -> KeyList {
        try await server.recoveryKeys(for: person, caseID: caseID, device)
    }
}

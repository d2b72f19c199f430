public import CasebookCrypto
public import CasebookModels
public import CasebookSync
public import Foundation
import Synchronization

/// A `ServerStore` in memory: the same contract as `SQLiteServerStore` and `PostgresServerStore`
/// (one conformance suite runs on all three), behind the real `SyncServer` routes. For tests and
/// simulations; nothing survives the process. Every operation runs under one lock, so a push's
/// sequence numbers are allocated and become visible in commit order.
///
/// Which callers may read a case is decided by `AccessPolicy.canRead` itself (the SQL stores
/// translate that rule into their `WHERE` clauses; the conformance suite checks they agree).
///
/// Not reachable from `casebook-server`'s configuration: a test registers it with
/// `ServerStoreRegistry` and builds the application with `database.url` `memory:NAME`.
public final class InMemoryServerStore: ServerStore {
    struct Grant: Sendable {
        var until: LocalDate?
        var revoked: Bool
    }

    struct Token: Sendable {
        var device: DeviceID
        var expires: Date
        var revoked: Bool
    }

    struct Row: Sendable {
        var seq: Int64
        var caseID: CaseID
        var wire: WireRevision
    }

    struct KeySlot: Hashable, Sendable {
        var caseID: CaseID
        var epoch: UInt32
        var recipient: DeviceID
    }

    struct State: Sendable {
        var organisation: (id: OrganisationID, name: String)?
        var rootDevice: DeviceID?
        var recoveryKey: Data?
        var people: [PersonID: StoredPerson] = [:]
        var devices: [DeviceID: DeviceRecord] = [:]
        var tokens: [Data: Token] = [:]
        var challenges: [Data: (device: DeviceID, expires: Date)] = [:]
        var grants: [CaseID: [PersonID: Grant]] = [:]
        var owners: [CaseID: PersonID] = [:]
        var keys: [KeySlot: WrappedCaseKey] = [:]
        /// Revisions in `seq` order; erasure removes rows (numbers are never reused).
        var log: [Row] = []
        var seqOfID: [String: Int64] = [:]
        /// Rows held per case (whether a case exists, without scanning the log).
        var rowsOfCase: [CaseID: Int] = [:]
        var lastSeq: Int64 = 0
        var erased: Set<CaseID> = []
        /// Per person and required course, the last valid day (nil = missing).
        var training: [PersonID: [TrainingCourse: LocalDate?]] = [:]
        var removals: [DeviceID: DeviceRemoval] = [:]
        /// The newest stamp among each device's accepted revisions (kept after erasure; ADR 0013).
        var latestStamp: [DeviceID: HLCTimestamp] = [:]
    }

    let state = Mutex(State())

    public init() {}

    public func migrate() async throws {}
    public func ping() async throws {}

    // MARK: Organisation and people

    public func createOrganisation(id: OrganisationID, name: String, admin: StoredPerson) async throws {
        try state.withLock { s throws(CasebookError) in
            guard s.organisation == nil else { throw CasebookError(.conflict, "this database already holds an organisation") }
            guard s.people[admin.record.id] == nil else { throw CasebookError(.conflict, "person \(admin.record.id) already exists") }
            s.organisation = (id, name)
            s.people[admin.record.id] = admin
        }
    }

    public func organisation() async throws -> OrganisationInfo? {
        state.withLock { s in
            guard let organisation = s.organisation else { return nil }
            return OrganisationInfo(organisationID: organisation.id, name: organisation.name, rootDevice: s.rootDevice,
                                    people: s.people.values.map(\.record).sorted { $0.id < $1.id },
                                    devices: s.devices.values.sorted { $0.deviceID < $1.deviceID }, recoveryKey: s.recoveryKey)
        }
    }

    public func person(_ id: PersonID) async throws -> StoredPerson? { state.withLock { $0.people[id] } }

    public func insertPerson(_ person: StoredPerson) async throws {
        try state.withLock { s throws(CasebookError) in
            guard s.people[person.record.id] == nil else { throw CasebookError(.conflict, "person \(person.record.id) already exists") }
            if let hash = person.codeHash, s.people.values.contains(where: { $0.codeHash == hash }) { throw StoreConflict.duplicateCode }
            s.people[person.record.id] = person
        }
    }

    public func setDeviceCode(person: PersonID, codeHash: Data, codeExpires: Date) async throws {
        try state.withLock { s throws(CasebookError) in
            guard let stored = s.people[person], stored.record.active, !stored.record.pending else {
                throw CasebookError(.notFound, "no enrolled, active person \(person)")
            }
            s.people[person] = StoredPerson(record: stored.record, codeHash: codeHash, codeExpires: codeExpires)
        }
    }

    public func enrol(codeHash: Data, device: DeviceRecord, recoveryKey: Data?, now: Date) async throws -> PersonRecord {
        try state.withLock { s throws(CasebookError) in
            // A code is outstanding while its hash is stored: a new person's (pending) or a device code (ADR 0024).
            guard let stored = s.people.values.first(where: { $0.codeHash == codeHash && $0.record.active }),
                  let expires = stored.codeExpires, expires > now else {
                throw CasebookError(.notAuthorised, "the enrolment code is not valid")
            }
            guard stored.record.id == device.person else {
                throw CasebookError(.invalidInput, "the device names another person than the enrolment code")
            }
            guard s.devices[device.deviceID] == nil else {
                throw CasebookError(.conflict, "device \(device.deviceID) is already registered")
            }
            s.devices[device.deviceID] = device
            var record = stored.record
            record.pending = false
            s.people[record.id] = StoredPerson(record: record, codeHash: nil, codeExpires: nil)
            if record.role == .admin, s.rootDevice == nil {
                s.rootDevice = device.deviceID
                s.recoveryKey = recoveryKey
            }
            return record
        }
    }

    public func device(_ id: DeviceID) async throws -> DeviceRecord? { state.withLock { $0.devices[id] } }

    public func deactivate(_ person: PersonID) async throws {
        try state.withLock { s throws(CasebookError) in
            guard s.people[person] != nil else { throw CasebookError(.notFound, "person \(person) does not exist") }
            s.people[person]?.record.active = false
            for (hash, token) in s.tokens where s.devices[token.device]?.person == person { s.tokens[hash]?.revoked = true }
        }
    }

    public func certify(device: DeviceID, _ request: CertificationRequest) async throws {
        try state.withLock { s throws(CasebookError) in
            guard s.devices[device] != nil else { throw CasebookError(.notFound, "device \(device) is not registered") }
            s.devices[device]?.certifiedBy = request.certifiedBy
            s.devices[device]?.certification = request.certification
            s.devices[device]?.certifiedRoles = request.roles
        }
    }

    public func removeDevice(_ removal: DeviceRemoval, now: Date) async throws {
        try state.withLock { s throws(CasebookError) in
            guard s.devices[removal.deviceID] != nil else { throw CasebookError(.notFound, "device \(removal.deviceID) is not registered") }
            if s.removals[removal.deviceID] == nil { s.removals[removal.deviceID] = removal }
            for (hash, token) in s.tokens where token.device == removal.deviceID { s.tokens[hash]?.revoked = true }
            s.keys = s.keys.filter { $0.key.recipient != removal.deviceID }
        }
    }

    public func removedDevices() async throws -> [DeviceRemoval] {
        state.withLock { $0.removals.values.sorted { $0.deviceID < $1.deviceID } }
    }

    public func removal(of device: DeviceID) async throws -> DeviceRemoval? { state.withLock { $0.removals[device] } }

    // MARK: Authentication

    public func insertChallenge(_ challenge: Data, device: DeviceID, expiresAt: Date) async throws {
        state.withLock { s in
            let horizon = expiresAt.addingTimeInterval(-3600)
            s.challenges = s.challenges.filter { $0.value.expires >= horizon }
            s.challenges[challenge] = (device, expiresAt)
        }
    }

    public func consumeChallenge(_ challenge: Data, device: DeviceID, now: Date) async throws -> Bool {
        state.withLock { s in
            guard let stored = s.challenges[challenge], stored.device == device, stored.expires > now else { return false }
            s.challenges[challenge] = nil
            return true
        }
    }

    public func insertToken(hash: Data, device: DeviceID, expiresAt: Date) async throws {
        state.withLock { s in
            let horizon = expiresAt.addingTimeInterval(-86_400)
            s.tokens = s.tokens.filter { $0.value.expires >= horizon }
            s.tokens[hash] = Token(device: device, expires: expiresAt, revoked: false)
        }
    }

    public func caller(tokenHash: Data, now: Date) async throws -> Caller? {
        state.withLock { s in
            guard let token = s.tokens[tokenHash], !token.revoked, token.expires > now, s.removals[token.device] == nil,
                  let device = s.devices[token.device], let person = s.people[device.person], person.record.active else { return nil }
            return Caller(device: device.deviceID, person: device.person, role: person.record.role, active: true)
        }
    }

    public func revokeToken(hash: Data) async throws {
        state.withLock { s in s.tokens[hash]?.revoked = true }
    }

    // MARK: Revisions

    public func push(_ revisions: [IncomingRevision], caller: Caller, today: LocalDate,
                     authorise: @escaping @Sendable (IncomingRevision, CaseFacts) -> PushOutcome?) async throws -> [PushOutcome] {
        state.withLock { s in
            var outcomes: [PushOutcome] = []
            for revision in revisions {
                if let seq = s.seqOfID[revision.id] {
                    outcomes.append(.accepted(seq: seq))
                    continue
                }
                let facts = s.facts(revision.caseID, person: caller.person, today: today)
                if let rejection = authorise(revision, facts) {
                    outcomes.append(rejection)
                    continue
                }
                if !facts.exists, revision.caseID != .organisation {
                    if s.owners[revision.caseID] == nil { s.owners[revision.caseID] = caller.person }
                    s.grants[revision.caseID, default: [:]][caller.person] = Grant(until: nil, revoked: false)
                }
                s.lastSeq += 1
                s.log.append(Row(seq: s.lastSeq, caseID: revision.caseID, wire: WireRevision(revision.sealed, seq: s.lastSeq)))
                s.seqOfID[revision.id] = s.lastSeq
                s.rowsOfCase[revision.caseID, default: 0] += 1
                let header = revision.sealed.header
                s.latestStamp[header.authorDevice] = max(s.latestStamp[header.authorDevice] ?? header.hlc, header.hlc)
                outcomes.append(.accepted(seq: s.lastSeq))
            }
            return outcomes
        }
    }

    public func pull(after: Int64, limit: Int, caller: Caller, caseID: CaseID?, today: LocalDate) async throws -> [WireRevision] {
        state.withLock { s in
            var start = s.log.partitioningIndex { $0.seq > after }
            var out: [WireRevision] = []
            var readable: [CaseID: Bool] = [:]
            while start < s.log.count, out.count < limit {
                let row = s.log[start]
                start += 1
                if let caseID, row.caseID != caseID { continue }
                let ok = readable[row.caseID] ?? AccessPolicy.canRead(row.caseID, caller: caller,
                                                                      facts: s.facts(row.caseID, person: caller.person, today: today))
                readable[row.caseID] = ok
                if ok { out.append(row.wire) }
            }
            return out
        }
    }

    public func caseFacts(_ caseID: CaseID, person: PersonID, today: LocalDate) async throws -> CaseFacts {
        state.withLock { $0.facts(caseID, person: person, today: today) }
    }

    // MARK: Keys and grants

    public func putKeys(_ keys: [WrappedCaseKey]) async throws {
        try state.withLock { s throws(CasebookError) in
            var stored = s.keys  // all or nothing, like the SQL stores' transaction
            for key in keys {
                if key.epoch > 0 {  // ADR 0013: one rotation statement per epoch
                    try RotationColumn.requireSame(
                        stored.values.first { $0.caseID == key.caseID && $0.epoch == key.epoch && $0.rotation != nil }?.rotation, as: key)
                }
                let slot = KeySlot(caseID: key.caseID, epoch: key.epoch, recipient: key.recipient)
                if let existing = stored[slot], !existing.wrappedBy.rawValue.isEmpty {
                    guard existing == key else {
                        throw CasebookError(.conflict, "a different key of case \(key.caseID) epoch \(key.epoch) is already stored for device \(key.recipient)")
                    }
                    continue
                }
                stored[slot] = key
            }
            s.keys = stored
        }
    }

    public func keyEpochs(_ caseID: CaseID) async throws -> KeyEpochFacts {
        state.withLock { s in
            var facts = KeyEpochFacts(newest: nil, rotations: [:])
            for key in s.keys.values where key.caseID == caseID {
                facts.newest = max(facts.newest ?? key.epoch, key.epoch)
                if let statement = key.rotation, statement.epoch == key.epoch, facts.rotations[key.epoch] == nil {
                    facts.rotations[key.epoch] = statement
                }
            }
            return facts
        }
    }

    public func latestRevisionStamp(by device: DeviceID) async throws -> HLCTimestamp? {
        state.withLock { $0.latestStamp[device] }
    }

    public func keys(for caller: Caller, today: LocalDate) async throws -> [WrappedCaseKey] {
        state.withLock { s in
            var readable: [CaseID: Bool] = [:]
            return s.keys.values.filter { key in
                guard key.recipient == caller.device else { return false }
                let ok = readable[key.caseID] ?? AccessPolicy.canRead(key.caseID, caller: caller,
                                                                      facts: s.facts(key.caseID, person: caller.person, today: today))
                readable[key.caseID] = ok
                return ok
            }.sorted { ($0.caseID, $0.epoch) < ($1.caseID, $1.epoch) }
        }
    }

    public func grant(_ caseID: CaseID, to person: PersonID, until: LocalDate?, now: Date) async throws {
        state.withLock { s in s.grants[caseID, default: [:]][person] = Grant(until: until, revoked: false) }
    }

    public func revokeGrant(_ caseID: CaseID, from person: PersonID, now: Date) async throws {
        state.withLock { s in s.grants[caseID]?[person]?.revoked = true }
    }

    public func eraseCase(_ caseID: CaseID, now: Date) async throws {
        state.withLock { s in
            s.erased.insert(caseID)
            s.keys = s.keys.filter { $0.key.caseID != caseID }
            s.grants[caseID] = nil
            s.owners[caseID] = nil
            for row in s.log where row.caseID == caseID { s.seqOfID[row.wire.id] = nil }
            s.log.removeAll { $0.caseID == caseID }
            s.rowsOfCase[caseID] = nil
        }
    }

    // MARK: Training (the P10 gate)

    public func putTraining(_ summary: TrainingSummary, now: Date) async throws {
        state.withLock { s in
            var courses: [TrainingCourse: LocalDate?] = [:]
            for course in TrainingCourse.allCases { courses[course] = .some(summary.validUntil[course]) }
            s.training[summary.person] = courses
        }
    }

    public func trainingFacts(_ person: PersonID) async throws -> TrainingFacts {
        state.withLock { s in
            guard let courses = s.training[person] else { return TrainingFacts(published: !s.training.isEmpty, summary: nil) }
            return TrainingFacts(published: true, summary: TrainingSummary(person: person, validUntil: courses.compactMapValues { $0 }))
        }
    }

    public func holdsKey(_ caseID: CaseID, person: PersonID) async throws -> Bool {
        state.withLock { s in s.keys.values.contains { $0.caseID == caseID && s.devices[$0.recipient]?.person == person } }
    }
}

extension InMemoryServerStore.State {
    func facts(_ caseID: CaseID, person: PersonID, today: LocalDate) -> CaseFacts {
        let granted = grants[caseID]?[person].map { !$0.revoked && ($0.until.map { $0 >= today } ?? true) } ?? false
        return CaseFacts(exists: rowsOfCase[caseID, default: 0] > 0, owner: owners[caseID], granted: granted,
                         erased: erased.contains(caseID))
    }
}

extension Array {
    /// The first index whose element satisfies `belongs`, for an array partitioned by it (binary search).
    func partitioningIndex(where belongs: (Element) -> Bool) -> Int {
        var low = 0, high = count
        while low < high {
            let mid = (low + high) / 2
            if belongs(self[mid]) { high = mid } else { low = mid + 1 }
        }
        return low
    }
}

// MARK: - Inspection for tests

@_spi(Testing) extension InMemoryServerStore {
    /// Writes a device row as an operator with database access could, past every route's check.
    public func plantDevice(_ record: DeviceRecord) {
        state.withLock { $0.devices[record.deviceID] = record }
    }

    /// Revisions held (all cases, or one).
    public func revisionCount(of caseID: CaseID? = nil) -> Int {
        state.withLock { s in caseID.map { c in s.log.count { $0.caseID == c } } ?? s.log.count }
    }

    /// People holding an active (unrevoked) grant of a case.
    public func grantees(of caseID: CaseID) -> [PersonID] {
        state.withLock { s in (s.grants[caseID] ?? [:]).filter { !$0.value.revoked }.keys.sorted() }
    }

    /// Every wrapped key held for a case, whoever it is for.
    public func storedKeys(of caseID: CaseID) -> [WrappedCaseKey] {
        state.withLock { s in
            s.keys.values.filter { $0.caseID == caseID }.sorted { ($0.epoch, $0.recipient) < ($1.epoch, $1.recipient) }
        }
    }

    /// Cases erased on the server (tombstones).
    public var erasedCases: Set<CaseID> { state.withLock { $0.erased } }
}

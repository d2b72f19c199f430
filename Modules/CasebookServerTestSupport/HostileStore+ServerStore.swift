public import CasebookCrypto
public import CasebookModels
public import CasebookServer
public import CasebookSync
public import Foundation
import Synchronization

/// The store contract: everything forwards to the real store, except what the operator serves.
extension HostileStore {
    public func migrate() async throws { try await inner.migrate() }
    public func ping() async throws { try await inner.ping() }

    public func createOrganisation(id: OrganisationID, name: String, admin: StoredPerson) async throws {
        try await inner.createOrganisation(id: id, name: name, admin: admin)
    }

    public func organisation() async throws -> OrganisationInfo? {
        guard var info = try await inner.organisation() else { return nil }
        let (devices, recoveryKey, hidden) = plan.withLock { ($0.servedDevices, $0.recoveryKey, $0.hiddenDevices) }
        info.devices.removeAll { hidden.contains($0.deviceID) }
        for record in devices.values.sorted(by: { $0.deviceID < $1.deviceID }) {
            if let i = info.devices.firstIndex(where: { $0.deviceID == record.deviceID }) {
                info.devices[i] = record
            } else {
                info.devices.append(record)
            }
        }
        if let recoveryKey { info.recoveryKey = recoveryKey }
        return info
    }

    public func person(_ id: PersonID) async throws -> StoredPerson? { try await inner.person(id) }
    public func insertPerson(_ person: StoredPerson) async throws { try await inner.insertPerson(person) }

    public func setDeviceCode(person: PersonID, codeHash: Data, codeExpires: Date) async throws {
        try await inner.setDeviceCode(person: person, codeHash: codeHash, codeExpires: codeExpires)
    }

    public func enrol(codeHash: Data, device: DeviceRecord, recoveryKey: Data?, now: Date) async throws -> PersonRecord {
        try await inner.enrol(codeHash: codeHash, device: device, recoveryKey: recoveryKey, now: now)
    }

    public func device(_ id: DeviceID) async throws -> DeviceRecord? { try await inner.device(id) }
    public func deactivate(_ person: PersonID) async throws { try await inner.deactivate(person) }
    public func certify(device: DeviceID, _ request: CertificationRequest) async throws { try await inner.certify(device: device, request) }
    public func removeDevice(_ removal: DeviceRemoval, now: Date) async throws { try await inner.removeDevice(removal, now: now) }

    public func removedDevices() async throws -> [DeviceRemoval] {
        let hidden = plan.withLock { $0.hiddenRemovals }
        return try await inner.removedDevices().filter { !hidden.contains($0.deviceID) }
    }

    public func removal(of device: DeviceID) async throws -> DeviceRemoval? { try await inner.removal(of: device) }
    public func latestRevisionStamp(by device: DeviceID) async throws -> HLCTimestamp? { try await inner.latestRevisionStamp(by: device) }

    public func insertChallenge(_ challenge: Data, device: DeviceID, expiresAt: Date) async throws {
        try await inner.insertChallenge(challenge, device: device, expiresAt: expiresAt)
    }

    public func consumeChallenge(_ challenge: Data, device: DeviceID, now: Date) async throws -> Bool {
        try await inner.consumeChallenge(challenge, device: device, now: now)
    }

    public func insertToken(hash: Data, device: DeviceID, expiresAt: Date) async throws {
        try await inner.insertToken(hash: hash, device: device, expiresAt: expiresAt)
    }

    public func caller(tokenHash: Data, now: Date) async throws -> Caller? { try await inner.caller(tokenHash: tokenHash, now: now) }
    public func revokeToken(hash: Data) async throws { try await inner.revokeToken(hash: hash) }

    // MARK: Revisions

    public func push(_ revisions: [IncomingRevision], caller: Caller, today: LocalDate,
                     authorise: @escaping @Sendable (IncomingRevision, CaseFacts) -> PushOutcome?) async throws -> [PushOutcome] {
        let outcomes = try await inner.push(revisions, caller: caller, today: today, authorise: authorise)
        let highest = outcomes.compactMap { outcome -> Int64? in if case .accepted(let seq) = outcome { seq } else { nil } }.max() ?? 0
        plan.withLock { $0.highWater = max($0.highWater, highest) }
        return outcomes.map { outcome in
            if case .accepted(let seq) = outcome { .accepted(seq: seq << Self.shift) } else { outcome }
        }
    }

    public func pull(after: Int64, limit: Int, caller: Caller, caseID: CaseID?, today: LocalDate) async throws -> [WireRevision] {
        let plan = plan.withLock { $0 }
        var storeAfter = after >> Self.shift
        var genuine: [WireRevision] = []
        var exhausted = false
        while genuine.count < limit {
            let page = try await inner.pull(after: storeAfter, limit: limit, caller: caller, caseID: caseID, today: today)
            for var row in page {
                let storeSeq = row.seq ?? 0
                storeAfter = storeSeq
                let served = storeSeq << Self.shift
                guard served > after else { continue }
                if let replacement = plan.replaced[storeSeq] {
                    guard let replacement else { continue }
                    row = replacement
                }
                row.seq = served
                if !plan.withholds(row, from: caller.device) { genuine.append(row) }
            }
            self.plan.withLock { $0.highWater = max($0.highWater, storeAfter) }
            if page.count < limit {
                exhausted = true
                break
            }
        }
        let bound = exhausted ? Int64.max : (genuine.last?.seq ?? Int64.max)
        var forged: [WireRevision] = []
        var readable: [CaseID: Bool] = [:]
        for row in plan.injected where row.seq > after && row.seq <= bound {
            if let devices = row.to, !devices.contains(caller.device) { continue }
            if let caseID, row.caseID != caseID { continue }
            if plan.withholds(row.wire, from: caller.device) { continue }
            if row.to == nil, let rowCase = row.caseID {
                if readable[rowCase] == nil {
                    let facts = try await inner.caseFacts(rowCase, person: caller.person, today: today)
                    readable[rowCase] = AccessPolicy.canRead(rowCase, caller: caller, facts: facts)
                }
                if readable[rowCase] != true { continue }
            }
            forged.append(row.wire)
        }
        var served = Array((genuine + forged).sorted { ($0.seq ?? 0) < ($1.seq ?? 0) }.prefix(limit))
        // Every row but the last is served in reverse order under ascending numbers. The last stays
        // in place: the route asks for one row more than the page to learn whether more follow, and
        // drops it, so a row moved there would be skipped by the cursor instead of reordered.
        if plan.reorders(for: caller.device), served.count > 2 {
            let numbers = served.map(\.seq)
            served[..<(served.count - 1)].reverse()
            for i in served.indices { served[i].seq = numbers[i] }
        }
        return served
    }

    public func caseFacts(_ caseID: CaseID, person: PersonID, today: LocalDate) async throws -> CaseFacts {
        try await inner.caseFacts(caseID, person: person, today: today)
    }

    // MARK: Keys and grants

    public func putKeys(_ keys: [WrappedCaseKey]) async throws { try await inner.putKeys(keys) }
    public func keyEpochs(_ caseID: CaseID) async throws -> KeyEpochFacts { try await inner.keyEpochs(caseID) }

    public func keys(for caller: Caller, today: LocalDate) async throws -> [WrappedCaseKey] {
        let (injected, withheld) = plan.withLock { ($0.injectedKeys, $0.withheldKeys) }
        var keys = try await inner.keys(for: caller, today: today).filter { !withheld.contains(Slot($0)) }
        for key in injected.values where key.recipient == caller.device {
            keys.removeAll { Slot($0) == Slot(key) }
            keys.append(key)
        }
        return keys.sorted { ($0.caseID, $0.epoch) < ($1.caseID, $1.epoch) }
    }

    public func grant(_ caseID: CaseID, to person: PersonID, until: LocalDate?, now: Date) async throws {
        try await inner.grant(caseID, to: person, until: until, now: now)
    }

    public func revokeGrant(_ caseID: CaseID, from person: PersonID, now: Date) async throws {
        try await inner.revokeGrant(caseID, from: person, now: now)
    }

    public func eraseCase(_ caseID: CaseID, now: Date) async throws { try await inner.eraseCase(caseID, now: now) }

    // MARK: Training

    public func putTraining(_ summary: TrainingSummary, now: Date) async throws { try await inner.putTraining(summary, now: now) }
    public func trainingFacts(_ person: PersonID) async throws -> TrainingFacts { try await inner.trainingFacts(person) }
    public func holdsKey(_ caseID: CaseID, person: PersonID) async throws -> Bool { try await inner.holdsKey(caseID, person: person) }
}

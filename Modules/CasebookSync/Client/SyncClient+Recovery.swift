public import CasebookCrypto
public import CasebookModels
import CasebookStorage
import Foundation

/// Result of `casebook recover`.
public struct RecoveryOutcome: Sendable, Hashable, Codable {
    public var person: PersonID
    public var devices: [DeviceID]
    public var cases: [CaseID]
    /// Wrapped keys uploaded (case epochs × devices).
    public var keys: Int
    /// Slots a device already held a key for (left as they were).
    public var alreadyHeld: Int
    /// Recovery copies not re-wrapped: not signed by a device this replica trusts (a copy the server made),
    /// or not opening with this recovery key (tampered, or another organisation's).
    public var unreadable: Int
}

extension SyncClient {
    /// Re-wraps case keys from the organisation recovery key (administrators;
    /// docs/adr/0010-membership.md). The server hands out the recovery key's copies of the keys of
    /// every case `person` may read now (or of `caseID` only, which is first granted to them); this
    /// replica opens each with the offline recovery key and wraps it for each of the person's
    /// certified devices. Their next sync receives the keys and backfills the cases.
    ///
    /// Typical uses: a practitioner's laptop was lost (`casebook device remove`, then a new device
    /// enrolled and certified, then `recover --for PERSON`); or every reader of a case is gone and an
    /// administrator must read or export it (`recover --case CASE`, for themselves).
    ///
    /// `source` (default `person`) recovers the cases another person could read, granting each to
    /// `person`: the replacement for a lost laptop enrolled under a new person id, or a colleague
    /// taking over the caseload of someone who left.
    public func recover(with recoveryKey: RecoveryKey, for person: PersonID, from source: PersonID? = nil,
                        caseID: CaseID?) async throws(CasebookError) -> RecoveryOutcome {
        let source = source ?? person
        try vault.requireAdministrator(to: "recover case keys")
        do { try await refreshOrganisation() } catch { throw Self.edgeError(error) }
        guard let registered = try vault.recoveryPublicKey() else {
            throw CasebookError(.notFound, "this vault does not know the organisation recovery key yet", hint: .sync)
        }
        guard registered == recoveryKey.publicKey else {
            throw CasebookError(.notAuthorised, "that file is not this organisation's recovery key")
        }
        let devices = try vault.trustedDevices(of: person)
        guard !devices.isEmpty else {
            throw CasebookError(.notFound,
                "person \(person) has no certified device", hint: .enrolNewDeviceThenSync)
        }
        if caseID == .organisation {
            throw CasebookError(.invalidInput, "the organisation case is shared with every member; it needs no recovery")
        }
        if let caseID, source == person { try await grantForRecovery(caseID, to: person) }
        let list: KeyList
        do {
            list = try await timed("the recovery keys") { try await self.transport.recoveryKeys(for: source, caseID: caseID, timeout: $0) }
        } catch { throw Self.edgeError(error) }
        if source != person {
            for caseID in Set(list.keys.map(\.caseID)).subtracting([.organisation]).sorted() { try await grantForRecovery(caseID, to: person) }
        }
        var outcome = RecoveryOutcome(person: person, devices: devices.map(\.deviceID), cases: [], keys: 0, alreadyHeld: 0, unreadable: 0)
        var wraps: [CaseID: [WrappedCaseKey]] = [:]
        for wrapped in list.keys where wrapped.caseID != .organisation {
            // A copy the server made itself (the recovery key's public half is no secret) must not be
            // re-wrapped and vouched for: only copies signed by a device this replica trusts (ADR 0009).
            guard try vault.isSignedByTrustedDevice(wrapped), let key = try? recoveryKey.unwrap(wrapped) else {
                outcome.unreadable += 1; continue
            }
            for device in devices {  // an epoch above 0 keeps its rotation statement (ADR 0013)
                wraps[wrapped.caseID, default: []].append(try KeyWrap.wrap(key, for: device, by: vault.identity, rotation: wrapped.rotation))
            }
        }
        for (caseID, keys) in wraps.sorted(by: { $0.key < $1.key }) {
            var uploaded: [WrappedCaseKey] = []
            do {
                try await timed("a key upload") { try await self.transport.uploadKeys(caseID, KeyUpload(keys: keys), timeout: $0) }
                uploaded = keys
            } catch let failure as SyncFailure where failure.kind == .rejected {
                // Some slot is occupied (the device already holds that key): upload one by one.
                for key in keys {
                    do {
                        try await timed("a key upload") { try await self.transport.uploadKeys(caseID, KeyUpload(keys: [key]), timeout: $0) }
                        uploaded.append(key)
                    } catch let failure as SyncFailure where failure.kind == .rejected {
                        outcome.alreadyHeld += 1
                    } catch { throw Self.edgeError(error) }
                }
            } catch { throw Self.edgeError(error) }
            // Remember keys wrapped for others (as a grant does); this device's own copies arrive
            // through its next sync, which then backfills the case.
            try vault.storeWrappedKeys(uploaded.filter { $0.recipient != vault.device })
            outcome.keys += uploaded.count
            if !uploaded.isEmpty { outcome.cases.append(caseID) }
            try vault.auditSync(.recover, caseID: caseID)
        }
        return outcome
    }

    private func grantForRecovery(_ caseID: CaseID, to person: PersonID) async throws(CasebookError) {
        try await edge("the grant") { try await self.transport.grant(caseID, GrantRequest(person: person), timeout: $0) }
        try vault.recordGrant(caseID, to: person, granted: true)
    }
}

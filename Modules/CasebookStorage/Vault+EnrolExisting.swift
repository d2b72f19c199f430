public import CasebookCrypto
public import CasebookModels
public import Foundation
import GRDB
import Synchronization

/// What enrolling a standalone vault kept and retired (docs/adr/0010-membership.md).
public struct StandaloneEnrolment: Sendable, Hashable, Codable {
    /// Client cases kept with their keys; pushed, and their keys wrapped for the DSL and the
    /// recovery key, at the next sync.
    public var clientCases: Int
    /// Revisions of those cases queued for the server.
    public var queuedRevisions: Int
    /// Revisions of the standalone organisation case (your person record, settings, policy versions,
    /// training) retired: the organisation's own records replace them at the next sync.
    public var retiredOrganisationRevisions: Int
}

extension Vault {
    /// Checks, before anything is sent to the server, that this standalone vault can join an
    /// organisation with an invitation for `invited`:
    /// - it is standalone (not enrolled yet);
    /// - the invitation is for this vault's own person id, so every revision it holds keeps its
    ///   true author (the administrator invites with `casebook person invite --existing-person ID`);
    /// - its organisation case holds no destruction certificate (it would be lost: the
    ///   organisation's records replace the standalone ones).
    public func checkStandaloneEnrolment(invited: PersonID?) throws(CasebookError) {
        try read("checking the vault") { db in
            guard try Meta.json(db, .organisation, EnrolledOrganisation.self) == nil else {
                throw CasebookError(.vaultExists, "this vault is already enrolled in an organisation")
            }
            guard let invited else {
                throw CasebookError(.invalidInput,
                    "an existing vault joins with an invitation code (cb1.PERSON.SECRET.FINGERPRINT); the first administrator enrols a new vault")
            }
            guard invited == person else {
                throw CasebookError(.invalidInput,
                    "this code invites person \(invited), but this vault's records are written by person \(person)", hint: .inviteExistingPerson(person))
            }
            let certificates = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM revisions WHERE case_id = ? AND record_type = ?",
                                                arguments: [CaseID.organisation.rawValue, RecordType.destructionCertificate.rawValue]) ?? 0
            guard certificates == 0 else {
                throw CasebookError(.invalidInput,
                    "this vault holds \(certificates) destruction certificate(s) in its own organisation records, which enrolment would retire; keep this vault standalone (or keep a copy of it) rather than lose them")
            }
        }
    }

    /// Turns this standalone vault into an enrolled one, in one transaction, after the server
    /// registered its existing device keys. Client cases, their keys and revisions are kept
    /// unchanged (same device, same person, same signatures) and stay queued for the next sync.
    /// The standalone organisation case is retired (its revisions, key and outbox entries): the
    /// organisation's own case, under the organisation's key, replaces it at the next sync.
    public func adoptEnrolment(organisation: EnrolledOrganisation, root: DevicePublicKeys, server: String)
        throws(CasebookError) -> StandaloneEnrolment {
        // Keys and derived state change under the cache either way (success or rollback).
        defer { cache.withLock { $0.caseKeys = [:]; $0.reset() } }
        return try write("enrolling the vault") { db -> StandaloneEnrolment in
            guard try Meta.json(db, .organisation, EnrolledOrganisation.self) == nil else {
                throw CasebookError(.vaultExists, "this vault is already enrolled in an organisation")
            }
            let org = CaseID.organisation.rawValue
            let retired = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM revisions WHERE case_id = ?", arguments: [org]) ?? 0
            try db.execute(sql: "DELETE FROM outbox WHERE revision_id IN (SELECT id FROM revisions WHERE case_id = ?)", arguments: [org])
            try db.execute(sql: "DELETE FROM revisions WHERE case_id = ?", arguments: [org])
            try db.execute(sql: "DELETE FROM case_keys WHERE case_id = ?", arguments: [org])
            try Meta.setJSON(db, .organisation, organisation)
            try Meta.set(db, .rootDevice, Data(root.deviceID.rawValue.utf8))
            try Meta.set(db, .server, Data(server.utf8))
            try storeDevice(db, root, roles: [Role.admin.rawValue])
            let cases = try Int.fetchOne(db, sql: "SELECT COUNT(DISTINCT case_id) FROM case_keys WHERE recipient = ?",
                                         arguments: [device.rawValue]) ?? 0
            let queued = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox") ?? 0
            try appendAudit(db, action: .enrol, recordType: nil, recordID: nil, caseID: nil)
            return StandaloneEnrolment(clientCases: cases, queuedRevisions: queued, retiredOrganisationRevisions: retired)
        }
    }

    /// The organisation recovery key's public half this replica wraps case keys for (nil until known).
    public func recoveryPublicKey() throws(CasebookError) -> Data? {
        return try read("reading the recovery key") { db in try devicePublicKeys(db, DeviceTrust.recoveryDevice)?.agreement }
    }

    /// Refuses unless this vault's owner is an active administrator.
    public func requireAdministrator(to action: String) throws(CasebookError) {
        try read(action) { db in try requireRole(db, [.admin], to: action) }
    }
}

extension Vault {
    /// Adopts the recovery key from the organisation settings as soon as they have been pulled, so
    /// the same sync wraps case keys for it (a new member's first sync pulls the settings after
    /// the organisation step).
    public func refreshRecoveryKey() throws(CasebookError) {
        try write("reading the recovery key") { db in try adoptRecoveryKey(db) }
    }
}

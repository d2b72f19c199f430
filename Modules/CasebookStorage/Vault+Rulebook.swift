import CasebookCrypto
public import CasebookModels
import Foundation
import GRDB
import Synchronization

/// The rulebook (ADR 0012) on a replica: who signed what, from this replica's own trusted device
/// set; the writer's check before sealing; the merge of stored revisions through the rules; and
/// the report of the revisions a pulled page brought that the rules keep out of state.
extension Vault {
    /// Signers as this replica trusts them: certified roles, the pinned root as administrator,
    /// removal stamps. With `personRoles`, this vault's own device and the root device also hold
    /// the roles of their person's record (written only by administrators; a standalone vault's
    /// owner is its own root). Organisation records are merged without them (they are what
    /// `personRoles` reads).
    func ruleSigners(_ db: Database, personRoles: Bool) throws -> [DeviceID: Signer] {
        let root = try rootDeviceID(db) ?? device  // a standalone vault is its own organisation
        var signers: [DeviceID: Signer] = [:]
        for row in try Row.fetchAll(db, sql: """
            SELECT d.device_id, d.person_id, d.roles, r.removed_at FROM devices d
            LEFT JOIN removed_devices r ON r.device_id = d.device_id WHERE d.device_id != ?
            """, arguments: [DeviceTrust.recoveryDevice.rawValue]) {
            let id = DeviceID(rawValue: row["device_id"])
            let roles = Set(((row["roles"] as String?) ?? "").split(separator: ",").compactMap { Role(rawValue: String($0)) })
            signers[id] = Signer(device: id, person: PersonID(rawValue: row["person_id"]), roles: roles,
                                 isAdmin: id == root || roles.contains(.admin),
                                 removedAt: (row["removed_at"] as String?).flatMap(HLCTimestamp.init(parsing:)))
        }
        let changed = cache.withLock { cache in
            defer { cache.ruleSigners = signers }
            return cache.ruleSigners != nil && cache.ruleSigners != signers
        }
        if changed { cache.withLock { $0.resetDerived() } }
        guard personRoles else { return signers }
        let org = try organisationState(db)
        for id in Set([device, root]) {
            guard var signer = signers[id], let person = org.person(signer.person), person.active else { continue }
            signer.roles.formUnion(person.roles)
            signer.isAdmin = signer.isAdmin || person.has(.admin)
            signers[id] = signer
        }
        return signers
    }

    /// Signers for merging records of a case (organisation records without person roles).
    func ruleSigners(_ db: Database, forCase caseID: CaseID?, type: RecordType?) throws -> [DeviceID: Signer] {
        let organisation = caseID == .organisation || type?.isOrganisationWide == true
        return try ruleSigners(db, personRoles: !organisation)
    }

    /// The writer's courtesy: the same rules every receiver runs, checked before sealing so the
    /// user gets a clear refusal instead of a revision every other replica ignores.
    func checkRules(_ db: Database, header: RevisionHeader, body: RevisionBody, signers known: [DeviceID: Signer]? = nil) throws {
        let signers = try known ?? ruleSigners(db, forCase: header.caseID, type: header.recordType)
        guard let me = signers[device] else {
            throw CasebookError(.vaultCorrupt, "this vault does not hold its own device's certificate")
        }
        let prior = RecordMerge.merge(try revisions(db, recordID: header.recordID), signers: { signers[$0] })
        // (The id is a placeholder: the rules never read it.)
        let revision = Revision(id: RevisionID(rawValue: ""), header: header, body: body)
        if let violation = Rulebook.transition(prior: prior, revision: revision, signer: me) { throw violation.error }
    }

    /// Record types whose rules depend on the record's earlier revisions.
    static func hasStatefulRules(_ type: RecordType) -> Bool {
        type.mergeRule == .appendOnly || [.session, .concern, .disclosure].contains(type)
    }

    /// After a page is stored: the page's revisions that the rulebook keeps out of their record's
    /// state (checked where this replica holds the key and the record has other revisions).
    func refusedByRules(_ db: Database, stored: [SealedRevision]) throws -> [RejectedRevision] {
        let candidates = stored.filter { Self.hasStatefulRules($0.header.recordType) }
        guard !candidates.isEmpty else { return [] }
        var records = Set(candidates.map(\.header.recordID))
        for chunk in Array(records).chunked(500) {
            let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
            let single = try String.fetchAll(db, sql: "SELECT record_id FROM revisions WHERE record_id IN (\(marks)) GROUP BY record_id HAVING COUNT(*) = 1",
                                             arguments: StatementArguments(chunk.map(\.rawValue)))
            records.subtract(single.map(RecordID.init(rawValue:)))
        }
        let pageIDs = Set(candidates.map(\.id))
        var refused: [RejectedRevision] = []
        var signers: [DeviceID: Signer]?
        for record in records.sorted() {
            let revisions = try revisions(db, recordID: record)
            guard let first = revisions.first else { continue }
            if signers == nil { signers = try ruleSigners(db, personRoles: true) }
            let table = try first.header.caseID == .organisation ? ruleSigners(db, personRoles: false) : (signers ?? [:])
            for (id, violation) in RecordMerge.evaluate(revisions, signers: { table[$0] }).refused where pageIDs.contains(id) {
                refused.append(RejectedRevision(id: id.rawValue, violation: violation))
            }
        }
        return refused.sorted { $0.id < $1.id }
    }
}

extension RejectedRevision {
    /// A refusal by the rulebook: the reason's raw value and its message (identifiers only).
    public init(id: String, violation: RuleViolation) {
        self.init(id: id, reason: RefusalReason(violation.reason), message: violation.message)
    }

    /// The rulebook's reason, when the refusal is one of its rules.
    public var rule: RuleReason? { RuleReason(rawValue: reason.rawValue) }
}

extension VaultCache {
    /// Forgets state derived by merging (which depends on who is trusted), keeping unwrapped keys.
    mutating func resetDerived() {
        reset()
    }
}

private extension Array {
    func chunked(_ size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}

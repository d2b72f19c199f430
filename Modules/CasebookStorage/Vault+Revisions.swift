import Synchronization
import CasebookCrypto
public import CasebookModels
import Foundation
import GRDB

/// A change to make: the fields a new revision of one record sets.
public struct PendingChange: Sendable {
    public var record: RecordID
    public var type: RecordType
    public var caseID: CaseID
    public var fields: [String: JSONValue]

    public init(record: RecordID, type: RecordType, caseID: CaseID, fields: [String: JSONValue]) {
        self.record = record
        self.type = type
        self.caseID = caseID
        self.fields = fields
    }
}

extension Vault {
    /// Seals, stores, queues for sync and audits changes, all in the caller's transaction.
    /// Each change first passes the rulebook every receiver runs (ADR 0012), unless `checked` is
    /// false (`commitForTesting` only: tests of what receivers do with rule-breaking revisions).
    @discardableResult
    func commit(_ db: Database, _ changes: [PendingChange], action: AuditAction, checked: Bool = true) throws -> [SealedRevision] {
        var clockState = HybridLogicalClock(last: try currentHLC(db))
        // A failed lookup fails the commit (issue 17): a revision must not silently lose the
        // policy version it was written under.
        let policy = try organisationState(db).policyInForce(on: clock.today)?.version
        var sealedRevisions: [SealedRevision] = []
        sealedRevisions.reserveCapacity(changes.count)
        // Looked up once per call, not once per change (ADR 0031): nothing this loop writes changes a
        // case's current key; each device number is one more than the last this loop used in the
        // case; the rule signers change only with an organisation record (then read again).
        var keys: [CaseID: CaseKey] = [:]
        var deviceSeqs: [CaseID: UInt64] = [:]
        var signers: [Bool: [DeviceID: Signer]] = [:]
        var audit: [AuditEvent] = []
        audit.reserveCapacity(changes.count)
        for change in changes {
            let key = try keys[change.caseID] ?? currentKey(db, for: change.caseID)
            keys[change.caseID] = key
            let deviceSeq = try deviceSeqs[change.caseID].map { $0 + 1 } ?? nextDeviceSeq(db, caseID: change.caseID)
            deviceSeqs[change.caseID] = deviceSeq
            let header = RevisionHeader(recordID: change.record, recordType: change.type, caseID: change.caseID,
                                        authorDevice: device, hlc: clockState.tick(wallMillis: clock.nowMillis), keyEpoch: key.epoch,
                                        deviceSeq: deviceSeq)
            let body = RevisionBody(fields: change.fields, author: person, policyVersion: policy)
            if checked {
                let personRoles = !(change.caseID == .organisation || change.type.isOrganisationWide)
                let known = try signers[personRoles] ?? ruleSigners(db, personRoles: personRoles)
                signers[personRoles] = known
                try checkRules(db, header: header, body: body, signers: known)
            }
            let sealed = try RevisionSealer.seal(header: header, body: body, key: key, author: identity)
            try insert(db, sealed, serverSeq: nil)
            if change.caseID == .organisation || change.type.isOrganisationWide { signers = [:] }
            try db.execute(sql: "INSERT OR IGNORE INTO outbox (revision_id, queued_at) VALUES (?, ?)",
                           arguments: [sealed.id.rawValue, Int64(clock.nowMillis)])
            audit.append(AuditEvent(action: action, recordType: change.type, recordID: change.record, caseID: change.caseID))
            sealedRevisions.append(sealed)
        }
        try appendAudit(db, audit)
        try Meta.set(db, .hlc, Data(clockState.last.description.utf8))
        return sealedRevisions
    }

    /// Stores a sealed revision (idempotent on its content address). Returns whether it was new.
    @discardableResult
    func insert(_ db: Database, _ sealed: SealedRevision, serverSeq: Int64?) throws -> Bool {
        let h = sealed.header
        try db.execute(sql: """
            INSERT INTO revisions (id, case_id, record_id, record_type, author_device, hlc, key_epoch, header, ciphertext, signature, server_seq,
                                   device_seq)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(id) DO UPDATE SET server_seq = COALESCE(revisions.server_seq, excluded.server_seq)
            """, arguments: [sealed.id.rawValue, h.caseID.rawValue, h.recordID.rawValue, h.recordType.rawValue,
                             h.authorDevice.rawValue, h.hlc.description, Int64(h.keyEpoch), sealed.headerBytes,
                             sealed.ciphertext, sealed.signature, serverSeq, h.deviceSeq.flatMap(Int64.init(exactly:))])
        let inserted = db.changesCount > 0
        if inserted { cache.withLock { $0.invalidate(for: h) } }
        return inserted
    }

    /// This device's next number in a case (ADR 0014): one more than the highest it has used there.
    func nextDeviceSeq(_ db: Database, caseID: CaseID) throws -> UInt64 {
        let last = try Int64.fetchOne(db, sql: """
            SELECT MAX(device_seq) FROM revisions WHERE author_device = ? AND case_id = ? AND device_seq IS NOT NULL
            """, arguments: [device.rawValue, caseID.rawValue]) ?? 0
        return UInt64(max(last, 0)) + 1
    }

    func currentHLC(_ db: Database) throws -> HLCTimestamp {
        guard let data = try Meta.get(db, .hlc), let stamp = HLCTimestamp(parsing: String(decoding: data, as: UTF8.self)) else {
            return .zero
        }
        return stamp
    }

    /// Sealed revisions matching a filter, in local insertion order.
    func sealedRevisions(_ db: Database, caseID: CaseID? = nil, type: RecordType? = nil,
                         recordID: RecordID? = nil) throws -> [SealedRevision] {
        var clauses: [String] = []
        var arguments: StatementArguments = []
        if let caseID { clauses.append("case_id = ?"); arguments += [caseID.rawValue] }
        if let type { clauses.append("record_type = ?"); arguments += [type.rawValue] }
        if let recordID { clauses.append("record_id = ?"); arguments += [recordID.rawValue] }
        let filter = clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ")
        let rows = try Row.fetchAll(db, sql: "SELECT id, header, ciphertext, signature FROM revisions \(filter) ORDER BY local_seq",
                                    arguments: arguments)
        return try rows.compactMap { row throws(CasebookError) -> SealedRevision? in
            let sealed = try SealedRevision(headerBytes: row["header"], ciphertext: row["ciphertext"], signature: row["signature"],
                                            claimedID: RevisionID(rawValue: row["id"]))
            // The clear columns are only an index. A row whose sealed header says otherwise (a vault
            // file edited to move a revision to another client or relabel its type) is not what was
            // asked for, and is never shown as such (StoredRevisionTamperTests).
            if let caseID, sealed.header.caseID != caseID { return nil }
            if let type, sealed.header.recordType != type { return nil }
            if let recordID, sealed.header.recordID != recordID { return nil }
            return sealed
        }
    }

    /// Decrypted revisions; revisions of epochs this device holds no key for are skipped
    /// (they belong to a case it was revoked from).
    func revisions(_ db: Database, caseID: CaseID? = nil, type: RecordType? = nil,
                   recordID: RecordID? = nil) throws -> [Revision] {
        try sealedRevisions(db, caseID: caseID, type: type, recordID: recordID).compactMap { sealed in
            guard let key = try caseKey(db, caseID: sealed.header.caseID, epoch: sealed.header.keyEpoch) else { return nil }
            return try RevisionSealer.decrypt(sealed, key: key)
        }
    }

    /// Current state of every record matching the filter.
    func mergedRecords(_ db: Database, caseID: CaseID? = nil, type: RecordType? = nil) throws -> [MergedRecord] {
        let grouped = Dictionary(grouping: try revisions(db, caseID: caseID, type: type), by: \.header.recordID)
        guard !grouped.isEmpty else { return [] }
        let signers = try ruleSigners(db, forCase: caseID, type: type)
        return grouped.values.compactMap { RecordMerge.merge($0, signers: { signers[$0] }) }.sorted { ($0.createdAt, $0.recordID) < ($1.createdAt, $1.recordID) }
    }

    func mergedRecord(_ db: Database, id: RecordID) throws -> MergedRecord? {
        let revisions = try revisions(db, recordID: id)
        guard let first = revisions.first else { return nil }
        let signers = try ruleSigners(db, forCase: first.header.caseID, type: first.header.recordType)
        return RecordMerge.merge(revisions, signers: { signers[$0] })
    }

    /// The case a record belongs to, from the clear header index.
    func caseOf(_ db: Database, record: RecordID) throws -> (CaseID, RecordType)? {
        guard let row = try Row.fetchOne(db, sql: "SELECT case_id, record_type FROM revisions WHERE record_id = ? LIMIT 1",
                                         arguments: [record.rawValue]),
              let type = RecordType(rawValue: row["record_type"]) else { return nil }
        return (CaseID(rawValue: row["case_id"]), type)
    }

    /// Rebuilds the state of every record in the vault: the cost of opening a vault from scratch.
    public func rebuildAllState() throws(CasebookError) -> Int {
        return try read("rebuilding state") { db in try mergedRecords(db).count }
    }

    /// Number of stored revisions.
    public func revisionCount() throws(CasebookError) -> Int {
        return try read("counting revisions") { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM revisions") ?? 0 }
    }
}

import Synchronization
public import CasebookModels
import Foundation
import GRDB

extension Vault {
    // Erasure state (ADR 0028): `erased_cases` holds this replica's tombstones (a case erased here,
    // by `erase` or by a pulled destruction certificate: its revisions and keys are never stored or
    // uploaded again); `pending_server_erasures` the cases whose server copy must still be erased (the
    // sync client calls `DELETE SyncAPI.Path.caseErase(caseID)` for each and `completeServerErasure`
    // on success); `server_erasures` when this replica completed that. Each row names the case and
    // the destruction certificate's record id (or the time).

    /// Crypto-shreds a client's case on this replica (administrators or the DSL; refused while a
    /// retention hold is active or a safeguarding concern is not closed).
    ///
    /// In one transaction: deletes every wrapped copy of the case key held in this vault (for every
    /// recipient), every revision of the case and its outbox entries, queues the server erasure in
    /// `pending_server_erasures`, writes a destruction certificate to the organisation case and an `erase` entry
    /// to the audit log. Then it checkpoints the WAL (TRUNCATE), VACUUMs and checkpoints again, so that
    /// with `secure_delete` on no byte of the case's rows remains in the database file or its WAL.
    ///
    /// Copies elsewhere go at the next syncs: this replica's sync erases the server copy
    /// (`DELETE /v1/cases/{id}`, which leaves a tombstone), and every other replica that pulls the
    /// certificate crypto-shreds its own copy (`applyPulled`). See docs/safeguarding.md.
    @discardableResult
    public func erase(client id: ClientID) throws(CasebookError) -> DestructionCertificate {
        guard id != .organisation else { throw CasebookError(.invalidInput, "the organisation case cannot be erased") }
        let certificate: DestructionCertificate
        certificate = try write("erasing a client") { db -> DestructionCertificate in
            try requireRole(db, [.admin, .dsl], to: "erase a client's records")
            try requireCaseAccess(db, id)
            _ = try client(db, id)
            let holds = try retentionHolds(db, client: id).filter(\.isActive)
            if !holds.isEmpty {
                let reasons = Set(holds.map(\.reason.rawValue)).sorted().joined(separator: ", ")
                throw CasebookError(.releaseRefused,
                    "erasure refused: client \(id) is under a retention hold (\(reasons))", hint: .liftRetentionHold)
            }
            let unresolved = try concernViews(db, client: id).filter { $0.concern.status != .closed }
            if !unresolved.isEmpty {
                throw CasebookError(.releaseRefused,
                    "erasure refused: client \(id) has \(unresolved.count) safeguarding concern(s) not closed; the DSL must close them first")
            }
            let certificateID = RecordID.random()
            let (revisions, keys, _) = try shred(db, id, certificate: certificateID)
            let serverConfigured = try Meta.get(db, .server) != nil
            let made = DestructionCertificate(id: certificateID, caseID: id, erasedOn: clock.today, erasedBy: person, device: device,
                                                     revisionsDestroyed: revisions, wrappedKeysDestroyed: keys,
                                                     serverErasurePending: serverConfigured)
            try db.execute(sql: "INSERT OR REPLACE INTO pending_server_erasures (case_id, certificate_id) VALUES (?, ?)",
                           arguments: [id.rawValue, made.id.rawValue])
            try commit(db, [.init(record: made.id, type: .destructionCertificate, caseID: .organisation,
                                  fields: try FieldCoding.fields(of: made))], action: .create)
            try appendAudit(db, action: .erase, recordType: .client, recordID: id.clientRecordID, caseID: id)
            return made
        }
        try scrubFreedPages()
        return certificate
    }

    /// Deletes everything of a case this replica holds (revisions, outbox entries, every wrapped copy
    /// of its key, remembered grants and uploads, its backfill cursor) and leaves a tombstone.
    /// Returns what was destroyed. The caller scrubs freed pages after the transaction.
    func shred(_ db: Database, _ id: CaseID, certificate: RecordID) throws -> (revisions: Int, keys: Int, outbox: Int) {
        let revisions = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM revisions WHERE case_id = ?", arguments: [id.rawValue]) ?? 0
        let keys = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM case_keys WHERE case_id = ?", arguments: [id.rawValue]) ?? 0
        try db.execute(sql: "DELETE FROM outbox WHERE revision_id IN (SELECT id FROM revisions WHERE case_id = ?)", arguments: [id.rawValue])
        let outbox = db.changesCount
        try db.execute(sql: "DELETE FROM revisions WHERE case_id = ?", arguments: [id.rawValue])
        try db.execute(sql: "DELETE FROM case_keys WHERE case_id = ?", arguments: [id.rawValue])
        try db.execute(sql: "DELETE FROM quarantine WHERE case_id = ?", arguments: [id.rawValue])  // ciphertext kept aside (ADR 0014)
        try db.execute(sql: "DELETE FROM case_grants WHERE case_id = ?", arguments: [id.rawValue])
        try db.execute(sql: "DELETE FROM uploaded_key_wraps WHERE case_id = ?", arguments: [id.rawValue])
        try db.execute(sql: "DELETE FROM sync_cursors WHERE name = ?", arguments: [SyncCursorName.backfill(id)])
        try db.execute(sql: "INSERT OR REPLACE INTO erased_cases (case_id, certificate_id) VALUES (?, ?)",
                       arguments: [id.rawValue, certificate.rawValue])
        cache.withLock { cache in
            cache.caseKeys = cache.caseKeys.filter { !$0.key.hasPrefix(id.rawValue + "#") }
            cache.knownNames = nil
            cache.organisation = nil
        }
        return (revisions, keys, outbox)
    }

    /// Cases erased on this replica (tombstones).
    func erasedCases(_ db: Database) throws -> Set<CaseID> {
        Set(try String.fetchAll(db, sql: "SELECT case_id FROM erased_cases").map(CaseID.init(rawValue:)))
    }

    /// Inside the transaction that applied a pulled page: crypto-shreds every case named by a
    /// destruction certificate this replica now holds and has not yet acted on. Certificates reach
    /// here only if signed by a certified administrator or DSL device (`applyPage` refuses others),
    /// so no role of this replica's own user is needed. Audited (`erase`, record type
    /// destruction-certificate) when something was held. Returns the cases whose copy was destroyed.
    ///
    /// Mass-erasure stop (ADR 0014): when more cases this replica holds something of would be shredded
    /// than `allowance`, none of them is; they are returned as `held` (the certificates stay stored, so
    /// the next run with a confirmation acts on them). Cases it holds nothing of are only tombstoned.
    func eraseFromCertificates(_ db: Database, allowance: Int = .max) throws -> (erased: [CaseID], held: [CaseID]) {
        let pending = try pendingCertificates(db)
        var holding: [DestructionCertificate] = []
        for certificate in pending {
            if try holdsAnything(db, of: certificate.caseID) { holding.append(certificate) } else {
                _ = try shred(db, certificate.caseID, certificate: certificate.id)
            }
        }
        if holding.count > allowance { return ([], holding.map(\.caseID)) }
        var erased: [CaseID] = []
        for certificate in holding {
            let (revisions, keys, outbox) = try shred(db, certificate.caseID, certificate: certificate.id)
            if revisions + keys + outbox > 0 {
                try appendAudit(db, action: .erase, recordType: .destructionCertificate, recordID: certificate.id, caseID: certificate.caseID)
                erased.append(certificate.caseID)
            }
        }
        return (erased, [])
    }

    /// Destruction certificates held here whose case this replica has not erased yet (one per case).
    func pendingCertificates(_ db: Database) throws -> [DestructionCertificate] {
        let done = try erasedCases(db)
        var seen: Set<CaseID> = []
        return try mergedRecords(db, caseID: .organisation, type: .destructionCertificate).compactMap { record in
            guard let certificate = try? record.decode(DestructionCertificate.self), certificate.caseID != .organisation,
                  !done.contains(certificate.caseID), seen.insert(certificate.caseID).inserted else { return nil }
            return certificate
        }
    }

    func holdsAnything(_ db: Database, of caseID: CaseID) throws -> Bool {
        try Bool.fetchOne(db, sql: """
            SELECT EXISTS (SELECT 1 FROM revisions WHERE case_id = ?1) OR EXISTS (SELECT 1 FROM case_keys WHERE case_id = ?1)
                OR EXISTS (SELECT 1 FROM quarantine WHERE case_id = ?1)
            """, arguments: [caseID.rawValue]) ?? false
    }

    /// Acts on every destruction certificate held here and not yet acted on, in one transaction, unless
    /// more cases this replica holds something of would be shredded than `allowance` (then none is:
    /// the mass-erasure stop). The sync client calls this once per run, after the last pulled page,
    /// so the limit counts a run's certificates together however they were paged.
    public func actOnDestructionCertificates(allowance: Int) throws(CasebookError) -> (erased: [CaseID], held: [CaseID]) {
        let outcome = try write("acting on destruction certificates") { db in try eraseFromCertificates(db, allowance: allowance) }
        if !outcome.erased.isEmpty { try scrubFreedPages() }
        return outcome
    }

    /// Cases whose destruction certificate this replica holds but has not acted on because the
    /// mass-erasure stop held them back (waiting for `SyncConfiguration.confirmedErasures`).
    public func heldErasures() throws(CasebookError) -> [CaseID] {
        try read("reading held erasures") { db in try pendingCertificates(db).map(\.caseID).filter { try holdsAnything(db, of: $0) } }
    }

    /// After a successful `DELETE /v1/cases/{id}`: clears the pending marker, records when, and
    /// audits it (`sync` of the case's destruction certificate, on this replica's chain).
    public func completeServerErasure(_ id: CaseID) throws(CasebookError) {
        try write("recording a server erasure") { db in
            let certificate = try String.fetchOne(db, sql: "SELECT certificate_id FROM pending_server_erasures WHERE case_id = ?",
                                                  arguments: [id.rawValue])
            try db.execute(sql: "DELETE FROM pending_server_erasures WHERE case_id = ?", arguments: [id.rawValue])
            try db.execute(sql: "INSERT OR REPLACE INTO server_erasures (case_id, erased_at_ms) VALUES (?, ?)",
                           arguments: [id.rawValue, Int64(clock.nowMillis)])
            try appendAudit(db, action: .sync, recordType: .destructionCertificate,
                            recordID: certificate.map(RecordID.init(rawValue:)), caseID: id)
        }
    }

    /// Where the server copy of an erased case stands, as this replica knows it.
    public enum ServerErasureState: String, Sendable, Hashable, Codable {
        /// Queued here; sent at the next sync.
        case pending
        /// This replica's sync erased it on the server.
        case done
        /// Erased by another replica (or no server configured): not tracked here.
        case notTracked = "not-tracked"
    }

    /// The server erasure state of a case, and when this replica completed it.
    public func serverErasureState(of id: CaseID) throws(CasebookError) -> (state: ServerErasureState, at: Date?) {
        return try read("reading the sync state") { db in
            if try String.fetchOne(db, sql: "SELECT certificate_id FROM pending_server_erasures WHERE case_id = ?",
                                   arguments: [id.rawValue]) != nil { return (.pending, nil) }
            if let ms = try Int64.fetchOne(db, sql: "SELECT erased_at_ms FROM server_erasures WHERE case_id = ?", arguments: [id.rawValue]) {
                return (.done, Date(timeIntervalSince1970: Double(ms) / 1000))
            }
            return (.notTracked, nil)
        }
    }

    /// Records the end of a successful sync run (read by safeguarding: `connectivity()`).
    public func recordSyncCompleted(at date: Date) throws(CasebookError) {
        let ms = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        try write("saving the sync state") { db in
            try db.execute(sql: """
                INSERT INTO replica_settings (id, last_sync_at_ms) VALUES (1, ?)
                ON CONFLICT(id) DO UPDATE SET last_sync_at_ms = excluded.last_sync_at_ms
                """, arguments: [ms])
        }
    }

    /// Moves everything out of the WAL, rebuilds the file without free pages, and truncates the WAL.
    func scrubFreedPages() throws(CasebookError) {
        try writeOutsideTransaction("scrubbing erased pages") { db in
            _ = try db.checkpoint(.truncate)
            try db.execute(sql: "VACUUM")
            _ = try db.checkpoint(.truncate)
        }
    }

    /// Destruction certificates recorded in this vault.
    public func destructionCertificates() throws(CasebookError) -> [DestructionCertificate] {
        return try read("reading destruction certificates") { db in
            try mergedRecords(db, caseID: .organisation, type: .destructionCertificate)
                .map { r throws(CasebookError) in try r.decode(DestructionCertificate.self) }
        }
    }

    /// Cases whose server copy is still to be erased at the next sync.
    public func pendingServerErasures() throws(CasebookError) -> [CaseID] {
        return try read("reading pending erasures") { db in
            try String.fetchAll(db, sql: "SELECT case_id FROM pending_server_erasures ORDER BY case_id").map(CaseID.init(rawValue:))
        }
    }
}

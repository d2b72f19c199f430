import Synchronization
public import CasebookModels
import Foundation
import GRDB

extension Vault {
    /// The `sync_state` key prefix marking a case whose server copy must still be erased. The sync
    /// client calls `DELETE SyncAPI.Path.caseErase(caseID)` for each such key and removes it on success;
    /// the value is the destruction certificate's record id.
    public static let pendingErasurePrefix = "pending_erasure:"

    /// Crypto-shreds a client's case on this replica (administrators or the DSL; refused while a
    /// retention hold is active or a safeguarding concern is not closed).
    ///
    /// In one transaction: deletes every wrapped copy of the case key held in this vault (for every
    /// recipient), every revision of the case and its outbox entries, queues the server erasure in
    /// `sync_state`, writes a destruction certificate to the organisation case and an `erase` entry
    /// to the audit log. Then it checkpoints the WAL (TRUNCATE), VACUUMs and checkpoints again, so that
    /// with `secure_delete` on no byte of the case's rows remains in the database file or its WAL.
    ///
    /// Copies on other replicas and on the server are not touched here: see docs/safeguarding.md.
    @discardableResult
    public func erase(client id: ClientID) throws(CasebookError) -> DestructionCertificate {
        guard id != .organisation else { throw CasebookError(.invalidInput, "the organisation case cannot be erased") }
        let certificate: DestructionCertificate
        do {
            certificate = try pool.write { db -> DestructionCertificate in
                try requireRole(db, [.admin, .dsl], to: "erase a client's records")
                try requireCaseAccess(db, id)
                _ = try client(db, id)
                let holds = try retentionHolds(db, client: id).filter(\.isActive)
                if !holds.isEmpty {
                    let reasons = Set(holds.map(\.reason.rawValue)).sorted().joined(separator: ", ")
                    throw CasebookError(.releaseRefused,
                        "erasure refused: client \(id) is under a retention hold (\(reasons)); lift it with 'casebook retention lift-hold HOLD' first")
                }
                let unresolved = try concernViews(db, client: id).filter { $0.concern.status != .closed }
                if !unresolved.isEmpty {
                    throw CasebookError(.releaseRefused,
                        "erasure refused: client \(id) has \(unresolved.count) safeguarding concern(s) not closed; the DSL must close them first")
                }
                let revisions = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM revisions WHERE case_id = ?", arguments: [id.rawValue]) ?? 0
                let keys = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM case_keys WHERE case_id = ?", arguments: [id.rawValue]) ?? 0
                try db.execute(sql: "DELETE FROM outbox WHERE revision_id IN (SELECT id FROM revisions WHERE case_id = ?)", arguments: [id.rawValue])
                try db.execute(sql: "DELETE FROM revisions WHERE case_id = ?", arguments: [id.rawValue])
                try db.execute(sql: "DELETE FROM case_keys WHERE case_id = ?", arguments: [id.rawValue])
                cache.withLock { cache in
                    cache.caseKeys = cache.caseKeys.filter { !$0.key.hasPrefix(id.rawValue + "#") }
                    cache.knownNames = nil
                }
                let serverConfigured = try Meta.get(db, .server) != nil
                let made = DestructionCertificate(id: .random(), caseID: id, erasedOn: clock.today, erasedBy: person, device: device,
                                                         revisionsDestroyed: revisions, wrappedKeysDestroyed: keys,
                                                         serverErasurePending: serverConfigured)
                try db.execute(sql: "INSERT OR REPLACE INTO sync_state (key, value) VALUES (?, ?)",
                               arguments: [Self.pendingErasurePrefix + id.rawValue, made.id.rawValue])
                try commit(db, [.init(record: made.id, type: .destructionCertificate, caseID: .organisation,
                                      fields: try FieldCoding.fields(of: made))], action: .create)
                try appendAudit(db, action: .erase, recordType: .client, recordID: id.clientRecordID, caseID: id)
                return made
            }
        } catch { throw storageError(error, "erasing a client") }
        try scrubFreedPages()
        return certificate
    }

    /// Moves everything out of the WAL, rebuilds the file without free pages, and truncates the WAL.
    func scrubFreedPages() throws(CasebookError) {
        do {
            try pool.writeWithoutTransaction { db in
                _ = try db.checkpoint(.truncate)
                try db.execute(sql: "VACUUM")
                _ = try db.checkpoint(.truncate)
            }
        } catch { throw storageError(error, "scrubbing erased pages") }
    }

    /// Destruction certificates recorded in this vault.
    public func destructionCertificates() throws(CasebookError) -> [DestructionCertificate] {
        do {
            return try pool.read { db in
                try mergedRecords(db, caseID: .organisation, type: .destructionCertificate)
                    .map { r throws(CasebookError) in try r.decode(DestructionCertificate.self) }
            }
        } catch { throw storageError(error, "reading destruction certificates") }
    }

    /// Cases whose server copy is still to be erased at the next sync.
    public func pendingServerErasures() throws(CasebookError) -> [CaseID] {
        do {
            return try pool.read { db in
                try String.fetchAll(db, sql: "SELECT key FROM sync_state WHERE key LIKE ? ORDER BY key", arguments: [Self.pendingErasurePrefix + "%"])
                    .map { CaseID(rawValue: String($0.dropFirst(Self.pendingErasurePrefix.count))) }
            }
        } catch { throw storageError(error, "reading pending erasures") }
    }
}

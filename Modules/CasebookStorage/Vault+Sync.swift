public import CasebookCrypto
public import CasebookModels
import Foundation
import GRDB
import Synchronization

/// A revision received from the server, with the server's sequence number.
public struct PulledRevision: Sendable {
    public var sealed: SealedRevision
    public var seq: Int64?
    public init(sealed: SealedRevision, seq: Int64?) {
        self.sealed = sealed
        self.seq = seq
    }
}

/// A received revision the replica refused to store: identifiers and a reason, never content.
public struct RejectedRevision: Sendable, Hashable, Codable {
    public var id: String
    public var reason: RefusalReason
    public var message: String
    public init(id: String, reason: RefusalReason, message: String) {
        self.id = id
        self.reason = reason
        self.message = message
    }
}

/// What applying one pulled page did.
public struct ApplyResult: Sendable, Hashable {
    /// Revisions stored for the first time.
    public var stored: Int = 0
    /// Revisions already held (a replay, or this replica's own revisions coming back).
    public var duplicates: Int = 0
    /// This replica's own outbox entries the server has now proven it holds (cleared from the outbox).
    public var acknowledged: Int = 0
    public var rejected: [RejectedRevision] = []
    /// Revisions stored but kept out of their record's state by the rulebook (ADR 0012): a
    /// transition the signer may not make (closing a concern without being the DSL, rewriting
    /// history, editing a finalised session). Kept as evidence; every replica ignores them alike.
    public var refused: [RejectedRevision] = []
    /// Cases this replica crypto-shredded because the page carried their destruction certificate.
    public var erased: [CaseID] = []
    // Integrity (ADR 0014).
    /// Of `rejected`, those refused for a reason that can pass: kept aside (quarantine) and retried every sync.
    public var held = 0
    /// Revisions taken out of the quarantine and verified again; `retriedStored` of them now passed.
    public var retried = 0
    public var retriedStored = 0
    /// Cases whose destruction certificate this replica holds but has not acted on: more would be
    /// shredded at once than the run allows (the mass-erasure stop); they wait for a confirmation.
    public var erasuresHeld: [CaseID] = []
    public init() {}
}

/// Names of sync cursors (the `sync_cursors` table).
public enum SyncCursorName {
    public static let main = "cursor"
    public static func backfill(_ caseID: CaseID) -> String { "cursor:case:\(caseID.rawValue)" }
}

extension Vault {
    // MARK: - Outbox

    /// (`CROSS JOIN` keeps the outbox as the outer loop: an empty outbox costs nothing however
    /// many revisions the vault holds, where a plain join may scan `revisions` in `local_seq` order.)
    /// Up to `limit` queued revisions, oldest first, after local position `after` (so a batch the
    /// server rejected is not offered again in the same run).
    public func outboxBatch(limit: Int, after localSeq: Int64 = 0) throws(CasebookError) -> [(localSeq: Int64, revision: SealedRevision)] {
        return try read("reading the outbox") { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT r.local_seq, r.id, r.header, r.ciphertext, r.signature FROM outbox o
                CROSS JOIN revisions r ON r.id = o.revision_id WHERE r.local_seq > ? ORDER BY r.local_seq LIMIT ?
                """, arguments: [localSeq, limit])
            return try rows.map { row throws(CasebookError) in
                (row["local_seq"], try SealedRevision(headerBytes: row["header"], ciphertext: row["ciphertext"],
                                                      signature: row["signature"], claimedID: RevisionID(rawValue: row["id"])))
            }
        }
    }

    public func outboxCount() throws(CasebookError) -> Int {
        return try read("reading the outbox") { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox") ?? 0 }
    }

    /// Records the server's acknowledgement: sets `server_seq` and clears the outbox entry, in one
    /// transaction. The outbox is cleared only here and when a pull proves the server holds a revision.
    public func acknowledge(_ acks: [(id: RevisionID, seq: Int64)]) throws(CasebookError) {
        guard !acks.isEmpty else { return }
        try write("acknowledging pushed revisions") { db in
            let update = try db.cachedStatement(sql: "UPDATE revisions SET server_seq = ? WHERE id = ?")
            let delete = try db.cachedStatement(sql: "DELETE FROM outbox WHERE revision_id = ?")
            for ack in acks {
                try update.execute(arguments: [ack.seq, ack.id.rawValue])
                try delete.execute(arguments: [ack.id.rawValue])
            }
        }
    }

    // MARK: - Cursors

    /// The stored position of a sync cursor (`SyncCursorName`), nil before the first page.
    public func syncValue(_ cursorName: String) throws(CasebookError) -> String? {
        return try read("reading the sync state") { db in
            try String.fetchOne(db, sql: "SELECT cursor FROM sync_cursors WHERE name = ?", arguments: [cursorName])
        }
    }

    static func setCursor(_ db: Database, _ name: String, _ cursor: String) throws {
        try db.execute(sql: "INSERT INTO sync_cursors (name, cursor) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET cursor = excluded.cursor",
                       arguments: [name, cursor])
    }

    // MARK: - Applying pulled pages

    /// Authors of the page this replica does not know (yet): the caller refreshes the
    /// organisation's devices before applying, and anything still unknown is then rejected.
    public func unknownAuthors(in page: [PulledRevision]) throws(CasebookError) -> Set<DeviceID> {
        let authors = Set(page.map(\.sealed.header.authorDevice))
        return try read("reading devices") { db in
            var unknown: Set<DeviceID> = []
            for author in authors where try trustedDevice(db, author) == nil { unknown.insert(author) }
            return unknown
        }
    }

    /// Applies one pulled page and saves its cursor in ONE transaction, so a client killed
    /// mid-sync resumes from the last applied page with nothing lost and nothing doubled.
    ///
    /// Each revision must be signed by a known, certified device, be stamped no more than five
    /// minutes in the future, and (when this replica holds the case key) decrypt. A revision that
    /// fails is reported by id and reason and not stored. Nothing local is ever deleted because
    /// the server lacks it; a case is deleted only when a destruction certificate signed by an
    /// administrator or DSL device names it (crypto-shredding, in the same transaction, then the
    /// freed pages are scrubbed from the file and the WAL).
    ///
    /// Verification (signature, decryption) runs on `concurrency` threads (0: one per core) while
    /// this transaction inserts the revisions already verified, in page order.
    ///
    /// Nothing refused is lost (ADR 0014): in the same transaction as the cursor, a revision refused
    /// for a reason that can pass is kept aside (`quarantine`, retried by `retryHeld`) and one refused
    /// for good is recorded (`refused_revisions`, with `malformed`: the page's entries that did not
    /// even parse). A page whose certificates would shred more than `erasureAllowance` cases at once
    /// shreds none of them (`erasuresHeld`).
    public func applyPulled(_ page: [PulledRevision], cursor: String?, cursorName: String = SyncCursorName.main,
                            concurrency: Int = 0, malformed: [RejectedRevision] = [],
                            erasureAllowance: Int = .max) throws(CasebookError) -> ApplyResult {
        let result: ApplyResult
        result = try write("applying pulled revisions") { db in
            var result = try applyPage(db, page, concurrency: concurrency)
            result.held = try fileRejections(db, page, result.rejected + malformed)
            if let cursor { try Self.setCursor(db, cursorName, cursor) }
            if page.contains(where: { $0.sealed.header.recordType == .destructionCertificate }) {
                (result.erased, result.erasuresHeld) = try eraseFromCertificates(db, allowance: erasureAllowance)
            }
            return result
        }
        if !result.erased.isEmpty { try scrubFreedPages() }
        return result
    }

    private struct AuthorInfo {
        var keys: DevicePublicKeys
        /// Who the device is to the rulebook (person, certified roles, removal).
        var signer: Signer
    }

    func applyPage(_ db: Database, _ page: [PulledRevision], concurrency: Int) throws -> ApplyResult {
        var result = ApplyResult()
        guard !page.isEmpty else { return result }
        // Gather what verification needs: authors and case keys (cached per process).
        var authors: [DeviceID: AuthorInfo] = [:]
        var keys: [String: CaseKey] = [:]
        var newestEpochs: [CaseID: UInt32?] = [:]  // ADR 0013: epoch continuity
        let erasedHere = try erasedCases(db)
        let root = try rootDeviceID(db) ?? device
        let ownOrRoot: Set<DeviceID> = [device, root]
        let signers = try ruleSigners(db, personRoles: page.contains { ownOrRoot.contains($0.sealed.header.authorDevice) })
        for item in page {
            let h = item.sealed.header
            if authors[h.authorDevice] == nil, let device = try trustedDevice(db, h.authorDevice), let signer = signers[h.authorDevice] {
                authors[h.authorDevice] = AuthorInfo(keys: device.keys, signer: signer)
            }
            let k = "\(h.caseID.rawValue)#\(h.keyEpoch)"
            if keys[k] == nil, let key = try caseKey(db, caseID: h.caseID, epoch: h.keyEpoch) { keys[k] = key }
            if newestEpochs.index(forKey: h.caseID) == nil { newestEpochs.updateValue(try newestHeldEpoch(db, h.caseID), forKey: h.caseID) }
        }
        let now = clock.nowMillis
        let authorsFound = authors, keysFound = keys, newestFound = newestEpochs
        let roots = VerifiedBatchRoots()  // each batch root's signature is checked once per page
        // Verify in parallel: signature checks dominate the cost of a large initial sync. Verdicts
        // arrive in page order while the loop below inserts the revisions already verified.
        let verdicts = Self.verifyStreaming(page.map(\.sealed), concurrency: concurrency) { sealed -> RejectedRevision? in
            let h = sealed.header
            func reject(_ reason: RefusalReason, _ message: String) -> RejectedRevision {
                RejectedRevision(id: sealed.id.rawValue, reason: reason, message: message)
            }
            // Size (RevisionLimits, ADR 0018): a receiver refuses an oversized revision whoever served it.
            do throws(CasebookError) { try sealed.checkSize() } catch { return reject(RefusalReason(error.code), error.message) }
            guard let author = authorsFound[h.authorDevice] else {
                return reject(.unknownDevice, "revision \(sealed.id.rawValue.prefix(12)) is signed by device \(h.authorDevice), which is not certified by the organisation")
            }
            do throws(CasebookError) { try RevisionSealer.verifySignature(sealed, author: author.keys, roots: roots) } catch {
                return reject(RefusalReason(error.code), error.message)
            }
            // The rulebook's header rules: removal, kind of case, record type vs certified roles
            // (organisation records only by administrators; a destruction certificate, which makes
            // every replica shred the case, only by an administrator or the DSL).
            if let violation = Rulebook.admitHeader(h, signer: author.signer) {
                return RejectedRevision(id: sealed.id.rawValue, violation: violation)
            }
            if erasedHere.contains(h.caseID) {
                return reject(.caseErased, "revision \(sealed.id.rawValue.prefix(12)) belongs to case \(h.caseID), which was erased")
            }
            guard HybridLogicalClock.isAcceptable(h.hlc, wallMillis: now) else {
                return reject(.clockSkew, "revision \(sealed.id.rawValue.prefix(12)) is stamped more than five minutes in the future")
            }
            // ADR 0013: an epoch more than one past the newest this replica holds has no rotation it
            // could have missed (keys are fetched before revisions); anyone could stamp it (2^32-1).
            if let newest = newestFound[h.caseID] ?? nil, h.keyEpoch > newest, h.keyEpoch - newest > 1 {
                return reject(.unknownEpoch, "revision \(sealed.id.rawValue.prefix(12)) is sealed under key epoch \(h.keyEpoch) of case \(h.caseID), which no rotation this replica knows of created")
            }
            if let key = keysFound["\(h.caseID.rawValue)#\(h.keyEpoch)"] {
                let revision: Revision
                do throws(CasebookError) { revision = try RevisionSealer.decrypt(sealed, key: key) } catch {
                    return reject(RefusalReason(error.code), error.message)
                }
                // The rulebook's body rules (author is the signer's person, only the DSL acknowledges,
                // closes or approves, fields naming who acted name the signer). Where the key is not
                // held, the merge applies them once it is.
                if let violation = Rulebook.admit(header: h, body: revision.body, signer: author.signer) {
                    return RejectedRevision(id: sealed.id.rawValue, violation: violation)
                }
            }
            return nil
        }
        var hlc = HybridLogicalClock(last: try currentHLC(db))
        let insert = try db.cachedStatement(sql: """
            INSERT INTO revisions (id, case_id, record_id, record_type, author_device, hlc, key_epoch, header, ciphertext, signature, server_seq,
                                   device_seq)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING
            """)
        let setSeq = try db.cachedStatement(sql: "UPDATE revisions SET server_seq = ? WHERE id = ? AND server_seq IS NULL")
        let clearOutbox = try db.cachedStatement(sql: "DELETE FROM outbox WHERE revision_id = ?")
        var storedHere: [SealedRevision] = []
        for (index, item) in page.enumerated() {
            if let verdict = verdicts.wait(index) { result.rejected.append(verdict); continue }
            let sealed = item.sealed, h = sealed.header
            try insert.execute(arguments: [sealed.id.rawValue, h.caseID.rawValue, h.recordID.rawValue, h.recordType.rawValue,
                                           h.authorDevice.rawValue, h.hlc.description, Int64(h.keyEpoch), sealed.headerBytes,
                                           sealed.ciphertext, sealed.signature, item.seq, h.deviceSeq.flatMap(Int64.init(exactly:))])
            if db.changesCount > 0 {
                result.stored += 1
                storedHere.append(sealed)
                try hlc.receive(h.hlc, wallMillis: now)
            } else {
                result.duplicates += 1
                if let seq = item.seq { try setSeq.execute(arguments: [seq, sealed.id.rawValue]) }
                // The server serves it back: it holds it, so a lost push acknowledgement is recovered here.
                try clearOutbox.execute(arguments: [sealed.id.rawValue])
                if db.changesCount > 0 { result.acknowledged += 1 }
            }
        }
        if result.stored > 0 {
            try Meta.set(db, .hlc, Data(hlc.last.description.utf8))
            cache.withLock { $0.organisation = nil; $0.knownNames = nil }
            // The rulebook's state rules (ADR 0012): what the merge keeps out of state is reported.
            result.refused = try refusedByRules(db, stored: storedHere)
        }
        return result
    }
}

extension Vault {
    /// Starts `check` over `items` on `concurrency` worker threads (0: one per core) and returns at
    /// once; `wait(i)` blocks until item `i`'s result is ready. Workers take chunks in order, so the
    /// caller can consume results (e.g. insert verified revisions) while later chunks are checked.
    /// With one thread, everything is checked here before returning.
    static func verifyStreaming<T: Sendable>(_ items: [SealedRevision], concurrency: Int,
                                             _ check: @escaping @Sendable (SealedRevision) -> T) -> StreamedResults<T> {
        let workers = concurrency > 0 ? concurrency : ProcessInfo.processInfo.activeProcessorCount
        guard workers > 1, items.count > 128 else { return StreamedResults(ready: items.map(check)) }
        let chunk = min(256, max(32, items.count / (workers * 4)))
        let results = StreamedResults<T>(count: items.count, chunk: chunk)
        for _ in 0..<min(workers, results.chunks) {
            let thread = Thread {
                while let c = results.claim() {
                    let lower = c * chunk, upper = min(items.count, lower + chunk)
                    results.fill(c, items[lower..<upper].map(check))
                }
            }
            thread.start()
        }
        return results
    }
}

/// Results of `verifyStreaming`: chunks filled by worker threads, each signalled when done.
final class StreamedResults<T: Sendable>: @unchecked Sendable {
    private let state: Mutex<(next: Int, filled: [[T]?])>
    private let signals: [DispatchSemaphore]
    private var local: [[T]?]
    let chunk: Int
    var chunks: Int { signals.count }

    init(count: Int, chunk: Int) {
        self.chunk = chunk
        let chunks = (count + chunk - 1) / chunk
        state = Mutex((next: 0, filled: Array(repeating: nil, count: chunks)))
        signals = (0..<chunks).map { _ in DispatchSemaphore(value: 0) }
        local = Array(repeating: nil, count: chunks)
    }

    init(ready: [T]) {
        chunk = max(1, ready.count)
        state = Mutex((next: 1, filled: [ready]))
        signals = []
        local = [ready]
    }

    /// The next chunk to check (workers only).
    func claim() -> Int? {
        state.withLock { s in
            guard s.next < s.filled.count else { return nil }
            defer { s.next += 1 }
            return s.next
        }
    }

    func fill(_ c: Int, _ values: [T]) {
        state.withLock { $0.filled[c] = values }
        signals[c].signal()
    }

    /// Item `i`'s result, waiting for its chunk if needed (the consuming thread only).
    func wait(_ i: Int) -> T {
        let c = i / chunk
        if local[c] == nil {
            signals[c].wait()
            local[c] = state.withLock { s in
                defer { s.filled[c] = nil }
                return s.filled[c]
            }
        }
        return local[c]![i - c * chunk]
    }
}

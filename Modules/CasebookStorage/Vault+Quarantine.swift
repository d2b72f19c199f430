import CasebookCrypto
public import CasebookModels
import Foundation
import GRDB

/// How a receiver treats a revision it refused (ADR 0014).
public enum RejectionKind: String, Sendable, Hashable, Codable {
    /// The reason can pass (a certificate not yet seen, a clock behind the author's): the revision
    /// is kept aside, as received, and verified again at every sync until it passes or is refused for good.
    case transient
    /// Refused for good (bad signature, tampered, not authorised, erased case…): recorded by id and
    /// reason, so the cursor moves past it for a reason this replica wrote down.
    case permanent
}

/// The classification of rejection reasons (`RefusalReason`, an open set, so new rules with
/// reasons of their own fit without changes here: anything not listed is permanent).
public enum RejectionReasons {
    /// Reasons that can pass with time or with the organisation's next certificates.
    public static let transient: Set<RefusalReason> = [
        .clockSkew,      // stamped more than five minutes ahead of this replica's clock: passes as the clock catches up
        .unknownDevice,  // author not (yet, or no longer) certified here: passes when a certificate arrives
        .unknownEpoch,   // a key epoch this replica cannot check yet (reserved for key-epoch rules)
    ]
    /// Reasons given before the signature was checked, or by the check itself: the header's device
    /// number is then not the author's word, and does not count as held for gap detection.
    public static let unverified: Set<RefusalReason> = [.unknownDevice, .tampered, .invalidInput]

    public static func kind(of reason: RefusalReason) -> RejectionKind { transient.contains(reason) ? .transient : .permanent }
}

extension RejectedRevision {
    public var kind: RejectionKind { RejectionReasons.kind(of: reason) }
}

extension ApplyResult {
    /// Adds what `Vault.retryHeld` did to a page's result (the retried revisions are not counted as pulled).
    public mutating func absorbRetry(_ retry: ApplyResult) {
        retried += retry.retried
        retriedStored += retry.retriedStored
        rejected = retry.rejected + rejected
        erased = retry.erased + erased
        erasuresHeld = Array(Set(erasuresHeld + retry.erasuresHeld)).sorted()
    }
}

/// A revision kept aside: identifiers, reason and tries, never content.
public struct HeldRevision: Sendable, Hashable, Codable {
    public var id: RevisionID
    public var caseID: CaseID
    public var authorDevice: DeviceID
    public var reason: RefusalReason
    public var firstTried: Date
    public var lastTried: Date
    public var attempts: Int
}

/// A revision refused for good: identifiers and reason only (case and author unknown when it did not parse).
public struct RefusedRevision: Sendable, Hashable, Codable {
    public var id: RevisionID
    public var caseID: CaseID?
    public var authorDevice: DeviceID?
    public var reason: RefusalReason
    public var refusedAt: Date
}

extension Vault {
    /// Files a page's rejections in the page's transaction: transient ones into the quarantine (the
    /// sealed revision as received, ciphertext only), permanent ones into the refused log (and out of
    /// the quarantine). Revisions of the page that were stored or already held leave the quarantine.
    /// Returns how many were kept aside.
    func fileRejections(_ db: Database, _ page: [PulledRevision], _ rejected: [RejectedRevision]) throws -> Int {
        let now = Int64(clock.nowMillis)
        let rejectedIDs = Set(rejected.map(\.id))
        if try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM quarantine)") ?? false {
            let release = try db.cachedStatement(sql: "DELETE FROM quarantine WHERE revision_id = ?")
            for item in page where !rejectedIDs.contains(item.sealed.id.rawValue) { try release.execute(arguments: [item.sealed.id.rawValue]) }
        }
        guard !rejected.isEmpty else { return 0 }
        var items: [String: PulledRevision] = [:]
        for item in page { items[item.sealed.id.rawValue] = item }
        let hold = try db.cachedStatement(sql: """
            INSERT INTO quarantine (revision_id, case_id, author_device, device_seq, server_seq, header, ciphertext, signature, reason,
                                    first_tried_ms, last_tried_ms, attempts)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)
            ON CONFLICT(revision_id) DO UPDATE SET reason = excluded.reason, device_seq = excluded.device_seq,
                last_tried_ms = excluded.last_tried_ms, attempts = quarantine.attempts + 1,
                server_seq = COALESCE(excluded.server_seq, quarantine.server_seq)
            """)
        let refuse = try db.cachedStatement(sql: """
            INSERT OR REPLACE INTO refused_revisions (revision_id, case_id, author_device, device_seq, server_seq, reason, refused_at_ms)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """)
        let release = try db.cachedStatement(sql: "DELETE FROM quarantine WHERE revision_id = ?")
        var held = 0
        for rejection in rejected {
            let item = items[rejection.id]
            let h = item?.sealed.header
            let number = RejectionReasons.unverified.contains(rejection.reason) ? nil : h?.deviceSeq.flatMap(Int64.init(exactly:))
            if rejection.kind == .transient, let item, let h {
                try hold.execute(arguments: [rejection.id, h.caseID.rawValue, h.authorDevice.rawValue, number, item.seq,
                                             item.sealed.headerBytes, item.sealed.ciphertext, item.sealed.signature, rejection.reason.rawValue, now, now])
                held += 1
            } else {
                try refuse.execute(arguments: [rejection.id, h?.caseID.rawValue, h?.authorDevice.rawValue, number, item?.seq,
                                               rejection.reason.rawValue, now])
                try release.execute(arguments: [rejection.id])
            }
        }
        return held
    }

    /// Verifies every revision kept aside again (after the run refreshed devices and keys): what now
    /// passes is stored, what became a permanent refusal moves to the refused log, the rest keeps
    /// waiting. One transaction. `rejected` in the result lists only new permanent refusals. (A
    /// destruction certificate stored here is acted on by `actOnDestructionCertificates`, which the
    /// sync client calls after the run's last pull page.)
    public func retryHeld(concurrency: Int = 0) throws(CasebookError) -> ApplyResult {
        let waiting = try read("retrying revisions kept aside") { db in
            try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM quarantine)") ?? false
        }
        guard waiting else { return ApplyResult() }
        return try write("retrying revisions kept aside") { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT revision_id, server_seq, header, ciphertext, signature FROM quarantine ORDER BY server_seq, first_tried_ms
                """)
            var page: [PulledRevision] = []
            var unreadable: [RejectedRevision] = []
            for row in rows {
                do throws(CasebookError) {
                    let sealed = try SealedRevision(headerBytes: row["header"], ciphertext: row["ciphertext"], signature: row["signature"],
                                                    claimedID: RevisionID(rawValue: row["revision_id"]))
                    page.append(PulledRevision(sealed: sealed, seq: row["server_seq"]))
                } catch {
                    unreadable.append(RejectedRevision(id: row["revision_id"], reason: RefusalReason(error.code), message: error.message))
                }
            }
            var result = page.isEmpty ? ApplyResult() : try applyPage(db, page, concurrency: concurrency)
            _ = try fileRejections(db, page, result.rejected + unreadable)
            result.retried = rows.count
            result.retriedStored = result.stored
            result.rejected = (result.rejected + unreadable).filter { $0.kind == .permanent }
            return result
        }
    }

    /// Revisions kept aside, oldest first.
    public func heldRevisions() throws(CasebookError) -> [HeldRevision] {
        return try read("reading revisions kept aside") { db in
            try Row.fetchAll(db, sql: """
                SELECT revision_id, case_id, author_device, reason, first_tried_ms, last_tried_ms, attempts FROM quarantine
                ORDER BY first_tried_ms, revision_id
                """).map { row in
                HeldRevision(id: RevisionID(rawValue: row["revision_id"]), caseID: CaseID(rawValue: row["case_id"]),
                             authorDevice: DeviceID(rawValue: row["author_device"]), reason: RefusalReason(rawValue: row["reason"]),
                             firstTried: Date(timeIntervalSince1970: Double(row["first_tried_ms"] as Int64) / 1000),
                             lastTried: Date(timeIntervalSince1970: Double(row["last_tried_ms"] as Int64) / 1000),
                             attempts: row["attempts"])
            }
        }
    }

    /// Revisions refused for good, most recent first.
    public func refusedRevisions() throws(CasebookError) -> [RefusedRevision] {
        return try read("reading refused revisions") { db in
            try Row.fetchAll(db, sql: """
                SELECT revision_id, case_id, author_device, reason, refused_at_ms FROM refused_revisions ORDER BY refused_at_ms DESC, revision_id
                """).map { row in
                RefusedRevision(id: RevisionID(rawValue: row["revision_id"]), caseID: (row["case_id"] as String?).map(CaseID.init(rawValue:)),
                                authorDevice: (row["author_device"] as String?).map(DeviceID.init(rawValue:)), reason: RefusalReason(rawValue: row["reason"]),
                                refusedAt: Date(timeIntervalSince1970: Double(row["refused_at_ms"] as Int64) / 1000))
            }
        }
    }
}

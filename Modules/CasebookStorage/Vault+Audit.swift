import CasebookCrypto
public import CasebookModels
import Foundation
import GRDB

/// The outcome of `Vault.verifyAudit()`.
public struct AuditVerification: Sendable, Hashable, Codable {
    public var entries: Int
    /// The first sequence number at which the chain breaks (an entry edited, inserted, reordered
    /// or deleted), or nil when the chain is intact.
    public var brokenAt: Int64?
    public var intact: Bool { brokenAt == nil }
}

struct AuditHead: Codable {
    var sequence: Int64
    var mac: Data
    var headMAC: Data

    /// The stored form: the JSON object `JSONEncoder` (sorted keys) wrote, built by hand because the
    /// head is read and rewritten by every audited write (ADR 0031). Any JSON with these keys reads.
    var stored: Data {
        Data("{\"headMAC\":\"\(headMAC.base64EncodedString())\",\"mac\":\"\(mac.base64EncodedString())\",\"sequence\":\(sequence)}".utf8)
    }

    /// Reads the stored form: the exact shape `stored` writes (and `JSONEncoder` wrote, with `\/`)
    /// directly, anything else through `JSONDecoder`.
    static func read(_ data: Data) throws -> AuditHead {
        let text = String(decoding: data, as: UTF8.self)
        let parts = text.split(separator: "\"", omittingEmptySubsequences: false)
        if parts.count == 11, parts[0] == "{", parts[1] == "headMAC", parts[2] == ":", parts[4] == ",", parts[5] == "mac",
           parts[6] == ":", parts[8] == ",", parts[9] == "sequence", parts[10].hasPrefix(":"), parts[10].hasSuffix("}"),
           let sequence = Int64(parts[10].dropFirst().dropLast()),
           let headMAC = Data(base64Encoded: parts[3].replacingOccurrences(of: "\\/", with: "/")),
           let mac = Data(base64Encoded: parts[7].replacingOccurrences(of: "\\/", with: "/")) {
            return AuditHead(sequence: sequence, mac: mac, headMAC: headMAC)
        }
        return try JSONDecoder().decode(AuditHead.self, from: data)
    }
}

/// One audit entry to append (what happened to which record); the chain adds sequence, time,
/// actor, device and MAC.
struct AuditEvent {
    var action: AuditAction
    var recordType: RecordType?
    var recordID: RecordID?
    var caseID: CaseID?
}

extension Vault {
    /// Appends one entry to the audit chain inside the caller's transaction.
    func appendAudit(_ db: Database, action: AuditAction, recordType: RecordType? = nil, recordID: RecordID? = nil,
                     caseID: CaseID? = nil) throws {
        try appendAudit(db, [AuditEvent(action: action, recordType: recordType, recordID: recordID, caseID: caseID)])
    }

    /// Appends entries to the audit chain inside the caller's transaction, in order: the same rows
    /// and head as appending them one at a time, with the head read and written once.
    func appendAudit(_ db: Database, _ events: [AuditEvent]) throws {
        guard !events.isEmpty else { return }
        var head = try storedAuditHead(db)
        let key = identity.auditKey
        let statement = try db.cachedStatement(sql: """
            INSERT INTO audit_log (sequence, at_ms, actor, device, action, record_type, record_id, case_id, mac)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for event in events {
            let entry = AuditEntry(sequence: (head?.sequence ?? 0) + 1, at: clock.now, actor: person, device: device,
                                   action: event.action, recordType: event.recordType, recordID: event.recordID, caseID: event.caseID)
            let mac = AuditChain.link(previous: head?.mac ?? AuditChain.genesis, entry: entry, key: key)
            try statement.execute(arguments: [entry.sequence, Int64((entry.at.timeIntervalSince1970 * 1000).rounded()), entry.actor.rawValue,
                                              entry.device.rawValue, entry.action.rawValue, entry.recordType?.rawValue,
                                              entry.recordID?.rawValue, entry.caseID?.rawValue, mac])
            head = AuditHead(sequence: entry.sequence, mac: mac, headMAC: Data())
        }
        if var last = head {
            last.headMAC = AuditChain.headMAC(sequence: last.sequence, mac: last.mac, key: key)
            try Meta.set(db, .auditHead, last.stored)
        }
    }

    func storedAuditHead(_ db: Database) throws -> AuditHead? {
        guard let data = try Meta.get(db, .auditHead) else { return nil }
        do { return try AuditHead.read(data) } catch {
            throw CasebookError(.vaultCorrupt, "the vault's \(Meta.Key.auditHead.rawValue) entry is unreadable")
        }
    }

    /// Records an audited event that changes nothing else (a read, an export, a release).
    public func audit(_ action: AuditAction, recordType: RecordType? = nil, recordID: RecordID? = nil,
                      caseID: CaseID? = nil) throws(CasebookError) {
        try write("writing the audit log") { db in try appendAudit(db, action: action, recordType: recordType, recordID: recordID, caseID: caseID) }
    }

    public func auditEntries() throws(CasebookError) -> [AuditEntry] {
        return try read("reading the audit log") { db in try auditRows(db).map(\.entry) }
    }

    func auditRows(_ db: Database) throws -> [(entry: AuditEntry, mac: Data)] {
        try Row.fetchAll(db, sql: "SELECT * FROM audit_log ORDER BY rowid").map { row in
            let recordType: String? = row["record_type"]
            let recordID: String? = row["record_id"]
            let caseID: String? = row["case_id"]
            let atMillis: Int64 = row["at_ms"]
            let entry = AuditEntry(
                sequence: row["sequence"], at: Date(timeIntervalSince1970: Double(atMillis) / 1000),
                actor: PersonID(rawValue: row["actor"]), device: DeviceID(rawValue: row["device"]),
                action: AuditAction(rawValue: row["action"]) ?? .read,
                recordType: recordType.flatMap(RecordType.init(rawValue:)), recordID: recordID.map(RecordID.init(rawValue:)),
                caseID: caseID.map(CaseID.init(rawValue:)))
            // An unknown action string must not verify: feed the raw text back so the MAC fails.
            if AuditAction(rawValue: row["action"]) == nil { return (entry, Data()) }
            return (entry, row["mac"])
        }
    }

    /// Recomputes the chain from the first entry and checks the authenticated head.
    public func verifyAudit() throws(CasebookError) -> AuditVerification {
        return try read("verifying the audit log") { db in
            let rows = try auditRows(db)
            let key = identity.auditKey
            var head: (Int64, Data)?
            if let stored = try? storedAuditHead(db) {
                guard AuditChain.headMAC(sequence: stored.sequence, mac: stored.mac, key: key) == stored.headMAC else {
                    return AuditVerification(entries: rows.count, brokenAt: stored.sequence)
                }
                head = (stored.sequence, stored.mac)
            } else if !rows.isEmpty {
                return AuditVerification(entries: rows.count, brokenAt: 1)
            }
            let broken = AuditChain.firstBrokenLink(rows, key: key, head: head.map { (sequence: $0.0, mac: $0.1) })
            return AuditVerification(entries: rows.count, brokenAt: broken)
        }
    }
}

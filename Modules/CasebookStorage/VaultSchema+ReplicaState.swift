import Foundation
import GRDB

/// Moves the rows of the old key/value `sync_state` table (schema v1–v3) into the typed tables of
/// migration `v4-replica-state` (ADR 0028). Each old key kind and where it goes:
///
/// | old key | new row |
/// | --- | --- |
/// | `cursor`, `cursor:case:<case>` | `sync_cursors (name, cursor)` |
/// | `last_sync_at_ms` | `replica_settings.last_sync_at_ms` |
/// | `held-enrolments` | `replica_settings.held_enrolments` (JSON) |
/// | `erased:<case>` | `erased_cases (case_id, certificate_id)` |
/// | `pending_erasure:<case>` | `pending_server_erasures (case_id, certificate_id)` |
/// | `server_erased:<case>` | `server_erasures (case_id, erased_at_ms)` |
/// | `grant:<case>\|<person>` | `case_grants (case_id, person_id)` |
/// | `wrapped:<case>#<epoch>` = `d1,d2,…` | `uploaded_key_wraps (case_id, epoch, recipient)`, one row per device |
/// | `invite:<person>` / `invite-used:<person>` (base64) | `invitations (person_id, used, sealed_secret)` |
/// | `queued-concern:<id>` (base64) | `queued_concerns (id, sealed)` |
/// | `training-published:<person>` | `published_training (person_id, fingerprint)` |
/// | `rotate-after-removal:<case>\|<device>` | `removal_rotations (case_id, removed_device, queued_epoch)` (`''`: a legacy entry without a device) |
///
/// A row this migration does not recognise (or cannot parse) is not dropped: it stays in
/// `sync_state_unrecognised`, and `sync_state` itself is dropped only when empty.
enum ReplicaStateMigration {
    static func moveSyncState(_ db: Database) throws {
        let rows = try Row.fetchAll(db, sql: "SELECT key, value FROM sync_state")
        let delete = try db.makeStatement(sql: "DELETE FROM sync_state WHERE key = ?")
        for row in rows {
            let key: String = row["key"]
            let value: String = row["value"]
            if try move(db, key: key, value: value) { try delete.execute(arguments: [key]) }
        }
        if try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM sync_state") == 0 {
            try db.execute(sql: "DROP TABLE sync_state")
        } else {
            try db.execute(sql: "ALTER TABLE sync_state RENAME TO sync_state_unrecognised")
        }
    }

    /// Inserts one old row where it now belongs; false when the key or value is not understood.
    private static func move(_ db: Database, key: String, value: String) throws -> Bool {
        func rest(_ prefix: String) -> String? { key.hasPrefix(prefix) ? String(key.dropFirst(prefix.count)) : nil }
        func split(_ text: String, at separator: Character) -> (String, String)? {
            guard let index = text.lastIndex(of: separator) else { return nil }
            return (String(text[..<index]), String(text[text.index(after: index)...]))
        }
        if key == "cursor" || key.hasPrefix("cursor:case:") {
            try db.execute(sql: "INSERT OR REPLACE INTO sync_cursors (name, cursor) VALUES (?, ?)", arguments: [key, value])
        } else if key == "last_sync_at_ms" {
            guard let ms = Int64(value) ?? Double(value).map({ Int64($0.rounded(.down)) }) else { return false }
            try db.execute(sql: "UPDATE replica_settings SET last_sync_at_ms = ? WHERE id = 1", arguments: [ms])
        } else if key == "held-enrolments" {
            try db.execute(sql: "UPDATE replica_settings SET held_enrolments = ? WHERE id = 1", arguments: [value])
        } else if let caseID = rest("erased:") {
            try db.execute(sql: "INSERT OR REPLACE INTO erased_cases (case_id, certificate_id) VALUES (?, ?)", arguments: [caseID, value])
        } else if let caseID = rest("pending_erasure:") {
            try db.execute(sql: "INSERT OR REPLACE INTO pending_server_erasures (case_id, certificate_id) VALUES (?, ?)",
                           arguments: [caseID, value])
        } else if let caseID = rest("server_erased:") {
            guard let ms = Int64(value) ?? Double(value).map({ Int64($0.rounded(.down)) }) else { return false }
            try db.execute(sql: "INSERT OR REPLACE INTO server_erasures (case_id, erased_at_ms) VALUES (?, ?)", arguments: [caseID, ms])
        } else if let grant = rest("grant:") {
            guard let (caseID, person) = split(grant, at: "|") else { return false }
            try db.execute(sql: "INSERT OR IGNORE INTO case_grants (case_id, person_id) VALUES (?, ?)", arguments: [caseID, person])
        } else if let wrapped = rest("wrapped:") {
            guard let (caseID, epochText) = split(wrapped, at: "#"), let epoch = UInt32(epochText) else { return false }
            for recipient in value.split(separator: ",") where !recipient.isEmpty {
                try db.execute(sql: "INSERT OR IGNORE INTO uploaded_key_wraps (case_id, epoch, recipient) VALUES (?, ?, ?)",
                               arguments: [caseID, Int64(epoch), String(recipient)])
            }
        } else if let person = rest("invite:") ?? rest("invite-used:") {
            guard let sealed = Data(base64Encoded: value) else { return false }
            try db.execute(sql: "INSERT OR REPLACE INTO invitations (person_id, used, sealed_secret) VALUES (?, ?, ?)",
                           arguments: [person, key.hasPrefix("invite-used:"), sealed])
        } else if let id = rest("queued-concern:") {
            guard let sealed = Data(base64Encoded: value) else { return false }
            try db.execute(sql: "INSERT OR REPLACE INTO queued_concerns (id, sealed) VALUES (?, ?)", arguments: [id, sealed])
        } else if let person = rest("training-published:") {
            try db.execute(sql: "INSERT OR REPLACE INTO published_training (person_id, fingerprint) VALUES (?, ?)", arguments: [person, value])
        } else if let slot = rest("rotate-after-removal:") {
            let parts = slot.split(separator: "|", maxSplits: 1).map(String.init)
            guard let caseID = parts.first else { return false }
            let epoch = UInt32(exactly: Int64(value) ?? 0) ?? 0  // as `removalRotations` read it before
            try db.execute(sql: "INSERT OR REPLACE INTO removal_rotations (case_id, removed_device, queued_epoch) VALUES (?, ?, ?)",
                           arguments: [caseID, parts.count > 1 ? parts[1] : "", Int64(epoch)])
        } else {
            return false
        }
        return true
    }
}

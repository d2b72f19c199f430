import CasebookModels
import Foundation
import GRDB

/// Typed access to the vault's `meta` table.
enum Meta {
    enum Key: String {
        case format, kdf, identity, devicePublicKeys = "device_public_keys", hlc, auditHead = "audit_head"
        case organisation, rootDevice = "root_device", server
        /// Transport security remembered at enrolment (ADR 0015): the CA certificate(s) to trust (PEM)
        /// and the pinned SHA-256 of the server's certificate.
        case caCertificate = "ca_certificate", serverPin = "server_pin"
    }

    static func get(_ db: Database, _ key: Key) throws -> Data? {
        try Data.fetchOne(db, sql: "SELECT value FROM meta WHERE key = ?", arguments: [key.rawValue])
    }

    static func set(_ db: Database, _ key: Key, _ value: Data) throws {
        try db.execute(sql: "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                       arguments: [key.rawValue, value])
    }

    static func json<T: Decodable>(_ db: Database, _ key: Key, _ type: T.Type) throws -> T? {
        guard let data = try get(db, key) else { return nil }
        do { return try JSONDecoder().decode(T.self, from: data) } catch {
            throw CasebookError(.vaultCorrupt, "the vault's \(key.rawValue) entry is unreadable")
        }
    }

    static func setJSON<T: Encodable>(_ db: Database, _ key: Key, _ value: T) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        try set(db, key, try encoder.encode(value))
    }
}

public import CasebookModels
public import CasebookSync
public import Foundation
import GRDB

extension SQLiteServerStore {
    // MARK: Device removal (docs/adr/0010-membership.md)

    public func removeDevice(_ removal: DeviceRemoval, now: Date) async throws {
        try await write { db in
            guard try Int.fetchOne(db, sql: "SELECT 1 FROM devices WHERE device_id = ?", arguments: [removal.deviceID.rawValue]) != nil else {
                throw CasebookError(.notFound, "device \(removal.deviceID) is not registered")
            }
            try db.execute(sql: """
                INSERT INTO removed_devices (device_id, removed_by, removed_at, signature, removed_ms) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (device_id) DO NOTHING
                """, arguments: [removal.deviceID.rawValue, removal.removedBy.rawValue, removal.removedAt, removal.signature, millis(now)])
            try db.execute(sql: "UPDATE tokens SET revoked = 1 WHERE device = ?", arguments: [removal.deviceID.rawValue])
            try db.execute(sql: "DELETE FROM wrapped_keys WHERE recipient_device = ?", arguments: [removal.deviceID.rawValue])
        }
    }

    public func removedDevices() async throws -> [DeviceRemoval] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT device_id, removed_by, removed_at, signature FROM removed_devices ORDER BY device_id")
                .map(Self.removal(from:))
        }
    }

    public func removal(of device: DeviceID) async throws -> DeviceRemoval? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT device_id, removed_by, removed_at, signature FROM removed_devices WHERE device_id = ?",
                             arguments: [device.rawValue]).map(Self.removal(from:))
        }
    }

    public func latestRevisionStamp(by device: DeviceID) async throws -> HLCTimestamp? {
        try await pool.read { db in
            try String.fetchAll(db, sql: "SELECT hlc FROM revisions WHERE author_device = ?", arguments: [device.rawValue])
                .compactMap(HLCTimestamp.init(parsing:)).max()
        }
    }

    static func removal(from row: Row) -> DeviceRemoval {
        DeviceRemoval(deviceID: DeviceID(rawValue: row["device_id"]), removedBy: DeviceID(rawValue: row["removed_by"]),
                      removedAt: row["removed_at"], signature: row["signature"])
    }
}

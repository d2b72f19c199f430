public import CasebookModels
public import CasebookSync
public import Foundation
import PostgresNIO

extension PostgresServerStore {
    // MARK: Device removal (docs/adr/0010-membership.md)

    public func removeDevice(_ removal: DeviceRemoval, now: Date) async throws {
        try await transaction { conn in
            let existing = try await conn.query("SELECT 1 FROM devices WHERE device_id = \(removal.deviceID.rawValue)", logger: logger)
            guard try await Self.first(existing, Int32.self) != nil else {
                throw CasebookError(.notFound, "device \(removal.deviceID) is not registered")
            }
            try await conn.query("""
                INSERT INTO removed_devices (device_id, removed_by, removed_at, signature, removed_ms) VALUES
                (\(removal.deviceID.rawValue), \(removal.removedBy.rawValue), \(removal.removedAt), \(removal.signature), \(millis(now)))
                ON CONFLICT (device_id) DO NOTHING
                """, logger: logger)
            try await conn.query("UPDATE tokens SET revoked = TRUE WHERE device = \(removal.deviceID.rawValue)", logger: logger)
            try await conn.query("DELETE FROM wrapped_keys WHERE recipient_device = \(removal.deviceID.rawValue)", logger: logger)
        }
    }

    public func removedDevices() async throws -> [DeviceRemoval] {
        var removals: [DeviceRemoval] = []
        let rows = try await client.query("SELECT device_id, removed_by, removed_at, signature FROM removed_devices ORDER BY device_id",
                                          logger: logger)
        for try await row in rows.decode((String, String, String, Data).self) { removals.append(Self.removal(row)) }
        return removals
    }

    public func removal(of device: DeviceID) async throws -> DeviceRemoval? {
        let rows = try await client.query("""
            SELECT device_id, removed_by, removed_at, signature FROM removed_devices WHERE device_id = \(device.rawValue)
            """, logger: logger)
        return try await Self.firstRow(rows, (String, String, String, Data).self).map(Self.removal)
    }

    public func latestRevisionStamp(by device: DeviceID) async throws -> HLCTimestamp? {
        let rows = try await client.query("SELECT hlc FROM revisions WHERE author_device = \(device.rawValue)", logger: logger)
        var latest: HLCTimestamp?
        for try await text in rows.decode(String.self) {
            if let stamp = HLCTimestamp(parsing: text), latest.map({ $0 < stamp }) ?? true { latest = stamp }
        }
        return latest
    }

    static func removal(_ row: (String, String, String, Data)) -> DeviceRemoval {
        DeviceRemoval(deviceID: DeviceID(rawValue: row.0), removedBy: DeviceID(rawValue: row.1), removedAt: row.2, signature: row.3)
    }
}

import CasebookModels
import Foundation
import PostgresNIO

/// One statement each (ADR 0031): the cleanup rides along as a data-modifying `WITH`, and the
/// token is inserted only from the challenge row the same statement deleted, so consuming the
/// challenge and storing the token commit together, with one WAL flush.
extension PostgresServerStore: ServerStoreLogin {
    public func issueChallenge(_ challenge: Data, device: DeviceID, expiresAt: Date) async throws -> Bool {
        let rows = try await client.query("""
            WITH cleanup AS (DELETE FROM challenges WHERE expires_ms < \(millis(expiresAt) - 3_600_000))
            INSERT INTO challenges (challenge, device, expires_ms)
            SELECT \(challenge), device_id, \(millis(expiresAt)) FROM devices WHERE device_id = \(device.rawValue)
            RETURNING 1
            """, logger: logger)
        return try await Self.first(rows, Int32.self) != nil
    }

    public func exchangeChallenge(_ challenge: Data, device: DeviceID, now: Date, tokenHash: Data, expiresAt: Date) async throws -> Bool {
        let rows = try await client.query("""
            WITH consumed AS (
                DELETE FROM challenges WHERE challenge = \(challenge) AND device = \(device.rawValue) AND expires_ms > \(millis(now))
                RETURNING device),
            cleanup AS (DELETE FROM tokens WHERE expires_ms < \(millis(expiresAt) - 86_400_000))
            INSERT INTO tokens (hash, device, expires_ms) SELECT \(tokenHash), device, \(millis(expiresAt)) FROM consumed
            RETURNING 1
            """, logger: logger)
        return try await Self.first(rows, Int32.self) != nil
    }
}

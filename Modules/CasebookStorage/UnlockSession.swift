import CasebookCrypto
public import CasebookModels
import Foundation
import Crypto
import GRDB

/// Stay-unlocked sessions, as password-manager CLIs do (`export CASEBOOK_SESSION=...`).
///
/// `casebook unlock` seals the device identity under a fresh random 256-bit key, stores the sealed
/// copy with its expiry in the vault, and prints `cbs1.<id>.<key>`. The key never touches the disk;
/// whoever holds the token can unlock until it expires or `casebook lock` deletes the sealed copies.
/// No weaker than the vault: the token is 256 random bits, and the expiry is bound into the
/// associated data, so editing the stored expiry makes the sealed copy unopenable.
enum UnlockSession {
    static let prefix = "cbs1"

    static func context(id: String, expiresAt: Int64) -> Data { Data("session|\(id)|\(expiresAt)".utf8) }

    static func start(_ db: Database, identity: DeviceIdentity, expiresAt: Int64) throws -> String {
        let id = UUID().uuidString.lowercased()
        let key = SymmetricKey(size: .bits256)
        let sealed = try SealedIdentity.seal(identity, key: key, context: context(id: id, expiresAt: expiresAt))
        try db.execute(sql: "INSERT INTO unlock_sessions (id, expires_at_ms, sealed) VALUES (?, ?, ?)",
                       arguments: [id, expiresAt, sealed.ciphertext])
        let keyText = key.withUnsafeBytes { Data($0) }.base64URLEncodedString()
        return "\(prefix).\(id).\(keyText)"
    }

    static func open(_ db: Database, token: String, sealedIdentity: SealedIdentity, now: UInt64) throws -> DeviceIdentity {
        let parts = token.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ".", maxSplits: 2).map(String.init)
        guard parts.count == 3, parts[0] == prefix,
              let keyData = Data(base64URLEncoded: parts[2]),
              keyData.count == 32 else {
            throw CasebookError(.invalidInput, "CASEBOOK_SESSION is not a Casebook session token; run 'casebook unlock' again")
        }
        guard let row = try Row.fetchOne(db, sql: "SELECT expires_at_ms, sealed FROM unlock_sessions WHERE id = ?", arguments: [parts[1]]) else {
            throw CasebookError(.sessionExpired, "the unlock session has ended (locked or expired); run 'casebook unlock' or give the passphrase")
        }
        let expires: Int64 = row["expires_at_ms"]
        guard Int64(now) < expires else {
            throw CasebookError(.sessionExpired, "the unlock session expired; run 'casebook unlock' again")
        }
        let sealed = SealedIdentity(deviceID: sealedIdentity.deviceID, person: sealedIdentity.person, ciphertext: row["sealed"])
        return try sealed.open(key: SymmetricKey(data: keyData), context: context(id: parts[1], expiresAt: expires),
                               failure: CasebookError(.sessionExpired, "the unlock session token does not match this vault; run 'casebook unlock' again"))
    }
}

extension Vault {
    /// Starts a session that keeps the vault unlocked for `minutes`. Returns the token.
    public func startSession(minutes: Int) throws(CasebookError) -> (token: String, expiresAt: Date) {
        guard (1...24 * 60).contains(minutes) else {
            throw CasebookError(.invalidInput, "--minutes must be between 1 and 1440")
        }
        let expires = Int64(clock.nowMillis) + Int64(minutes) * 60_000
        do {
            let token = try write { db in
                try db.execute(sql: "DELETE FROM unlock_sessions WHERE expires_at_ms <= ?", arguments: [Int64(clock.nowMillis)])
                let token = try UnlockSession.start(db, identity: identity, expiresAt: expires)
                try appendAudit(db, action: .unlock)
                return token
            }
            return (token, Date(timeIntervalSince1970: Double(expires) / 1000))
        } catch { throw storageError(error, "starting an unlock session") }
    }

    /// Ends every unlock session of this vault.
    @discardableResult
    public func lock() throws(CasebookError) -> Int {
        do { return try write { db in try db.execute(sql: "DELETE FROM unlock_sessions"); return db.changesCount } } catch {
            throw storageError(error, "locking")
        }
    }
}

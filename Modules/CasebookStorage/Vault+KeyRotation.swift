import CasebookCrypto
import CasebookModels
import Foundation
import GRDB

/// Signed rotation statements (ADR 0013): who may create a new epoch of a case's key, and how a
/// replica checks one before storing a key of that epoch.
extension Vault {
    // MARK: - Facts

    /// The newest epoch of a case this device holds a key of (nil: none).
    func newestHeldEpoch(_ db: Database, _ caseID: CaseID) throws -> UInt32? {
        try Int64.fetchOne(db, sql: "SELECT MAX(epoch) FROM case_keys WHERE case_id = ? AND recipient = ?",
                           arguments: [caseID.rawValue, device.rawValue]).flatMap(KeyEpoch.from)
    }

    /// The statement that created an epoch of a case, as this replica accepted (or made) it.
    func rotationStatement(_ db: Database, _ caseID: CaseID, epoch: UInt32) throws -> KeyRotationStatement? {
        guard let data = try Data.fetchOne(db, sql: "SELECT statement FROM key_rotations WHERE case_id = ? AND epoch = ?",
                                           arguments: [caseID.rawValue, Int64(epoch)]) else { return nil }
        return try? JSONDecoder().decode(KeyRotationStatement.self, from: data)
    }

    func storeRotationStatement(_ db: Database, _ statement: KeyRotationStatement) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        try db.execute(sql: "INSERT OR IGNORE INTO key_rotations (case_id, epoch, statement) VALUES (?, ?, ?)",
                       arguments: [statement.caseID.rawValue, Int64(statement.epoch), try encoder.encode(statement)])
    }

    /// The person who created a case, as far as this replica can tell: the author of its first
    /// revision in the server's order (or, before it was pushed, this replica's own order).
    func caseOwner(_ db: Database, _ caseID: CaseID) throws -> PersonID? {
        guard let author = try String.fetchOne(db, sql: """
            SELECT author_device FROM revisions WHERE case_id = ? ORDER BY server_seq IS NULL, server_seq, local_seq LIMIT 1
            """, arguments: [caseID.rawValue]) else { return nil }
        return try devicePublicKeys(db, DeviceID(rawValue: author))?.person
    }

    /// Who may create a new epoch of a case: an administrator or DSL (certified roles) for any
    /// case, the case's owner for a client case. The server applies the same rule (ADR 0013).
    /// A replica holding no revision of the case cannot tell its owner, and accepts any certified
    /// member there (the bootstrap limit of ADR 0009: it can read nothing of the case yet).
    func mayRotate(_ db: Database, _ rotator: TrustedDevice, _ caseID: CaseID) throws -> Bool {
        if rotator.isAdmin || rotator.roles.contains(Role.dsl.rawValue) { return true }
        guard caseID != .organisation else { return false }
        guard let owner = try caseOwner(db, caseID) else { return true }
        return owner == rotator.keys.person
    }

    /// Whether this device may rotate a case, by the roles its certification carries (what
    /// receivers check): a rotation they would refuse is not made.
    func mayRotateHere(_ db: Database, _ caseID: CaseID) throws -> Bool {
        guard let me = try trustedDevice(db, device) else { return false }
        return try mayRotate(db, me, caseID)
    }

    // MARK: - Making a rotation

    /// A new epoch of a case's key (the one after the newest this device holds, checked: never
    /// traps) and its signed statement, stamped with this replica's hybrid logical clock.
    func makeRotation(_ db: Database, _ caseID: CaseID, reason: RotationReason, subject: String)
        throws -> (key: CaseKey, statement: KeyRotationStatement) {
        guard let previous = try newestHeldEpoch(db, caseID) else {
            throw CasebookError(.notAuthorised, "you hold no key for case \(caseID), so you cannot rotate it")
        }
        let key = CaseKey.generate(caseID: caseID, epoch: try KeyEpoch.next(after: previous))
        var hlc = HybridLogicalClock(last: try currentHLC(db))
        let stamp = hlc.tick(wallMillis: clock.nowMillis)
        try Meta.set(db, .hlc, Data(stamp.description.utf8))
        let statement = try KeyRotationStatement.sign(key: key, previousEpoch: previous, reason: reason, subject: subject,
                                                      stamp: stamp, by: identity)
        return (key, statement)
    }

    // MARK: - Checking a received key's epoch

    /// Why a served key at an epoch above 0 must be refused, or nil when its rotation statement
    /// holds: present and about this case and epoch, signed by a device this replica trusts that
    /// was not removed before the statement's stamp, whose person may rotate the case; the
    /// previous epoch is held here (epochs go up by one, never jump); stamped at most five minutes
    /// ahead; the key opens and is the one the statement committed to; and no other statement for
    /// the epoch was accepted before.
    func rotationRefusal(_ db: Database, _ wrapped: WrappedCaseKey, opened key: CaseKey) throws -> (reason: RefusalReason, message: String)? {
        let what = "the key of case \(wrapped.caseID) epoch \(wrapped.epoch)"
        guard let statement = wrapped.rotation, statement.caseID == wrapped.caseID, statement.epoch == wrapped.epoch else {
            return (.noRotationStatement, "\(what) carries no signed rotation statement for that epoch")
        }
        guard let rotator = try trustedDevice(db, statement.rotatedBy), statement.isSigned(by: rotator.keys),
              let stamp = statement.hlc else {
            return (.tampered, "\(what): its rotation statement is not validly signed by a certified device")
        }
        if let removedAt = try removalStamp(db, statement.rotatedBy), !(stamp < removedAt) {
            return (.deviceRemoved, "\(what) was rotated by device \(statement.rotatedBy) after an administrator removed it")
        }
        guard try mayRotate(db, rotator, wrapped.caseID) else {
            return (.notEntitled, "\(what) was rotated by a person who is not the case's owner, an administrator or a DSL")
        }
        guard HybridLogicalClock.isAcceptable(stamp, wallMillis: clock.nowMillis) else {
            return (.clockSkew, "\(what): its rotation statement is stamped more than five minutes in the future")
        }
        guard try caseKey(db, caseID: wrapped.caseID, epoch: statement.previousEpoch) != nil else {
            return (.epochGap, "\(what) follows epoch \(statement.previousEpoch), which this device does not hold")
        }
        guard statement.commits(to: key) else {
            return (.tampered, "\(what) is not the key its rotation statement committed to")
        }
        if let accepted = try rotationStatement(db, wrapped.caseID, epoch: wrapped.epoch), accepted != statement {
            return (.conflictingRotation, "\(what) comes with another rotation statement than the one accepted for that epoch")
        }
        return nil
    }
}

public import CasebookModels
import Crypto
public import Foundation

/// Why a case key was rotated.
public enum RotationReason: String, Codable, Sendable, Hashable {
    /// A reader's grant was revoked (`subject`: the person).
    case revoke
    /// A device was removed from the organisation (`subject`: the device).
    case removal
    /// Keys re-issued after recovery (`subject`: the person recovered for, or empty).
    case recovery
}

/// A signed statement that a case has a new key epoch (ADR 0013). A wrapped key at an epoch above 0
/// is stored by a replica, and accepted by the server, only with a valid statement for that epoch:
/// signed by the rotating device, whose person may rotate the case (its owner, an administrator or
/// a DSL), naming the epoch it follows (`epoch == previousEpoch + 1`), and committing to the new key
/// (`keyCommitment`), so whoever re-wraps the epoch for another reader cannot substitute a key.
public struct KeyRotationStatement: Hashable, Codable, Sendable {
    public var caseID: CaseID
    public var epoch: UInt32
    public var previousEpoch: UInt32
    public var reason: RotationReason
    /// Whom the rotation cuts off: the revoked person's or the removed device's id (empty for recovery).
    public var subject: String
    public var rotatedBy: DeviceID
    /// The rotating device's hybrid logical clock stamp (text form).
    public var stamp: String
    /// SHA-256 commitment to the new key (`KeyRotationStatement.commitment(to:)`).
    public var keyCommitment: Data
    /// Ed25519 signature by `rotatedBy` over `signedBytes`.
    public var signature: Data

    public init(caseID: CaseID, epoch: UInt32, previousEpoch: UInt32, reason: RotationReason, subject: String,
                rotatedBy: DeviceID, stamp: String, keyCommitment: Data, signature: Data) {
        self.caseID = caseID
        self.epoch = epoch
        self.previousEpoch = previousEpoch
        self.reason = reason
        self.subject = subject
        self.rotatedBy = rotatedBy
        self.stamp = stamp
        self.keyCommitment = keyCommitment
        self.signature = signature
    }

    /// Signs a rotation to `key` (whose case and epoch it states) following `previousEpoch`.
    public static func sign(key: CaseKey, previousEpoch: UInt32, reason: RotationReason, subject: String, stamp: HLCTimestamp,
                            by rotator: DeviceIdentity) throws(CasebookError) -> KeyRotationStatement {
        var statement = KeyRotationStatement(caseID: key.caseID, epoch: key.epoch, previousEpoch: previousEpoch, reason: reason,
                                             subject: subject, rotatedBy: rotator.deviceID, stamp: stamp.description,
                                             keyCommitment: commitment(to: key), signature: Data())
        statement.signature = try rotator.sign(statement.signedBytes)
        return statement
    }

    /// The format is `SignedStatement.keyRotation`.
    public var signedBytes: Data {
        SignedStatement.keyRotation(caseID: caseID, epoch: epoch, previousEpoch: previousEpoch, reason: reason.rawValue,
                                    subject: subject, rotatedBy: rotatedBy, stamp: stamp, keyCommitment: keyCommitment)
    }

    /// The stamp, when it is well formed (its text form round-trips).
    public var hlc: HLCTimestamp? {
        HLCTimestamp(parsing: stamp).flatMap { $0.description == stamp ? $0 : nil }
    }

    /// Whether the statement is well formed (epochs continue by exactly one, without overflow; a
    /// parseable stamp; a 32-byte commitment) and carries `rotator`'s valid signature.
    /// Says nothing about whether that device may rotate the case.
    public func isSigned(by rotator: DevicePublicKeys) -> Bool {
        guard isWellFormed, rotator.deviceID == rotatedBy, signature.count == 64,
              let key = try? rotator.signingKey() else { return false }
        return key.isValidSignature(signature, for: signedBytes)
    }

    public var isWellFormed: Bool {
        (try? KeyEpoch.next(after: previousEpoch)) == epoch && hlc != nil && keyCommitment.count == 32
    }

    /// Whether `key` is the key this statement committed to.
    public func commits(to key: CaseKey) -> Bool {
        key.caseID == caseID && key.epoch == epoch && Self.commitment(to: key) == keyCommitment
    }

    /// SHA-256 over a domain tag, the case, the epoch and the key bytes. A case key is 256 random
    /// bits, so the commitment reveals nothing usable about it.
    public static func commitment(to key: CaseKey) -> Data {
        SignedStatement.keyCommitment(caseID: key.caseID, epoch: key.epoch, keyBytes: key.rawBytes)
    }
}

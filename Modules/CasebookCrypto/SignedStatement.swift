public import CasebookModels
import Crypto
public import Foundation

/// Every byte string a Casebook key signs or MACs, in one place (ADR 0016). Each starts with its
/// own domain tag, so a signature over one kind of statement never verifies as another kind.
///
/// Changing a byte here invalidates every signature already made: `SignedStatementTests` pins
/// each format against bytes written out independently. Add a new statement here, with a new
/// tag and a pinned test; never reuse a tag.
///
/// The older names (`BatchRoot.signedBytes`, `WrappedCaseKey.signedBytes`,
/// `DevicePublicKeys.certificationBytes`, `DeviceTrust.signedBytes`/`enrolmentProof`,
/// `DeviceRemovalStatement.signedBytes`, `ChallengeResponse.signedBytes`,
/// `SealedRevision.contentDigest`) forward here.
public enum SignedStatement {
    // MARK: Revisions

    /// A revision's content digest, signed by its author (single seal) and used as its content
    /// address: SHA-256("casebook/revision/v1" ‖ u32be(header length) ‖ canonical header ‖ ciphertext).
    public static func revisionDigest(headerBytes: Data, ciphertext: Data) -> Data {
        var hasher = SHA256()
        var length = Data()
        length.appendBigEndian(UInt32(headerBytes.count))
        hasher.update(data: Data("casebook/revision/v1".utf8))
        hasher.update(data: length)
        hasher.update(data: headerBytes)
        hasher.update(data: ciphertext)
        return Data(hasher.finalize())
    }

    /// A batch of revisions (ADR 0011), signed by their author device: "casebook/revision-batch/v1"
    /// ‖ u8 length + UTF-8 of the author device id (at most 255 bytes) ‖ leaf count (u32 BE) ‖ Merkle root.
    /// Longer than 32 bytes and tagged, so it is never a revision digest or a challenge.
    public static func batchRoot(author: DeviceID, root: Data, count: UInt32) -> Data {
        var data = Data("casebook/revision-batch/v1".utf8)
        let id = Array(author.rawValue.utf8.prefix(255))
        data.append(UInt8(id.count))
        data.append(contentsOf: id)
        data.appendBigEndian(count)
        data.append(root)
        return data
    }

    // MARK: Keys

    /// A wrapped case key, signed by the wrapping device (ADR 0009): "casebook/wrapped-key/v1",
    /// then case id, epoch (u32 BE), recipient, wrapper, encapsulated key and ciphertext, each
    /// prefixed with its length (u32 BE) so no two different keys share signed bytes.
    public static func wrappedKey(caseID: CaseID, epoch: UInt32, recipient: DeviceID, wrappedBy: DeviceID,
                                  encapsulatedKey: Data, ciphertext: Data) -> Data {
        var data = Data("casebook/wrapped-key/v1".utf8)
        func field(_ bytes: Data) {
            withUnsafeBytes(of: UInt32(bytes.count).bigEndian) { data.append(contentsOf: $0) }
            data.append(bytes)
        }
        field(Data(caseID.rawValue.utf8))
        field(withUnsafeBytes(of: epoch.bigEndian) { Data($0) })
        field(Data(recipient.rawValue.utf8))
        field(Data(wrappedBy.rawValue.utf8))
        field(encapsulatedKey)
        field(ciphertext)
        return data
    }

    // MARK: Devices

    /// A device's public keys as they are vouched for and proven:
    /// "casebook/device-keys/v1|DEVICE|PERSON|" ‖ Ed25519 signing key ‖ X25519 agreement key.
    public static func deviceKeys(_ keys: DevicePublicKeys) -> Data {
        var d = Data("casebook/device-keys/v1|\(keys.deviceID.rawValue)|\(keys.person.rawValue)|".utf8)
        d.append(keys.signing)
        d.append(keys.agreement)
        return d
    }

    /// What a certifying administrator signs: "casebook/device-certificate/v1|" ‖ `deviceKeys` ‖
    /// "|roles|" ‖ the roles vouched for, sorted and comma-separated, so a hostile server can
    /// neither substitute keys nor promote anyone.
    public static func deviceCertification(keys: DevicePublicKeys, roles: [Role]) -> Data {
        var data = Data("casebook/device-certificate/v1|".utf8)
        data.append(deviceKeys(keys))
        data.append(Data("|roles|".utf8))
        data.append(Data(roles.map(\.rawValue).sorted().joined(separator: ",").utf8))
        return data
    }

    /// What the enrolment proof authenticates (ADR 0015): "casebook/enrolment-proof/v2|" ‖
    /// `deviceKeys`. The proof is HMAC-SHA256 over it keyed by the proof key that HKDF derives from
    /// the invitation's secret (`EnrolmentSecret`), never by what the server sees.
    public static func enrolmentProofMessage(keys: DevicePublicKeys) -> Data {
        Data("casebook/enrolment-proof/v2|".utf8) + deviceKeys(keys)
    }

    /// A device removal (docs/adr/0010-membership.md), signed by an administrator's device:
    /// "casebook/device-removal/v1|DEVICE|REMOVED_AT" (the HLC stamp in its text form).
    public static func deviceRemoval(device: DeviceID, removedAt: String) -> Data {
        Data("casebook/device-removal/v1|\(device.rawValue)|\(removedAt)".utf8)
    }

    // MARK: Authentication

    /// A login: the device signs "casebook/auth/v1|DEVICE|" ‖ the server's 32-byte challenge.
    public static func authChallenge(challenge: Data, deviceID: DeviceID) -> Data {
        Data("casebook/auth/v1|\(deviceID.rawValue)|".utf8) + challenge
    }
}

/// The bytes an administrator's device signs to remove a device from the organisation
/// (docs/adr/0010-membership.md). Shared by replicas (which verify) and the server (which checks
/// the statement is the caller's before storing it). The format is `SignedStatement.deviceRemoval`.
public enum DeviceRemovalStatement {
    public static func signedBytes(device: DeviceID, removedAt: String) -> Data {
        SignedStatement.deviceRemoval(device: device, removedAt: removedAt)
    }
}

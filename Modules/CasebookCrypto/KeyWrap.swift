public import CasebookModels
import Crypto
public import Foundation

/// A case key wrapped for one recipient device with HPKE (X25519, HKDF-SHA256, AES-256-GCM), and
/// signed (Ed25519) by the device that wrapped it. Stored on replicas and on the server; useless
/// without the recipient's private key. The signature lets the recipient refuse a key the server
/// (or anyone but a certified member entitled to the case) made up: see `Vault.receiveKeys`.
public struct WrappedCaseKey: Hashable, Codable, Sendable {
    public var caseID: CaseID
    public var epoch: UInt32
    public var recipient: DeviceID
    public var encapsulatedKey: Data
    public var ciphertext: Data
    /// The device that wrapped (and signed) this key.
    public var wrappedBy: DeviceID
    /// Ed25519 signature by `wrappedBy` over `signedBytes`.
    public var signature: Data

    public init(caseID: CaseID, epoch: UInt32, recipient: DeviceID, encapsulatedKey: Data, ciphertext: Data,
                wrappedBy: DeviceID, signature: Data) {
        self.caseID = caseID
        self.epoch = epoch
        self.recipient = recipient
        self.encapsulatedKey = encapsulatedKey
        self.ciphertext = ciphertext
        self.wrappedBy = wrappedBy
        self.signature = signature
    }

    /// What the wrapping device signs: every field but the signature (`SignedStatement.wrappedKey`).
    public var signedBytes: Data {
        SignedStatement.wrappedKey(caseID: caseID, epoch: epoch, recipient: recipient, wrappedBy: wrappedBy,
                                   encapsulatedKey: encapsulatedKey, ciphertext: ciphertext)
    }

    /// Whether `signature` is a valid signature over `signedBytes` by `wrapper`, which must be the
    /// device named in `wrappedBy`. Says nothing about whether that device may hand out the key.
    public func isSigned(by wrapper: DevicePublicKeys) -> Bool {
        guard wrapper.deviceID == wrappedBy, signature.count == 64,
              let key = try? wrapper.signingKey() else { return false }
        return key.isValidSignature(signature, for: signedBytes)
    }
}

public enum KeyWrap {
    static let suite = HPKE.Ciphersuite(kem: .Curve25519_HKDF_SHA256, kdf: .HKDF_SHA256, aead: .AES_GCM_256)

    /// HPKE `info` binds the wrapped key to its case, epoch and recipient: a wrapped key moved to
    /// another case or device fails to open.
    static func info(caseID: CaseID, epoch: UInt32, recipient: DeviceID) -> Data {
        Data("casebook/case-key/v1|\(caseID.rawValue)|\(epoch)|\(recipient.rawValue)".utf8)
    }

    /// Wraps a case key for a recipient device and signs the result with the wrapping device's key.
    public static func wrap(_ key: CaseKey, for recipient: DevicePublicKeys, by wrapper: DeviceIdentity) throws(CasebookError) -> WrappedCaseKey {
        do {
            var sender = try HPKE.Sender(recipientKey: try recipient.agreementKey(), ciphersuite: suite,
                                         info: info(caseID: key.caseID, epoch: key.epoch, recipient: recipient.deviceID))
            let ciphertext = try sender.seal(key.rawBytes)
            var wrapped = WrappedCaseKey(caseID: key.caseID, epoch: key.epoch, recipient: recipient.deviceID,
                                         encapsulatedKey: sender.encapsulatedKey, ciphertext: ciphertext,
                                         wrappedBy: wrapper.deviceID, signature: Data())
            wrapped.signature = try wrapper.sign(wrapped.signedBytes)
            return wrapped
        } catch let error as CasebookError {
            throw error
        } catch {
            throw CasebookError(.crypto, "could not wrap the key of case \(key.caseID) for device \(recipient.deviceID)")
        }
    }

    /// Opens a wrapped key with this device's private key. Checks the HPKE binding (case, epoch,
    /// recipient), not the signature: a received key is checked by `WrappedCaseKey.isSigned(by:)`
    /// and the vault's rules before it is stored.
    public static func unwrap(_ wrapped: WrappedCaseKey, with identity: DeviceIdentity) throws(CasebookError) -> CaseKey {
        try open(caseID: wrapped.caseID, epoch: wrapped.epoch, recipient: wrapped.recipient,
                 encapsulatedKey: wrapped.encapsulatedKey, ciphertext: wrapped.ciphertext, with: identity)
    }

    /// Opens the stored parts of a wrapped key (a vault re-opening a key it accepted earlier).
    public static func open(caseID: CaseID, epoch: UInt32, recipient: DeviceID, encapsulatedKey: Data, ciphertext: Data,
                            with identity: DeviceIdentity) throws(CasebookError) -> CaseKey {
        guard recipient == identity.deviceID else {
            throw CasebookError(.notAuthorised, "that key of case \(caseID) was wrapped for another device")
        }
        do {
            var hpke = try HPKE.Recipient(privateKey: identity.agreementKey, ciphersuite: suite,
                                          info: info(caseID: caseID, epoch: epoch, recipient: recipient),
                                          encapsulatedKey: encapsulatedKey)
            let raw = try hpke.open(ciphertext)
            guard raw.count == 32 else { throw CasebookError(.tampered, "a wrapped case key has the wrong length") }
            return CaseKey(caseID: caseID, epoch: epoch, key: SymmetricKey(data: raw))
        } catch let error as CasebookError {
            throw error
        } catch {
            throw CasebookError(.tampered, "a wrapped key of case \(caseID) failed to open (tampered or not for this device)")
        }
    }
}

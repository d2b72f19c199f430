public import CasebookModels
import Crypto
public import Foundation

/// A case key wrapped for one recipient device with HPKE (X25519, HKDF-SHA256, AES-256-GCM).
/// Stored on replicas and on the server; useless without the recipient's private key.
public struct WrappedCaseKey: Hashable, Codable, Sendable {
    public var caseID: CaseID
    public var epoch: UInt32
    public var recipient: DeviceID
    public var encapsulatedKey: Data
    public var ciphertext: Data

    public init(caseID: CaseID, epoch: UInt32, recipient: DeviceID, encapsulatedKey: Data, ciphertext: Data) {
        self.caseID = caseID
        self.epoch = epoch
        self.recipient = recipient
        self.encapsulatedKey = encapsulatedKey
        self.ciphertext = ciphertext
    }
}

public enum KeyWrap {
    static let suite = HPKE.Ciphersuite(kem: .Curve25519_HKDF_SHA256, kdf: .HKDF_SHA256, aead: .AES_GCM_256)

    /// HPKE `info` binds the wrapped key to its case, epoch and recipient: a wrapped key moved to
    /// another case or device fails to open.
    static func info(caseID: CaseID, epoch: UInt32, recipient: DeviceID) -> Data {
        Data("casebook/case-key/v1|\(caseID.rawValue)|\(epoch)|\(recipient.rawValue)".utf8)
    }

    public static func wrap(_ key: CaseKey, for recipient: DevicePublicKeys) throws(CasebookError) -> WrappedCaseKey {
        do {
            var sender = try HPKE.Sender(recipientKey: try recipient.agreementKey(), ciphersuite: suite,
                                         info: info(caseID: key.caseID, epoch: key.epoch, recipient: recipient.deviceID))
            let ciphertext = try sender.seal(key.rawBytes)
            return WrappedCaseKey(caseID: key.caseID, epoch: key.epoch, recipient: recipient.deviceID,
                                  encapsulatedKey: sender.encapsulatedKey, ciphertext: ciphertext)
        } catch let error as CasebookError {
            throw error
        } catch {
            throw CasebookError(.crypto, "could not wrap the key of case \(key.caseID) for device \(recipient.deviceID)")
        }
    }

    public static func unwrap(_ wrapped: WrappedCaseKey, with identity: DeviceIdentity) throws(CasebookError) -> CaseKey {
        guard wrapped.recipient == identity.deviceID else {
            throw CasebookError(.notAuthorised, "that key of case \(wrapped.caseID) was wrapped for another device")
        }
        do {
            var recipient = try HPKE.Recipient(privateKey: identity.agreementKey, ciphersuite: suite,
                                               info: info(caseID: wrapped.caseID, epoch: wrapped.epoch, recipient: wrapped.recipient),
                                               encapsulatedKey: wrapped.encapsulatedKey)
            let raw = try recipient.open(wrapped.ciphertext)
            guard raw.count == 32 else { throw CasebookError(.tampered, "a wrapped case key has the wrong length") }
            return CaseKey(caseID: wrapped.caseID, epoch: wrapped.epoch, key: SymmetricKey(data: raw))
        } catch let error as CasebookError {
            throw error
        } catch {
            throw CasebookError(.tampered, "a wrapped key of case \(wrapped.caseID) failed to open (tampered or not for this device)")
        }
    }
}

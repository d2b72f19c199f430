public import CasebookModels
import Crypto
public import Foundation

/// The organisation recovery key's private half, read from the file written once at the first
/// administrator's enrolment (`RecoveryKeyPair.secretFileContents` in CasebookStorage). It opens
/// every case key wrapped for the pseudo-device `recovery`. Never printed, logged or `Codable`.
public struct RecoveryKey: Sendable {
    /// The recipient id every case key is wrapped for (`DeviceTrust.recoveryDevice`).
    public static let recipient = DeviceID(rawValue: "recovery")
    let privateKey: Curve25519.KeyAgreement.PrivateKey

    /// Parses the recovery key file: explanatory lines, then one base64 line holding the 32-byte
    /// X25519 private key. Bad input says so without echoing the file.
    public init(fileContents text: String) throws(CasebookError) {
        for line in text.split(whereSeparator: \.isNewline) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard trimmed.count == 44, let raw = Data(base64Encoded: trimmed), raw.count == 32,
                  let key = try? Curve25519.KeyAgreement.PrivateKey(rawRepresentation: raw) else { continue }
            privateKey = key
            return
        }
        throw CasebookError(.invalidInput, "the file is not a Casebook organisation recovery key (no 32-byte base64 key line)")
    }

    /// The public half, to compare with the organisation's registered recovery key.
    public var publicKey: Data { privateKey.publicKey.rawRepresentation }

    /// Opens a case key wrapped for the recovery recipient.
    public func unwrap(_ wrapped: WrappedCaseKey) throws(CasebookError) -> CaseKey {
        guard wrapped.recipient == Self.recipient else {
            throw CasebookError(.notAuthorised, "that key of case \(wrapped.caseID) was not wrapped for the recovery key")
        }
        do {
            var recipient = try HPKE.Recipient(privateKey: privateKey, ciphersuite: KeyWrap.suite,
                                               info: KeyWrap.info(caseID: wrapped.caseID, epoch: wrapped.epoch, recipient: wrapped.recipient),
                                               encapsulatedKey: wrapped.encapsulatedKey)
            let raw = try recipient.open(wrapped.ciphertext)
            guard raw.count == 32 else { throw CasebookError(.tampered, "a wrapped case key has the wrong length") }
            return CaseKey(caseID: wrapped.caseID, epoch: wrapped.epoch, key: SymmetricKey(data: raw))
        } catch let error as CasebookError {
            throw error
        } catch {
            throw CasebookError(.tampered, "a recovery copy of a key of case \(wrapped.caseID) failed to open (tampered, or another organisation's recovery key)")
        }
    }
}

extension RecoveryKey: CustomStringConvertible {
    public var description: String { "RecoveryKey(<secret>)" }
}


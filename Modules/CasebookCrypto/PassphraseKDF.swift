public import CasebookModels
public import Crypto
public import Foundation
import _CryptoExtras

/// scrypt parameters, stored (versioned) in the vault file beside the sealed identity.
///
/// A stolen laptop is attacked offline for ever, so parameters below OWASP's floor (N = 2^17,
/// r = 8, p = 1) are refused; so are absurd ones (a file crafted to make unlocking exhaust memory).
public struct KDFParameters: Hashable, Codable, Sendable {
    public var algorithm: String
    public var logN: Int
    public var r: Int
    public var p: Int
    public var salt: Data

    public static let floorLogN = 17
    public static let ceilingLogN = 22
    /// scrypt needs 128·r·N bytes (times p if the lanes run at once): a tampered header must not
    /// make unlocking allocate more than 1 GiB or run for minutes (ADR 0018).
    public static let maximumMemoryBytes = 1 << 30

    /// The memory scrypt needs with these parameters, p lanes at once.
    public var memoryBytes: Int { 128 * r * (1 << min(max(logN, 0), 40)) * p }

    public init(algorithm: String = "scrypt", logN: Int = 17, r: Int = 8, p: Int = 1, salt: Data) {
        self.algorithm = algorithm
        self.logN = logN
        self.r = r
        self.p = p
        self.salt = salt
    }

    /// Fresh parameters with a random 16-byte salt.
    public static func standard() -> KDFParameters {
        KDFParameters(salt: SymmetricKey(size: .bits128).withUnsafeBytes { Data($0) })
    }

    public func validate() throws(CasebookError) {
        guard algorithm == "scrypt" else { throw CasebookError(.vaultCorrupt, "the vault names an unknown key-derivation function") }
        guard (Self.floorLogN...Self.ceilingLogN).contains(logN), (8...32).contains(r), (1...4).contains(p),
              (16...64).contains(salt.count) else {
            throw CasebookError(.vaultCorrupt,
                "the vault's key-derivation parameters are outside the accepted range (N 2^\(Self.floorLogN)…2^\(Self.ceilingLogN), r 8…32, p 1…4)")
        }
        guard memoryBytes <= Self.maximumMemoryBytes else {
            throw CasebookError(.vaultCorrupt,
                "the vault's key-derivation parameters would need \(memoryBytes >> 20) MiB, more than the 1 GiB accepted; the file may have been tampered with")
        }
    }

    /// Bytes bound into the sealed identity's associated data so parameters cannot be swapped.
    var bindingBytes: Data { Data("scrypt|\(logN)|\(r)|\(p)|".utf8) + salt }
}

public enum PassphraseKDF {
    public static func deriveKey(passphrase: String, parameters: KDFParameters) throws(CasebookError) -> SymmetricKey {
        try parameters.validate()
        do {
            let memory = 128 * parameters.r * (1 << parameters.logN) * parameters.p + 16 * 1024 * 1024
            return try KDF.Scrypt.deriveKey(from: Data(passphrase.utf8), salt: parameters.salt, outputByteCount: 32,
                                            rounds: 1 << parameters.logN, blockSize: parameters.r,
                                            parallelism: parameters.p, maxMemory: memory)
        } catch {
            throw CasebookError(.crypto, "key derivation failed")
        }
    }
}

/// The device identity sealed under a key (passphrase-derived, or an unlock-session key).
public struct SealedIdentity: Hashable, Codable, Sendable {
    public var deviceID: DeviceID
    public var person: PersonID
    /// AES-GCM combined form.
    public var ciphertext: Data

    public init(deviceID: DeviceID, person: PersonID, ciphertext: Data) {
        self.deviceID = deviceID
        self.person = person
        self.ciphertext = ciphertext
    }

    public static func seal(_ identity: DeviceIdentity, key: SymmetricKey, context: Data) throws(CasebookError) -> SealedIdentity {
        do {
            let box = try AES.GCM.seal(identity.secretBytes, using: key,
                                       authenticating: binding(identity.deviceID, identity.person, context))
            guard let combined = box.combined else { throw CasebookError(.crypto, "sealing produced no output") }
            return SealedIdentity(deviceID: identity.deviceID, person: identity.person, ciphertext: combined)
        } catch let error as CasebookError {
            throw error
        } catch {
            throw CasebookError(.crypto, "the device identity could not be sealed")
        }
    }

    /// Opens with the given key. A wrong passphrase and a tampered file look the same here:
    /// both fail authentication, and the message says so.
    public func open(key: SymmetricKey, context: Data, failure: CasebookError) throws(CasebookError) -> DeviceIdentity {
        let secret: Data
        do {
            let box = try AES.GCM.SealedBox(combined: ciphertext)
            secret = try AES.GCM.open(box, using: key, authenticating: Self.binding(deviceID, person, context))
        } catch {
            throw failure
        }
        return try DeviceIdentity(deviceID: deviceID, person: person, secretBytes: secret)
    }

    static func binding(_ device: DeviceID, _ person: PersonID, _ context: Data) -> Data {
        Data("casebook/identity/v1|\(device.rawValue)|\(person.rawValue)|".utf8) + context
    }

    /// Context for the passphrase-sealed copy: binds the KDF parameters.
    public static func passphraseContext(_ parameters: KDFParameters) -> Data { parameters.bindingBytes }
}

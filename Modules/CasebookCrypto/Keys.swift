public import CasebookModels
public import Crypto
public import Foundation

/// A case's symmetric key for one epoch. Revoking a reader starts a new epoch with a new key.
///
/// Invariant: key material is never `Codable`, printed or logged.
public struct CaseKey: Sendable {
    public let caseID: CaseID
    public let epoch: UInt32
    let key: SymmetricKey

    public init(caseID: CaseID, epoch: UInt32, key: SymmetricKey) {
        self.caseID = caseID
        self.epoch = epoch
        self.key = key
    }

    public static func generate(caseID: CaseID, epoch: UInt32) -> CaseKey {
        CaseKey(caseID: caseID, epoch: epoch, key: SymmetricKey(size: .bits256))
    }

    /// Raw key bytes, only for wrapping.
    var rawBytes: Data { key.withUnsafeBytes { Data($0) } }
}

extension CaseKey: CustomStringConvertible {
    public var description: String { "CaseKey(\(caseID), epoch \(epoch), <secret>)" }
}

/// A device's public keys: Ed25519 for signing revisions, X25519 for receiving wrapped case keys.
public struct DevicePublicKeys: Hashable, Codable, Sendable {
    public var deviceID: DeviceID
    public var person: PersonID
    public var signing: Data
    public var agreement: Data

    public init(deviceID: DeviceID, person: PersonID, signing: Data, agreement: Data) {
        self.deviceID = deviceID
        self.person = person
        self.signing = signing
        self.agreement = agreement
    }

    public func signingKey() throws(CasebookError) -> Curve25519.Signing.PublicKey {
        do { return try Curve25519.Signing.PublicKey(rawRepresentation: signing) } catch {
            throw CasebookError(.crypto, "device \(deviceID) has a malformed signing key")
        }
    }

    public func agreementKey() throws(CasebookError) -> Curve25519.KeyAgreement.PublicKey {
        do { return try Curve25519.KeyAgreement.PublicKey(rawRepresentation: agreement) } catch {
            throw CasebookError(.crypto, "device \(deviceID) has a malformed agreement key")
        }
    }

    /// The bytes an administrator signs to vouch for these keys.
    public var certificationBytes: Data { SignedStatement.deviceKeys(self) }
}

/// A device's private identity. Lives only in memory once unlocked, and sealed in the vault file.
public struct DeviceIdentity: Sendable {
    public let deviceID: DeviceID
    public let person: PersonID
    let signingKey: Curve25519.Signing.PrivateKey
    let agreementKey: Curve25519.KeyAgreement.PrivateKey
    /// A key for the local audit chain's MAC, derived from the device's secret so that only the
    /// holder of the passphrase can extend or rewrite the chain. Derived once here: every audited
    /// write uses it, and an HKDF per audit row was a fifth of the audit cost (ADR 0031).
    public let auditKey: SymmetricKey

    public static func generate(person: PersonID) -> DeviceIdentity {
        DeviceIdentity(deviceID: .random(), person: person, signingKey: .init(), agreementKey: .init())
    }

    init(deviceID: DeviceID, person: PersonID, signingKey: Curve25519.Signing.PrivateKey,
         agreementKey: Curve25519.KeyAgreement.PrivateKey) {
        self.deviceID = deviceID
        self.person = person
        self.signingKey = signingKey
        self.agreementKey = agreementKey
        self.auditKey = HKDF<SHA256>.deriveKey(inputKeyMaterial: SymmetricKey(data: signingKey.rawRepresentation),
                                               info: Data("casebook/audit-chain/v1".utf8), outputByteCount: 32)
    }

    public var publicKeys: DevicePublicKeys {
        DevicePublicKeys(deviceID: deviceID, person: person, signing: signingKey.publicKey.rawRepresentation,
                         agreement: agreementKey.publicKey.rawRepresentation)
    }

    public func sign(_ data: Data) throws(CasebookError) -> Data {
        do { return try signingKey.signature(for: data) } catch { throw CasebookError(.crypto, "signing failed") }
    }

    /// Secret bytes for sealing into the vault file (signing seed ‖ agreement scalar).
    var secretBytes: Data { signingKey.rawRepresentation + agreementKey.rawRepresentation }

    init(deviceID: DeviceID, person: PersonID, secretBytes: Data) throws(CasebookError) {
        guard secretBytes.count == 64 else { throw CasebookError(.vaultCorrupt, "the device identity has the wrong length") }
        do {
            self.init(deviceID: deviceID, person: person,
                      signingKey: try .init(rawRepresentation: secretBytes.prefix(32)),
                      agreementKey: try .init(rawRepresentation: secretBytes.suffix(32)))
        } catch { throw CasebookError(.vaultCorrupt, "the device identity is malformed") }
    }
}

extension DeviceIdentity: CustomStringConvertible {
    public var description: String { "DeviceIdentity(\(deviceID), <secret>)" }
}

extension SymmetricKey {
    /// 256 random bits rendered in base64url for a session token (never logged).
    public static func randomToken() -> String {
        SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }.base64URLEncodedString()
    }
}

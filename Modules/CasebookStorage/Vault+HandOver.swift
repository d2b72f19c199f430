public import CasebookCrypto
public import CasebookModels
public import Foundation
import Crypto

/// The unlocked identity as the unlock agent holds it in memory (ADR 0018, replacing ADR 0004's
/// sealed copies in the vault file): the device identity sealed under a one-off random 256-bit
/// key, together with that key. Nothing of it is ever written to the vault file, the environment
/// or the terminal; when the agent exits (`casebook lock` or expiry) it is gone.
public struct IdentityHandOver: Sendable, CustomStringConvertible {
    public let ciphertext: Data
    public let key: Data

    public init(ciphertext: Data, key: Data) {
        self.ciphertext = ciphertext
        self.key = key
    }

    public var description: String { "IdentityHandOver(<redacted>)" }

    static let context = Data("casebook/unlock-agent/v1".utf8)
}

extension Vault {
    /// Seals this vault's identity for the unlock agent (and audits the unlock).
    public func handOver() throws(CasebookError) -> IdentityHandOver {
        let key = SymmetricKey(size: .bits256)
        let sealed = try SealedIdentity.seal(identity, key: key, context: IdentityHandOver.context)
        try audit(.unlock)
        return IdentityHandOver(ciphertext: sealed.ciphertext, key: key.withUnsafeBytes { Data($0) })
    }

    /// Opens an identity handed over by the unlock agent; it must be this vault's.
    static func open(_ handOver: IdentityHandOver, sealed: SealedIdentity) throws(CasebookError) -> DeviceIdentity {
        guard handOver.key.count == 32 else {
            throw CasebookError(.sessionExpired, "the unlock agent's answer is malformed", hint: .unlockAgain)
        }
        let copy = SealedIdentity(deviceID: sealed.deviceID, person: sealed.person, ciphertext: handOver.ciphertext)
        return try copy.open(key: SymmetricKey(data: handOver.key), context: IdentityHandOver.context,
                             failure: CasebookError(.sessionExpired, "the unlock agent holds another vault's identity", hint: .unlockAgain))
    }
}

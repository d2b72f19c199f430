// ExportSigningKey: the organisation's Ed25519 export key, kept as a PKCS#8 PEM file (0600).

public import Crypto
import _CryptoExtras
public import Foundation

/// The organisation's export signing key. Never `Codable`, never printed (`description` is redacted).
/// Stored as PKCS#8 PEM, the form `openssl genpkey -algorithm ed25519` writes.
public struct ExportSigningKey: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public let privateKey: Curve25519.Signing.PrivateKey

    public init(_ key: Curve25519.Signing.PrivateKey) {
        self.privateKey = key
    }

    /// A new random key.
    public static func generate() -> ExportSigningKey {
        ExportSigningKey(Curve25519.Signing.PrivateKey())
    }

    /// Reads a PKCS#8 PEM Ed25519 private key.
    public init(pem: String) throws(ExportError) {
        do {
            self.privateKey = try Curve25519.Signing.PrivateKey(pemRepresentation: pem)
        } catch {
            throw ExportError(.malformedKey, "the export key is not an Ed25519 PKCS#8 PEM private key")
        }
    }

    /// Reads the key file at `url`.
    public init(contentsOf url: URL) throws(ExportError) {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw ExportError(.ioFailure, path: url.lastPathComponent, "cannot read the export key file")
        }
        try self.init(pem: String(decoding: data, as: UTF8.self))
    }

    /// Writes the private key as PKCS#8 PEM, atomically, mode 0600. Refuses to replace an existing file.
    public func write(to url: URL) throws(ExportError) {
        if FileManager.default.fileExists(atPath: url.path) {
            throw ExportError(.ioFailure, path: url.lastPathComponent, "refusing to overwrite an existing key file")
        }
        try AtomicFile.write(Data((privateKey.pemRepresentation + "\n").utf8), to: url, replacing: false)
    }

    public var publicKeyPEM: String { BundleSigning.pem(privateKey.publicKey) }
    public var fingerprint: String { BundleSigning.fingerprint(privateKey.publicKey) }
    public var writer: BundleWriter { BundleWriter(signingKey: privateKey) }

    public var description: String { "ExportSigningKey(public \(fingerprint.prefix(16))…, private <redacted>)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}

extension BundleVerifier {
    /// A verifier that only trusts the export key in `pem` (SubjectPublicKeyInfo PEM).
    public init(limits: BundleLimits = .standard, trustedKeyPEM pem: String) throws(ExportError) {
        self.init(limits: limits, trustedKey: try BundleSigning.publicKey(pem: pem))
    }
}

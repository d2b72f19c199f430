// BundleSigning: hashing files, signing the manifest, and the export key as PEM.

public import Crypto
import _CryptoExtras
public import Foundation

/// SHA-256 and Ed25519 helpers for bundles, all on swift-crypto.
public enum BundleSigning {
    /// Lower-case hex SHA-256 of `data`.
    public static func sha256Hex(_ data: Data) -> String {
        hex(SHA256.hash(data: data))
    }

    /// The raw 64-byte Ed25519 signature over the exact manifest bytes (what `manifest.sig` holds).
    public static func sign(manifest: Data, with key: Curve25519.Signing.PrivateKey) throws -> Data {
        try key.signature(for: manifest)
    }

    /// True when `signature` is a valid Ed25519 signature over `manifest` by `key`.
    public static func isValid(signature: Data, manifest: Data, key: Curve25519.Signing.PublicKey) -> Bool {
        signature.count == 64 && key.isValidSignature(signature, for: manifest)
    }

    /// The public key as SubjectPublicKeyInfo PEM (RFC 8410), as `openssl pkey -pubin` reads it.
    public static func pem(_ key: Curve25519.Signing.PublicKey) -> String {
        key.pemRepresentation + "\n"
    }

    /// Parses an SPKI PEM holding an Ed25519 public key.
    public static func publicKey(pem: String) throws(ExportError) -> Curve25519.Signing.PublicKey {
        do {
            return try Curve25519.Signing.PublicKey(pemRepresentation: pem)
        } catch {
            throw ExportError(.malformedKey, path: BundleLayout.publicKey, "not an Ed25519 SubjectPublicKeyInfo PEM")
        }
    }

    /// Lower-case hex SHA-256 of the key's SubjectPublicKeyInfo DER: the fingerprint the organisation
    /// publishes so that a recipient can check `export-key.pem` is really its key
    /// (`openssl pkey -pubin -in export-key.pem -outform DER | sha256sum`).
    public static func fingerprint(_ key: Curve25519.Signing.PublicKey) -> String {
        sha256Hex(key.derRepresentation)
    }

    static func hex<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(64)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

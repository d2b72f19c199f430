public import Crypto
public import Foundation

/// The secret of a one-time enrolment code (ADR 0015). Two unrelated values are derived from it
/// with HKDF-SHA256 under distinct labels:
///
/// - `serverAuth`: sent to the server in `POST /v1/enrol`, which stores only its SHA-256. It lets
///   the server tell that an enrolment uses a code an administrator issued, and nothing more.
/// - the proof key: keys the enrolment proof (HMAC-SHA256 over the enrolling device's keys). It
///   never leaves the invitee's and the administrator's machines, so a server that saw
///   `serverAuth` cannot make a proof for a device of its own.
public struct EnrolmentSecret: Sendable, Hashable {
    /// Every code a person types starts with this version prefix (never with `-`).
    public static let codePrefix = "cb1."
    static let byteCount = 32
    static let salt = Data("casebook/enrolment/v1".utf8)

    /// The 256 random bits.
    let bytes: Data

    public static func generate() -> EnrolmentSecret {
        EnrolmentSecret(bytes: SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) })
    }

    init(bytes: Data) { self.bytes = bytes }

    /// Parses the base64url text of the secret (exactly 256 bits).
    public init?(encoded text: String) {
        guard let data = Data(base64URLEncoded: text), data.count == Self.byteCount, data.base64URLEncodedString() == text else {
            return nil
        }
        bytes = data
    }

    /// The secret as it appears inside a code (base64url, 43 characters).
    public var encoded: String { bytes.base64URLEncodedString() }

    /// What `casebook-server init` prints for the first administrator: `cb1.SECRET`.
    public var bootstrapCode: String { Self.codePrefix + encoded }

    /// The value the server sees (base64url of 32 bytes derived under the server-auth label).
    public var serverAuth: String { derive("casebook/enrolment/server-auth/v1").withUnsafeBytes { Data($0) }.base64URLEncodedString() }

    /// The server-auth value of a printed code (`cb1.SECRET` or `cb1.PERSON.SECRET.…`), for
    /// clients that speak the wire protocol directly (tests, benchmarks); nil if it is not a cb1 code.
    public static func serverAuth(ofCode code: String) -> String? {
        guard code.hasPrefix(codePrefix) else { return nil }
        let parts = code.dropFirst(codePrefix.count).split(separator: ".", omittingEmptySubsequences: false)
        let secret = parts.count == 1 ? parts[0] : parts.count >= 3 ? parts[1] : nil
        return secret.flatMap { EnrolmentSecret(encoded: String($0)) }?.serverAuth
    }

    /// What the server stores and looks enrolments up by: SHA-256 of `serverAuth`.
    public var serverAuthHash: Data { Self.hash(serverAuth: serverAuth) }

    /// SHA-256 of a presented `serverAuth` (the server's side of the lookup).
    public static func hash(serverAuth: String) -> Data { Data(SHA256.hash(data: Data(serverAuth.utf8))) }

    /// The key of the enrolment proof; never sent anywhere.
    var proofKey: SymmetricKey { derive("casebook/enrolment/proof-key/v1") }

    /// HMAC-SHA256 under the proof key.
    public func proof(over message: Data) -> Data {
        Data(HMAC<SHA256>.authenticationCode(for: message, using: proofKey))
    }

    /// Constant-time check of a proof made with `proof(over:)`.
    public func verifyProof(_ proof: Data, over message: Data) -> Bool {
        HMAC<SHA256>.isValidAuthenticationCode(proof, authenticating: message, using: proofKey)
    }

    private func derive(_ label: String) -> SymmetricKey {
        HKDF<SHA256>.deriveKey(inputKeyMaterial: SymmetricKey(data: bytes), salt: Self.salt, info: Data(label.utf8), outputByteCount: 32)
    }
}

/// A short, human-comparable fingerprint of a device's public keys, read aloud or compared on
/// screen between the invitee (`casebook enrol` prints it) and the administrator (`casebook device
/// list`, `casebook sync`) before a device is vouched for: 80 bits of SHA-256 in five groups.
public enum DeviceFingerprint {
    public static func of(_ keys: DevicePublicKeys) -> String {
        let digest = Array(SHA256.hash(data: Data("casebook/device-fingerprint/v1|".utf8) + keys.certificationBytes)).prefix(10)
        let hex = digest.map { String(format: "%02x", $0) }.joined()
        return stride(from: 0, to: hex.count, by: 4).map { start -> String in
            let from = hex.index(hex.startIndex, offsetBy: start)
            return String(hex[from..<hex.index(from, offsetBy: 4)])
        }.joined(separator: "-")
    }

    /// Normalises what a person typed (case, spaces, dashes) for comparison.
    public static func normalised(_ text: String) -> String {
        text.lowercased().filter { $0.isHexDigit }
    }
}

// WinZipAES: the WinZip AE-2 cryptography (key derivation, CTR keystream, authentication code)
// composed from swift-crypto primitives. The container framing is in WinZipAESWriter / WinZipAESReader.

import Crypto
import _CryptoExtras
import Foundation

/// WinZip AES-256 (AE-2) as specified at winzip.com/en/support/aes-encryption:
/// - keys: PBKDF2-HMAC-SHA1(password, salt (16 bytes for AES-256), 1000 rounds) gives
///   32 bytes of AES key, 32 bytes of HMAC key and a 2-byte password verifier;
/// - encryption: AES-256 in CTR mode whose 16-byte counter is little-endian and starts at 1;
/// - authentication: HMAC-SHA1 over the ciphertext, truncated to 10 bytes.
struct WinZipAES {
    static let saltLength = 16
    static let verifierLength = 2
    static let macLength = 10
    static let keyLength = 32
    static let rounds = 1000
    /// The value of the "AES strength" byte of the 0x9901 extra field for AES-256.
    static let strength: UInt8 = 3

    let encryptionKey: SymmetricKey
    let macKey: SymmetricKey
    let verifier: [UInt8]

    init(password: BundlePassword, salt: [UInt8]) throws {
        // 1000 rounds is what the format fixes; swift-crypto asks for the "unchecked" entry point below 210,000.
        let derived = try KDF.Insecure.PBKDF2.deriveKey(
            from: password.bytes, salt: salt, using: .insecureSHA1,
            outputByteCount: 2 * Self.keyLength + Self.verifierLength, unsafeUncheckedRounds: Self.rounds)
        let bytes = derived.withUnsafeBytes { Array($0) }
        self.encryptionKey = SymmetricKey(data: bytes[0..<Self.keyLength])
        self.macKey = SymmetricKey(data: bytes[Self.keyLength..<(2 * Self.keyLength)])
        self.verifier = Array(bytes[(2 * Self.keyLength)...])
    }

    /// XORs `data` with the AES-CTR keystream (counter little-endian, first block 1). Encrypts and decrypts.
    func applyKeystream(_ data: inout [UInt8]) throws {
        var counter = [UInt8](repeating: 0, count: 16)
        var block = [UInt8](repeating: 0, count: 16)
        var offset = 0
        while offset < data.count {
            Self.increment(&counter)
            for i in 0..<16 { block[i] = counter[i] }
            try AES.permute(&block, key: encryptionKey)
            let end = min(offset + 16, data.count)
            for i in offset..<end { data[i] ^= block[i - offset] }
            offset = end
        }
    }

    /// The first 10 bytes of HMAC-SHA1(macKey, ciphertext).
    func authenticationCode(_ ciphertext: [UInt8]) -> [UInt8] {
        Array(HMAC<Insecure.SHA1>.authenticationCode(for: ciphertext, using: macKey).prefix(Self.macLength))
    }

    static func increment(_ counter: inout [UInt8]) {
        for i in 0..<counter.count {
            counter[i] &+= 1
            if counter[i] != 0 { return }
        }
    }

    static func randomSalt() -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<saltLength).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }
}

/// Constant-time comparison of authentication codes.
func constantTimeEqual(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
    guard lhs.count == rhs.count else { return false }
    var difference: UInt8 = 0
    for i in 0..<lhs.count { difference |= lhs[i] ^ rhs[i] }
    return difference == 0
}

public import CasebookModels
import Crypto
public import Foundation

/// A revision as stored and synced: clear canonical header, AES-256-GCM ciphertext of the body
/// (the header as associated data), and the author device's Ed25519 signature.
///
/// `id` is the content address: SHA-256 over the header and ciphertext, so a retried push of the
/// same revision is the same row, and any change to header or ciphertext changes the id.
public struct SealedRevision: Hashable, Sendable {
    public let id: RevisionID
    public let header: RevisionHeader
    public let headerBytes: Data
    /// AES-GCM combined form: 12-byte random nonce ‖ ciphertext ‖ 16-byte tag.
    public let ciphertext: Data
    /// Ed25519 signature by the author device over the 32-byte content digest.
    public let signature: Data

    /// Rebuilds a sealed revision from stored or received parts, checking structure and content
    /// address (not the signature or decryption, which need keys: see `RevisionSealer.open`).
    public init(headerBytes: Data, ciphertext: Data, signature: Data, claimedID: RevisionID? = nil) throws(CasebookError) {
        let header = try RevisionHeader(canonicalBytes: headerBytes)
        guard signature.count == 64 else { throw CasebookError(.tampered, "a revision signature is malformed") }
        guard ciphertext.count >= 28 else { throw CasebookError(.tampered, "a revision ciphertext is truncated") }
        let id = Self.contentAddress(headerBytes: headerBytes, ciphertext: ciphertext)
        if let claimedID, claimedID != id {
            throw CasebookError(.tampered, "revision \(claimedID.rawValue.prefix(12)) does not match its content")
        }
        self.id = id
        self.header = header
        self.headerBytes = headerBytes
        self.ciphertext = ciphertext
        self.signature = signature
    }

    public static func contentDigest(headerBytes: Data, ciphertext: Data) -> Data {
        var hasher = SHA256()
        var length = Data()
        length.appendBigEndian(UInt32(headerBytes.count))
        hasher.update(data: Data("casebook/revision/v1".utf8))
        hasher.update(data: length)
        hasher.update(data: headerBytes)
        hasher.update(data: ciphertext)
        return Data(hasher.finalize())
    }

    public static func contentAddress(headerBytes: Data, ciphertext: Data) -> RevisionID {
        RevisionID(rawValue: contentDigest(headerBytes: headerBytes, ciphertext: ciphertext).hexString)
    }
}

extension SealedRevision: CustomStringConvertible {
    public var description: String { "SealedRevision(\(id.rawValue.prefix(12)), \(header.recordType.rawValue), case \(header.caseID))" }
}

/// Seals and opens revisions.
public enum RevisionSealer {
    private static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        return e
    }()

    public static func seal(header: RevisionHeader, body: RevisionBody, key: CaseKey, author: DeviceIdentity)
        throws(CasebookError) -> SealedRevision {
        guard key.caseID == header.caseID, key.epoch == header.keyEpoch else {
            throw CasebookError(.crypto, "the case key does not match the revision's case or epoch")
        }
        guard author.deviceID == header.authorDevice else {
            throw CasebookError(.crypto, "the signing device does not match the revision's author")
        }
        let headerBytes = header.canonicalBytes
        do {
            let plaintext = try encoder.encode(body)
            let box = try AES.GCM.seal(plaintext, using: key.key, nonce: AES.GCM.Nonce(), authenticating: headerBytes)
            guard let combined = box.combined else { throw CasebookError(.crypto, "encryption produced no output") }
            let digest = SealedRevision.contentDigest(headerBytes: headerBytes, ciphertext: combined)
            let signature = try author.sign(digest)
            return try SealedRevision(headerBytes: headerBytes, ciphertext: combined, signature: signature)
        } catch let error as CasebookError {
            throw error
        } catch {
            throw CasebookError(.crypto, "a revision could not be sealed")
        }
    }

    /// Verifies the author's signature over the content address.
    public static func verifySignature(_ sealed: SealedRevision, author: DevicePublicKeys) throws(CasebookError) {
        guard author.deviceID == sealed.header.authorDevice else {
            throw CasebookError(.tampered, "revision \(sealed.id.rawValue.prefix(12)) names another author device")
        }
        let digest = SealedRevision.contentDigest(headerBytes: sealed.headerBytes, ciphertext: sealed.ciphertext)
        guard try author.signingKey().isValidSignature(sealed.signature, for: digest) else {
            throw CasebookError(.tampered, "revision \(sealed.id.rawValue.prefix(12)) has an invalid signature")
        }
    }

    /// Decrypts without checking the signature (for revisions already verified on arrival).
    public static func decrypt(_ sealed: SealedRevision, key: CaseKey) throws(CasebookError) -> Revision {
        guard key.caseID == sealed.header.caseID, key.epoch == sealed.header.keyEpoch else {
            throw CasebookError(.crypto, "no key for case \(sealed.header.caseID) epoch \(sealed.header.keyEpoch)")
        }
        let plaintext: Data
        do {
            let box = try AES.GCM.SealedBox(combined: sealed.ciphertext)
            plaintext = try AES.GCM.open(box, using: key.key, authenticating: sealed.headerBytes)
        } catch {
            throw CasebookError(.tampered, "revision \(sealed.id.rawValue.prefix(12)) failed authentication (tampered or wrong key)")
        }
        do {
            let body = try JSONDecoder().decode(RevisionBody.self, from: plaintext)
            return Revision(id: sealed.id, header: sealed.header, body: body)
        } catch {
            throw CasebookError(.vaultCorrupt, "revision \(sealed.id.rawValue.prefix(12)) has an unreadable body")
        }
    }

    /// Verifies then decrypts.
    public static func open(_ sealed: SealedRevision, key: CaseKey, author: DevicePublicKeys) throws(CasebookError) -> Revision {
        try verifySignature(sealed, author: author)
        return try decrypt(sealed, key: key)
    }
}

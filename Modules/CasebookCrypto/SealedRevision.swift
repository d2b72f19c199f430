public import CasebookModels
import Crypto
public import Foundation
import Synchronization

/// A revision as stored and synced: clear canonical header, AES-256-GCM ciphertext of the body
/// (the header as associated data), and the author device's Ed25519 signature.
///
/// `id` is the content address: SHA-256 over the header and ciphertext, so a retried push of the
/// same revision is the same row, and any change to header or ciphertext changes the id.
public struct SealedRevision: Hashable, Sendable {
    public let id: RevisionID
    /// The 32-byte content digest (`id` is its hex): what a signature or a batch leaf covers,
    /// computed once here from `headerBytes` and `ciphertext`.
    public let digest: Data
    public let header: RevisionHeader
    public let headerBytes: Data
    /// AES-GCM combined form: 12-byte random nonce ‖ ciphertext ‖ 16-byte tag.
    public let ciphertext: Data
    /// How the author vouched for it (stored and sent as is): an Ed25519 signature over the
    /// 32-byte content digest, or a batch inclusion proof with a signature over the batch root.
    public let signature: Data
    /// `signature`, parsed.
    public let seal: RevisionSeal

    /// Rebuilds a sealed revision from stored or received parts, checking structure and content
    /// address (not the signature or decryption, which need keys: see `RevisionSealer.open`).
    public init(headerBytes: Data, ciphertext: Data, signature: Data, claimedID: RevisionID? = nil) throws(CasebookError) {
        let header = try RevisionHeader(canonicalBytes: headerBytes)
        let seal = try RevisionSeal(bytes: signature)
        guard ciphertext.count >= 28 else { throw CasebookError(.tampered, "a revision ciphertext is truncated") }
        let digest = Self.contentDigest(headerBytes: headerBytes, ciphertext: ciphertext)
        let id = RevisionID(rawValue: digest.hexString)
        if let claimedID, claimedID != id {
            throw CasebookError(.tampered, "revision \(claimedID.rawValue.prefix(12)) does not match its content")
        }
        self.id = id
        self.digest = digest
        self.header = header
        self.headerBytes = headerBytes
        self.ciphertext = ciphertext
        self.signature = signature
        self.seal = seal
    }

    /// The same revision vouched for by another seal (its content and id are unchanged).
    public func resealed(_ seal: RevisionSeal) -> SealedRevision {
        SealedRevision(id: id, digest: digest, header: header, headerBytes: headerBytes, ciphertext: ciphertext, seal: seal)
    }

    private init(id: RevisionID, digest: Data, header: RevisionHeader, headerBytes: Data, ciphertext: Data, seal: RevisionSeal) {
        self.id = id
        self.digest = digest
        self.header = header
        self.headerBytes = headerBytes
        self.ciphertext = ciphertext
        self.signature = seal.bytes
        self.seal = seal
    }

    /// The format is `SignedStatement.revisionDigest`.
    public static func contentDigest(headerBytes: Data, ciphertext: Data) -> Data {
        SignedStatement.revisionDigest(headerBytes: headerBytes, ciphertext: ciphertext)
    }

    public static func contentAddress(headerBytes: Data, ciphertext: Data) -> RevisionID {
        RevisionID(rawValue: contentDigest(headerBytes: headerBytes, ciphertext: ciphertext).hexString)
    }
}

extension SealedRevision {
    /// Header plus ciphertext: what `RevisionLimits.maximumRevisionBytes` bounds.
    public var byteCount: Int { headerBytes.count + ciphertext.count }

    /// Refuses a revision over `RevisionLimits.maximumRevisionBytes` (ids only in the message).
    public func checkSize() throws(CasebookError) {
        guard byteCount <= RevisionLimits.maximumRevisionBytes else {
            throw CasebookError(.tooLarge, "revision \(id.rawValue.prefix(12)) holds \(byteCount / 1024) KiB, more than the "
                                + "\(RevisionLimits.maximumRevisionDescription) a revision may hold")
        }
    }
}

extension SealedRevision: CustomStringConvertible {
    public var description: String { "SealedRevision(\(id.rawValue.prefix(12)), \(header.recordType.rawValue), case \(header.caseID))" }
}

/// Seals and opens revisions.
public enum RevisionSealer {
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
            let plaintext = body.jsonBytes
            let box = try AES.GCM.seal(plaintext, using: key.key, nonce: AES.GCM.Nonce(), authenticating: headerBytes)
            guard let combined = box.combined else { throw CasebookError(.crypto, "encryption produced no output") }
            let digest = SealedRevision.contentDigest(headerBytes: headerBytes, ciphertext: combined)
            // The writing vault refuses an oversized revision before it is signed or stored.
            guard headerBytes.count + combined.count <= RevisionLimits.maximumRevisionBytes else {
                throw CasebookError(.tooLarge, "this record is larger than the \(RevisionLimits.maximumRevisionDescription) "
                                    + "a revision may hold; shorten it or split it into several records")
            }
            let signature = try author.sign(digest)
            return try SealedRevision(headerBytes: headerBytes, ciphertext: combined, signature: signature)
        } catch let error as CasebookError {
            throw error
        } catch {
            throw CasebookError(.crypto, "a revision could not be sealed")
        }
    }

    /// Verifies that the author vouched for exactly this content: its signature over the content
    /// digest, or (batch seal) the inclusion path up to a root the author signed. `roots` lets the
    /// threads checking one page or push verify each batch root's signature once.
    public static func verifySignature(_ sealed: SealedRevision, author: DevicePublicKeys,
                                       roots: VerifiedBatchRoots? = nil) throws(CasebookError) {
        guard author.deviceID == sealed.header.authorDevice else {
            throw CasebookError(.tampered, "revision \(sealed.id.rawValue.prefix(12)) names another author device")
        }
        let digest = sealed.digest
        switch sealed.seal {
        case .single(let signature):
            guard try author.signingKey().isValidSignature(signature, for: digest) else {
                throw CasebookError(.tampered, "revision \(sealed.id.rawValue.prefix(12)) has an invalid signature")
            }
        case .batch(let inclusion):
            guard let root = MerkleTree.root(leafDigest: digest, index: inclusion.index, count: inclusion.count, path: inclusion.path) else {
                throw CasebookError(.tampered, "revision \(sealed.id.rawValue.prefix(12)) has a malformed batch proof")
            }
            let key = VerifiedBatchRoots.Key(author: author.deviceID, signingKey: author.signing, root: root,
                                             count: inclusion.count, signature: inclusion.signature)
            if roots?.contains(key) == true { return }
            let signed = BatchRoot.signedBytes(author: author.deviceID, root: root, count: inclusion.count)
            guard try author.signingKey().isValidSignature(inclusion.signature, for: signed) else {
                throw CasebookError(.tampered, "revision \(sealed.id.rawValue.prefix(12)) has an invalid signature (its batch proof does not lead to a root its author signed)")
            }
            roots?.insert(key)
        }
    }

    /// Re-seals the revisions `author` wrote as signed batches: per case, in order, up to
    /// `RevisionSeal.maximumBatch` each; one Ed25519 signature per batch root instead of one per
    /// revision. A batch never spans cases, so a reader of one case learns nothing (not even a
    /// count or a hash) of the author's revisions in another, and erasing a case leaves no part of
    /// its proofs in other cases' rows. Revisions by other devices, and a batch of one, keep their
    /// seal. Ids and content are unchanged.
    ///
    /// Only revisions whose stored seal this device's key verifies are re-sealed: a row slipped
    /// into the vault file by someone without the passphrase keeps its bad signature, and the
    /// server refuses it, rather than being vouched for afresh.
    public static func sealBatches(_ revisions: [SealedRevision], author: DeviceIdentity) throws(CasebookError) -> [SealedRevision] {
        var out = revisions
        var byCase: [CaseID: [Int]] = [:]
        var order: [CaseID] = []
        let keys = author.publicKeys
        let mine = revisions.indices.filter { revisions[$0].header.authorDevice == author.deviceID }
        let genuine = Self.concurrentMap(mine) { index in (try? verifySignature(revisions[index], author: keys)) != nil }
        for (index, ok) in zip(mine, genuine) where ok {
            let caseID = revisions[index].header.caseID
            if byCase[caseID] == nil { order.append(caseID) }
            byCase[caseID, default: []].append(index)
        }
        for caseID in order {
            let own = byCase[caseID] ?? []
            var start = 0
            while start < own.count {
                let group = Array(own[start..<min(own.count, start + Int(RevisionSeal.maximumBatch))])
                start += group.count
                guard group.count > 1 else { continue }
                let digests = group.map { revisions[$0].digest }
                let tree = MerkleTree.build(digests)
                let count = UInt32(group.count)
                let signature = try author.sign(BatchRoot.signedBytes(author: author.deviceID, root: tree.root, count: count))
                for (leaf, index) in group.enumerated() {
                    out[index] = revisions[index].resealed(.batch(BatchInclusion(index: UInt32(leaf), count: count,
                                                                                 path: tree.paths[leaf], signature: signature)))
                }
            }
        }
        return out
    }

    /// `transform` over `items` on every core (order kept); small inputs stay on this thread.
    private static func concurrentMap<T: Sendable>(_ items: [Int], _ transform: @Sendable (Int) -> T) -> [T] {
        guard items.count > 64 else { return items.map(transform) }
        let slots = Mutex<[T?]>(Array(repeating: nil, count: items.count))
        let workers = max(1, ProcessInfo.processInfo.activeProcessorCount)
        let chunk = (items.count + workers - 1) / workers
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            let range = (w * chunk)..<min(items.count, (w + 1) * chunk)
            guard !range.isEmpty else { return }
            let results = range.map { transform(items[$0]) }
            slots.withLock { for (offset, value) in results.enumerated() { $0[range.lowerBound + offset] = value } }
        }
        return slots.withLock { $0.map { $0! } }
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
    public static func open(_ sealed: SealedRevision, key: CaseKey, author: DevicePublicKeys,
                            roots: VerifiedBatchRoots? = nil) throws(CasebookError) -> Revision {
        try verifySignature(sealed, author: author, roots: roots)
        return try decrypt(sealed, key: key)
    }
}

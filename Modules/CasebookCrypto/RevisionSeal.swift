public import CasebookModels
public import Foundation
import Synchronization

/// How a revision's author vouches for it: the bytes that travel and are stored as its
/// `signature`, outside the content address (ADR 0011).
///
/// - `single`: 64 bytes, the author device's Ed25519 signature over the revision's content digest.
/// - `batch`: the revision is one leaf of a Merkle tree over a batch its author pushed; the author
///   signed the tree's root once. Encoded as "CBP", version 1, leaf index (u32 BE), leaf count
///   (u32 BE), path length (u8), the path's 32-byte hashes leaf to root, then the 64-byte Ed25519
///   signature over `BatchRoot.signedBytes`. Never 64 bytes long, so the two forms cannot be confused.
public enum RevisionSeal: Hashable, Sendable {
    case single(signature: Data)
    case batch(BatchInclusion)

    /// Largest batch one root may cover: keeps paths short (at most 7 hashes) while one signature
    /// still serves 128 revisions.
    public static let maximumBatch: UInt32 = 128
    /// ⌈log2(maximumBatch)⌉: the longest audit path a batch can have.
    static let maximumPathLength: UInt8 = 7
    private static let magic: [UInt8] = Array("CBP".utf8)
    private static let version: UInt8 = 1

    /// Strictly parses stored or received seal bytes; anything else is `tampered`.
    public init(bytes: Data) throws(CasebookError) {
        if bytes.count == 64 { self = .single(signature: bytes); return }
        func fail(_ what: String) -> CasebookError { CasebookError(.tampered, "a revision signature is malformed (\(what))") }
        var reader = ByteReader(bytes)
        guard let magic = reader.read(3), Array(magic) == Self.magic else { throw fail("neither a signature nor a batch proof") }
        guard let version = reader.readInteger(UInt8.self), version == Self.version else { throw fail("batch proof version") }
        guard let index = reader.readInteger(UInt32.self), let count = reader.readInteger(UInt32.self),
              count >= 2, count <= Self.maximumBatch, index < count else { throw fail("batch position") }
        guard let length = reader.readInteger(UInt8.self), length <= Self.maximumPathLength else { throw fail("batch path") }
        var path: [Data] = []
        for _ in 0..<length {
            guard let hash = reader.read(32) else { throw fail("batch path") }
            path.append(Data(hash))
        }
        guard let signature = reader.read(64), reader.isAtEnd else { throw fail("batch signature") }
        self = .batch(BatchInclusion(index: index, count: count, path: path, signature: Data(signature)))
    }

    public var isSingle: Bool {
        if case .single = self { return true } else { return false }
    }

    public var bytes: Data {
        switch self {
        case .single(let signature): return signature
        case .batch(let inclusion):
            var data = Data(Self.magic)
            data.append(Self.version)
            data.appendBigEndian(inclusion.index)
            data.appendBigEndian(inclusion.count)
            data.append(UInt8(inclusion.path.count))
            for hash in inclusion.path { data.append(hash) }
            data.append(inclusion.signature)
            return data
        }
    }
}

/// A revision's place in a signed batch: leaf `index` of `count`, its audit path, and the
/// author's signature over the batch root.
public struct BatchInclusion: Hashable, Sendable {
    public let index: UInt32
    public let count: UInt32
    public let path: [Data]
    public let signature: Data

    public init(index: UInt32, count: UInt32, path: [Data], signature: Data) {
        self.index = index
        self.count = count
        self.path = path
        self.signature = signature
    }
}

/// What an author device signs to vouch for a batch.
public enum BatchRoot {
    /// The format is `SignedStatement.batchRoot`.
    public static func signedBytes(author: DeviceID, root: Data, count: UInt32) -> Data {
        SignedStatement.batchRoot(author: author, root: root, count: count)
    }
}

/// Batch roots whose signatures have been checked, shared by the threads verifying one page or
/// push, so each root costs one Ed25519 verification however many revisions it covers. Only
/// successes are remembered, keyed by everything the verification depended on.
public final class VerifiedBatchRoots: Sendable {
    struct Key: Hashable {
        let author: DeviceID
        let signingKey: Data
        let root: Data
        let count: UInt32
        let signature: Data
    }

    private let verified = Mutex<Set<Key>>([])

    public init() {}

    func contains(_ key: Key) -> Bool { verified.withLock { $0.contains(key) } }
    func insert(_ key: Key) { _ = verified.withLock { $0.insert(key) } }
    public var count: Int { verified.withLock { $0.count } }
}

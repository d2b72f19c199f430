import Crypto
public import Foundation

/// A Merkle tree over revision content digests, shaped and hashed as in RFC 9162 (Certificate
/// Transparency v2) §2.1: SHA-256, leaf hashes prefixed 0x00 and interior nodes 0x01 (so a leaf can
/// never pass for a node), the left subtree of `n` leaves holding the largest power of two below `n`.
///
/// One Ed25519 signature over the root vouches for every leaf (ADR 0011); each leaf carries its
/// audit path, which a receiver folds back up to the root.
public enum MerkleTree {
    /// Hash of one leaf: SHA-256(0x00 ‖ digest).
    public static func leafHash(_ digest: Data) -> Data {
        var hasher = SHA256()
        hasher.update(data: Data([0]))
        hasher.update(data: digest)
        return Data(hasher.finalize())
    }

    /// Hash of an interior node: SHA-256(0x01 ‖ left ‖ right).
    public static func nodeHash(_ left: Data, _ right: Data) -> Data {
        var hasher = SHA256()
        hasher.update(data: Data([1]))
        hasher.update(data: left)
        hasher.update(data: right)
        return Data(hasher.finalize())
    }

    /// The root over `digests` (at least one) and each leaf's audit path, leaf to root.
    public static func build(_ digests: [Data]) -> (root: Data, paths: [[Data]]) {
        precondition(!digests.isEmpty, "a Merkle tree needs at least one leaf")
        var paths = Array(repeating: [Data](), count: digests.count)
        let root = subtree(digests[...], paths: &paths)
        return (root, paths)
    }

    private static func subtree(_ leaves: ArraySlice<Data>, paths: inout [[Data]]) -> Data {
        if leaves.count == 1 { return leafHash(leaves[leaves.startIndex]) }
        var split = 1
        while split * 2 < leaves.count { split *= 2 }
        let middle = leaves.startIndex + split
        let left = subtree(leaves[leaves.startIndex..<middle], paths: &paths)
        let right = subtree(leaves[middle..<leaves.endIndex], paths: &paths)
        for i in leaves.startIndex..<middle { paths[i].append(right) }
        for i in middle..<leaves.endIndex { paths[i].append(left) }
        return nodeHash(left, right)
    }

    /// The root that leaf `index` of a tree of `count` leaves implies through `path`, or nil when
    /// the path cannot belong to such a tree (wrong length, index out of range).
    /// RFC 9162 §2.1.3.2, the verification of an inclusion proof.
    public static func root(leafDigest: Data, index: UInt32, count: UInt32, path: [Data]) -> Data? {
        guard index < count else { return nil }
        var fn = index, sn = count - 1
        var hash = leafHash(leafDigest)
        for sibling in path {
            guard sibling.count == 32, sn != 0 else { return nil }
            if fn & 1 == 1 || fn == sn {
                hash = nodeHash(sibling, hash)
                while fn & 1 == 0 && fn != 0 {
                    fn >>= 1
                    sn >>= 1
                }
            } else {
                hash = nodeHash(hash, sibling)
            }
            fn >>= 1
            sn >>= 1
        }
        return sn == 0 ? hash : nil
    }
}

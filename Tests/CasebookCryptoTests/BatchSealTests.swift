import CasebookCrypto
import CasebookModels
import CasebookTestSupport
import Crypto
import Foundation
import PropertyBased
import Testing

/// ADR 0011: one signature per pushed batch, each revision carrying its Merkle inclusion path.
@Suite struct MerkleTreeTests {
    static func digests(_ n: Int) -> [Data] {
        (0..<n).map { Data(SHA256.hash(data: Data("leaf \($0)".utf8))) }
    }

    @Test func shapeFollowsRFC9162() {
        let d = Self.digests(5)
        let l = d.map(MerkleTree.leafHash)
        #expect(MerkleTree.build(Array(d.prefix(1))).root == l[0])
        #expect(MerkleTree.build(Array(d.prefix(2))).root == MerkleTree.nodeHash(l[0], l[1]))
        #expect(MerkleTree.build(Array(d.prefix(3))).root == MerkleTree.nodeHash(MerkleTree.nodeHash(l[0], l[1]), l[2]))
        let four = MerkleTree.nodeHash(MerkleTree.nodeHash(l[0], l[1]), MerkleTree.nodeHash(l[2], l[3]))
        #expect(MerkleTree.build(d).root == MerkleTree.nodeHash(four, l[4]))
        // A leaf hash is never a node hash of the same bytes (domain separation).
        #expect(MerkleTree.leafHash(l[0] + l[1]) != MerkleTree.nodeHash(l[0], l[1]))
    }

    /// The Certificate Transparency reference vectors (RFC 6962's test data, reused by RFC 9162
    /// implementations): tree heads for 1 to 8 of these leaves, and two inclusion proofs.
    @Test func matchesTheCertificateTransparencyReferenceVectors() {
        func hex(_ text: String) -> Data {
            Data(stride(from: 0, to: text.count, by: 2).map { i in
                UInt8(text[text.index(text.startIndex, offsetBy: i)..<text.index(text.startIndex, offsetBy: i + 2)], radix: 16)!
            })
        }
        let leaves = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"].map(hex)
        let roots = ["6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
                     "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
                     "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
                     "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
                     "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
                     "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
                     "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
                     "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"].map(hex)
        for n in 1...8 { #expect(MerkleTree.build(Array(leaves.prefix(n))).root == roots[n - 1], "tree head of size \(n)") }
        let tree = MerkleTree.build(leaves)
        let proofs: [(index: Int, path: [String])] = [
            (0, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                 "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                 "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
            (5, ["bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                 "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                 "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
        ]
        for proof in proofs {
            #expect(tree.paths[proof.index] == proof.path.map(hex))
            #expect(MerkleTree.root(leafDigest: leaves[proof.index], index: UInt32(proof.index), count: 8, path: proof.path.map(hex)) == roots[7])
        }
    }

    @Test func everyLeafOfEverySizeLeadsToItsRoot() {
        for n in 1...130 {
            let d = Self.digests(n)
            let tree = MerkleTree.build(d)
            for i in 0..<n {
                #expect(MerkleTree.root(leafDigest: d[i], index: UInt32(i), count: UInt32(n), path: tree.paths[i]) == tree.root,
                        "leaf \(i) of \(n)")
            }
        }
    }

    @Test func aWrongPositionOrPathLeadsElsewhere() async {
        await propertyCheck(count: 200, input: Gen.int(in: 2...128), Gen.int(in: 0...127)) { n, raw in
            let i = raw % n
            let d = Self.digests(n)
            let tree = MerkleTree.build(d)
            let path = tree.paths[i]
            let count = UInt32(n), index = UInt32(i)
            // Another leaf's digest, another index, another size, a changed, shortened or longer path.
            #expect(MerkleTree.root(leafDigest: d[(i + 1) % n], index: index, count: count, path: path) != tree.root)
            #expect(MerkleTree.root(leafDigest: d[i], index: UInt32((i + 1) % n), count: count, path: path) != tree.root)
            // (Another size can imply the same root: leaf 0 of 3 and of 4 fold alike. So the signed
            // message binds the size: see `aLeafMovedToAnotherRevisionFails`.)
            #expect(MerkleTree.root(leafDigest: d[i], index: count, count: count, path: path) == nil)
            var flipped = path
            flipped[0][flipped[0].startIndex] ^= 1
            #expect(MerkleTree.root(leafDigest: d[i], index: index, count: count, path: flipped) != tree.root)
            #expect(MerkleTree.root(leafDigest: d[i], index: index, count: count, path: Array(path.dropLast())) != tree.root)
            #expect(MerkleTree.root(leafDigest: d[i], index: index, count: count, path: path + [tree.root]) != tree.root)
        }
    }
}

@Suite struct BatchSealTests {
    let author = DeviceIdentity.generate(person: .random())
    let caseID = CaseID.random()
    let key: CaseKey

    init() { key = CaseKey.generate(caseID: caseID, epoch: 0) }

    func sealed(_ n: Int, by identity: DeviceIdentity? = nil) throws -> [SealedRevision] {
        let identity = identity ?? author
        return try (0..<n).map { i in
            let header = RevisionHeader(recordID: .random(), recordType: .session, caseID: caseID, authorDevice: identity.deviceID,
                                        hlc: HLCTimestamp(physical: 1_790_000_000_000 + UInt64(i), logical: 0), keyEpoch: 0)
            return try RevisionSealer.seal(header: header, body: RevisionBody(fields: ["minutes": .int(Int64(i))], author: identity.person,
                                                                              policyVersion: "1"), key: key, author: identity)
        }
    }

    /// The revision as a receiver rebuilds it from the wire: the seal round-trips through its bytes.
    func received(_ s: SealedRevision) throws -> SealedRevision {
        try SealedRevision(headerBytes: s.headerBytes, ciphertext: s.ciphertext, signature: s.signature, claimedID: s.id)
    }

    @Test func batchesOf128VerifyWithOneSignatureCheckPerRoot() throws {
        let singles = try sealed(300)
        let batched = try RevisionSealer.sealBatches(singles, author: author)
        #expect(batched.map(\.id) == singles.map(\.id), "content and ids are unchanged")
        let roots = VerifiedBatchRoots()
        for s in batched {
            let r = try received(s)
            guard case .batch(let inclusion) = r.seal else { Issue.record("not batch-sealed"); continue }
            #expect(inclusion.count == (r.header.hlc.physical - 1_790_000_000_000 < 256 ? 128 : 44))
            _ = try RevisionSealer.open(r, key: key, author: author.publicKeys, roots: roots)
            // Without a cache, too: the cache only saves work.
            try RevisionSealer.verifySignature(r, author: author.publicKeys)
        }
        #expect(roots.count == 3)
    }

    @Test func aBatchOfOneAndOtherAuthorsKeepTheirSignatures() throws {
        let other = DeviceIdentity.generate(person: .random())
        let mixed = try sealed(1) + sealed(3, by: other)
        let out = try RevisionSealer.sealBatches(mixed, author: author)
        #expect(out == mixed)
        #expect(out.allSatisfy { $0.seal.isSingle && $0.signature.count == 64 })
    }

    @Test func batchesNeverSpanCases() throws {
        // Interleaved revisions of two cases: each case gets its own roots, so no proof in one case
        // carries a hash, count or signature of the other's.
        let otherCase = CaseID.random()
        let otherKey = CaseKey.generate(caseID: otherCase, epoch: 0)
        let mine = try sealed(6)
        let theirs = try (0..<4).map { i in
            try RevisionSealer.seal(header: RevisionHeader(recordID: .random(), recordType: .session, caseID: otherCase, authorDevice: author.deviceID,
                                                           hlc: HLCTimestamp(physical: 1_790_000_001_000 + UInt64(i), logical: 0), keyEpoch: 0),
                                    body: RevisionBody(fields: [:], author: author.person, policyVersion: "1"), key: otherKey, author: author)
        }
        let interleaved = [mine[0], theirs[0], mine[1], theirs[1], mine[2], mine[3], theirs[2], mine[4], theirs[3], mine[5]]
        let out = try RevisionSealer.sealBatches(interleaved, author: author)
        #expect(out.map(\.id) == interleaved.map(\.id))
        func inclusion(_ s: SealedRevision) -> BatchInclusion? { if case .batch(let b) = s.seal { b } else { nil } }
        let a = out.filter { $0.header.caseID == caseID }.compactMap(inclusion)
        let b = out.filter { $0.header.caseID == otherCase }.compactMap(inclusion)
        #expect(a.count == 6 && a.allSatisfy { $0.count == 6 } && Set(a.map(\.index)) == Set(0..<6))
        #expect(b.count == 4 && b.allSatisfy { $0.count == 4 })
        #expect(Set(a.map(\.signature)).isDisjoint(with: Set(b.map(\.signature))))
        #expect(Set(a.flatMap(\.path)).isDisjoint(with: Set(b.flatMap(\.path))))
        for s in out { try RevisionSealer.verifySignature(s, author: author.publicKeys) }
    }

    @Test func aLeafMovedToAnotherRevisionFails() throws {
        let batched = try RevisionSealer.sealBatches(try sealed(10), author: author)
        // Each tampered form is also tried after the genuine root was verified and remembered.
        let roots = VerifiedBatchRoots()
        for s in batched { try RevisionSealer.verifySignature(s, author: author.publicKeys, roots: roots) }
        // Revision 3 presented with revision 4's inclusion proof, and with its own proof at another index.
        let moved = try SealedRevision(headerBytes: batched[3].headerBytes, ciphertext: batched[3].ciphertext, signature: batched[4].signature)
        #expect(throws: CasebookError.self) { try RevisionSealer.verifySignature(moved, author: author.publicKeys, roots: roots) }
        guard case .batch(let own) = batched[3].seal else { Issue.record("not batch-sealed"); return }
        let shifted = batched[3].resealed(.batch(BatchInclusion(index: own.index + 1, count: own.count, path: own.path, signature: own.signature)))
        #expect(throws: CasebookError.self) { try RevisionSealer.verifySignature(try received(shifted), author: author.publicKeys, roots: roots) }
        let resized = batched[3].resealed(.batch(BatchInclusion(index: own.index, count: own.count + 1, path: own.path, signature: own.signature)))
        #expect(throws: CasebookError.self) { try RevisionSealer.verifySignature(try received(resized), author: author.publicKeys, roots: roots) }
        // The same proof checked under another device's keys (same device id, other key) fails too.
        let impostor = DeviceIdentity.generate(person: author.person).publicKeys
        let sameID = DevicePublicKeys(deviceID: author.deviceID, person: author.person, signing: impostor.signing, agreement: impostor.agreement)
        #expect(throws: CasebookError.self) { try RevisionSealer.verifySignature(batched[3], author: sameID, roots: roots) }
    }

    @Test func theSignedSizeIsTheTreeSize() throws {
        // Leaf 0 of a 3-leaf tree folds to the same root as leaf 0 of 4 with the same path: the
        // signature covers the size, so a proof re-labelled with another size fails.
        let batched = try RevisionSealer.sealBatches(try sealed(3), author: author)
        guard case .batch(let own) = batched[0].seal else { Issue.record("not batch-sealed"); return }
        let digest = batched[0].digest
        #expect(MerkleTree.root(leafDigest: digest, index: 0, count: 4, path: own.path)
                == MerkleTree.root(leafDigest: digest, index: 0, count: 3, path: own.path))
        let relabelled = batched[0].resealed(.batch(BatchInclusion(index: 0, count: 4, path: own.path, signature: own.signature)))
        let roots = VerifiedBatchRoots()
        try RevisionSealer.verifySignature(batched[0], author: author.publicKeys, roots: roots)  // the genuine root, remembered
        #expect(throws: CasebookError.self) { try RevisionSealer.verifySignature(try received(relabelled), author: author.publicKeys, roots: roots) }
    }

    @Test func aRevisionOutsideTheBatchCannotReplayItsRoot() throws {
        let batched = try RevisionSealer.sealBatches(try sealed(8), author: author)
        let stranger = try sealed(1)[0]
        let roots = VerifiedBatchRoots()
        try RevisionSealer.verifySignature(batched[0], author: author.publicKeys, roots: roots)  // root now cached
        for donor in batched {
            let replay = try SealedRevision(headerBytes: stranger.headerBytes, ciphertext: stranger.ciphertext, signature: donor.signature)
            #expect(throws: CasebookError.self) { try RevisionSealer.verifySignature(replay, author: author.publicKeys, roots: roots) }
        }
        // A flipped ciphertext bit inside the batch fails too, even with the root already verified.
        var ciphertext = batched[5].ciphertext
        ciphertext[ciphertext.startIndex + 20] ^= 1
        let flipped = try SealedRevision(headerBytes: batched[5].headerBytes, ciphertext: ciphertext, signature: batched[5].signature)
        #expect(throws: CasebookError.self) { try RevisionSealer.verifySignature(flipped, author: author.publicKeys, roots: roots) }
    }

    @Test func aRootSignedByAnotherDeviceFails() throws {
        // A rogue device (say the server's) batch-signs revisions that name the genuine author.
        let rogue = DeviceIdentity.generate(person: author.person)
        let genuine = try sealed(6)
        let digests = genuine.map(\.digest)
        let tree = MerkleTree.build(digests)
        let signature = try rogue.sign(BatchRoot.signedBytes(author: author.deviceID, root: tree.root, count: 6))
        let roots = VerifiedBatchRoots()
        for (i, s) in genuine.enumerated() {
            let forged = s.resealed(.batch(BatchInclusion(index: UInt32(i), count: 6, path: tree.paths[i], signature: signature)))
            #expect(throws: CasebookError.self) { try RevisionSealer.verifySignature(try received(forged), author: author.publicKeys, roots: roots) }
        }
        #expect(roots.count == 0, "nothing unverified is remembered")
        // The rogue's root, verified under the rogue's own keys, does not vouch for the author's revisions either.
        let theirs = try RevisionSealer.sealBatches(try sealed(4, by: rogue), author: rogue)
        #expect(throws: CasebookError.self) {
            try RevisionSealer.verifySignature(try SealedRevision(headerBytes: genuine[0].headerBytes, ciphertext: genuine[0].ciphertext,
                                                                  signature: theirs[0].signature), author: author.publicKeys)
        }
    }

    @Test func aSignatureOverTheRootIsNotARevisionSignature() throws {
        // Domain separation: the batch root's signature never verifies as a single-revision signature.
        let batched = try RevisionSealer.sealBatches(try sealed(2), author: author)
        guard case .batch(let inclusion) = batched[0].seal else { Issue.record("not batch-sealed"); return }
        let asSingle = batched[0].resealed(.single(signature: inclusion.signature))
        #expect(throws: CasebookError.self) { try RevisionSealer.verifySignature(try received(asSingle), author: author.publicKeys) }
    }

    @Test func aRowWithABadSignatureIsNeverVouchedForAfresh() throws {
        // Someone with write access to the vault file, but no passphrase, slips in rows naming this
        // device with a signature it never made: re-sealing leaves them as they are (the server
        // refuses them), and batches only the genuine ones.
        let genuine = try sealed(5)
        let rogue = DeviceIdentity.generate(person: author.person)
        let planted = try (0..<3).map { i -> SealedRevision in
            let g = genuine[i]
            let digest = SealedRevision.contentDigest(headerBytes: g.headerBytes, ciphertext: Data(repeating: UInt8(i), count: 60))
            return try SealedRevision(headerBytes: g.headerBytes, ciphertext: Data(repeating: UInt8(i), count: 60), signature: try rogue.sign(digest))
        }
        let input = [genuine[0], planted[0], genuine[1], planted[1], genuine[2], genuine[3], planted[2], genuine[4]]
        let out = try RevisionSealer.sealBatches(input, author: author)
        for (i, s) in out.enumerated() {
            if planted.contains(input[i]) {
                #expect(s == input[i], "a planted row keeps its own (bad) signature")
                #expect(throws: CasebookError.self) { try RevisionSealer.verifySignature(s, author: author.publicKeys) }
            } else {
                #expect(!s.seal.isSingle)
                try RevisionSealer.verifySignature(s, author: author.publicKeys)
            }
        }
        // The same holds for more rows than fit on one thread's check.
        let many = try sealed(100)
        var mixed = many
        mixed[70] = try SealedRevision(headerBytes: many[70].headerBytes, ciphertext: many[70].ciphertext, signature: many[71].signature)
        let resealed = try RevisionSealer.sealBatches(mixed, author: author)
        #expect(resealed[70] == mixed[70])
        #expect(resealed.enumerated().allSatisfy { $0.offset == 70 || !$0.element.seal.isSingle })
    }

    @Test func malformedSealsAreRefusedOnArrival() throws {
        let s = try RevisionSealer.sealBatches(try sealed(5), author: author)[2]
        let good = s.signature
        func refused(_ bytes: Data, sourceLocation: SourceLocation = #_sourceLocation) {
            #expect(throws: CasebookError.self, sourceLocation: sourceLocation) {
                try SealedRevision(headerBytes: s.headerBytes, ciphertext: s.ciphertext, signature: bytes)
            }
        }
        refused(Data())
        refused(good.prefix(63))
        refused(good + Data([0]))                    // trailing byte
        refused(good.dropLast())                     // short signature
        var magic = good; magic[magic.startIndex] ^= 1
        refused(magic)
        var version = good; version[version.startIndex + 3] = 2
        refused(version)
        func withCount(_ count: UInt32, index: UInt32 = 0) -> Data {
            var d = good
            withUnsafeBytes(of: index.bigEndian) { d.replaceSubrange(d.startIndex + 4..<d.startIndex + 8, with: $0) }
            withUnsafeBytes(of: count.bigEndian) { d.replaceSubrange(d.startIndex + 8..<d.startIndex + 12, with: $0) }
            return d
        }
        refused(withCount(1))                        // a batch of one is a single signature
        refused(withCount(RevisionSeal.maximumBatch + 1))
        refused(withCount(5, index: 5))              // index beyond the batch
        for length: UInt8 in [0, 2, 4, 8, 9] {       // a path-length byte that does not match the hashes present
            var d = good
            d[d.startIndex + 12] = length
            refused(d)
        }
        #expect((try? SealedRevision(headerBytes: s.headerBytes, ciphertext: s.ciphertext, signature: withCount(5, index: 2))) != nil)
    }
}

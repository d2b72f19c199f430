// libFuzzer target: the Crypto decoders that take outside bytes: the canonical revision header,
// revision seals (single signatures and batch proofs, with their Merkle paths), a whole sealed
// revision opened with a key, wrapped case keys (JSON, then HPKE), device public keys, hex and
// base64url text, and the recovery key file. A crash, a sanitizer report or a broken invariant
// is a finding. Built only by Scripts/fuzz (see docs/fuzzing.md).
import CasebookCrypto
import CasebookModels
import Crypto
import Foundation

func fuzzCheck(_ condition: Bool, _ what: @autoclosure () -> String) {
    if !condition { fatalError("fuzz invariant broken: \(what())") }
}

/// Splits the input into `count` parts, each prefixed by a one-byte length (the last takes the rest).
func parts(_ data: Data, _ count: Int) -> [Data] {
    var rest = data[...]
    var result: [Data] = []
    for i in 0..<count {
        if i == count - 1 { result.append(Data(rest)); break }
        guard let length = rest.first else { result.append(Data()); continue }
        rest = rest.dropFirst()
        let part = rest.prefix(Int(length))
        result.append(Data(part))
        rest = rest.dropFirst(part.count)
    }
    return result
}

// Fixed keys so a run is reproducible from its input alone.
let identity = DeviceIdentity.generate(person: PersonID(rawValue: "fuzz-person"))
let caseKey = CaseKey(caseID: CaseID(rawValue: "fuzz-case"), epoch: 1,
                                          key: SymmetricKey(data: Data(repeating: 7, count: 32)))

// The test function, handed to libFuzzer by Entry.swift.
public func fuzzCrypto(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let start, count > 0 else { return 0 }
    let data = Data(bytes: start, count: count)
    let selector = data[data.startIndex]
    let body = Data(data.dropFirst())
    switch selector % 6 {
    case 0:
        if let header = try? RevisionHeader(canonicalBytes: body) {
            fuzzCheck(header.canonicalBytes == body, "canonical header re-encodes to the same bytes")
        }
    case 1:
        if let seal = try? RevisionSeal(bytes: body) {
            fuzzCheck(seal.bytes == body, "seal re-encodes to the same bytes")
            if case .batch(let inclusion) = seal {
                let leaf = Data(SHA256.hash(data: body))
                if let root = MerkleTree.root(leafDigest: leaf, index: inclusion.index, count: inclusion.count, path: inclusion.path) {
                    fuzzCheck(root.count == 32, "a Merkle root is a SHA-256")
                }
            }
        }
    case 2:
        // A whole received revision: header, ciphertext, seal; then verify and open with fixed keys.
        let p = parts(body, 3)
        if let sealed = try? SealedRevision(headerBytes: p[0], ciphertext: p[1], signature: p[2]) {
            fuzzCheck(sealed.headerBytes == p[0], "sealed header bytes kept")
            _ = try? RevisionSealer.verifySignature(sealed, author: identity.publicKeys, roots: VerifiedBatchRoots())
            _ = try? RevisionSealer.decrypt(sealed, key: caseKey)
        }
    case 3:
        // A wrapped case key as received in JSON, then opened and its signature checked.
        if let wrapped = try? JSONDecoder().decode(WrappedCaseKey.self, from: body) {
            _ = wrapped.isSigned(by: identity.publicKeys)
            _ = try? KeyWrap.unwrap(wrapped, with: identity)
        }
        let p = parts(body, 2)
        _ = try? KeyWrap.open(caseID: caseKey.caseID, epoch: 1, recipient: identity.deviceID, encapsulatedKey: p[0],
                              ciphertext: p[1], with: identity)
    case 4:
        if let keys = try? JSONDecoder().decode(DevicePublicKeys.self, from: body) {
            _ = try? keys.signingKey()
            _ = try? keys.agreementKey()
            _ = keys.certificationBytes
        }
    default:
        let text = String(decoding: body, as: UTF8.self)
        if let bytes = Data(hex: text) { fuzzCheck(Data(hex: bytes.hexString) == bytes, "hex round trip") }
        if let bytes = Data(base64URLEncoded: text) {
            fuzzCheck(Data(base64URLEncoded: bytes.base64URLEncodedString()) == bytes, "base64url round trip")
        }
        _ = try? RecoveryKey(fileContents: text)
    }
    return 0
}

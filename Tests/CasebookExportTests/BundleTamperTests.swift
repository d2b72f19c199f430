import CasebookExport
import Crypto
import Foundation
import Testing

@Suite("Tampering is detected")
struct BundleTamperTests {
    let key = Curve25519.Signing.PrivateKey()

    func original() throws -> [(String, Data)] {
        try Fixture.entries(of: Fixture.bundle(key: key))
    }

    func codes(_ entries: [(String, Data)], trusted: Bool = false) throws -> Set<ExportError.Code> {
        let zip = try Fixture.zip(entries)
        return BundleVerifier(trustedKey: trusted ? key.publicKey : nil).verify(archive: zip).codes
    }

    @Test func untouchedRebuildIsValid() throws {
        #expect(try codes(original()) == [])
    }

    @Test("changing one byte of a file")
    func changedByte() throws {
        let entries = try original().map { name, data in
            guard name == "records.json" else { return (name, data) }
            var changed = data
            changed[5] ^= 0x01
            return (name, changed)
        }
        #expect(try codes(entries) == [.hashMismatch])
    }

    @Test("changing a file's length")
    func changedSize() throws {
        let entries = try original().map { name, data in name == "report.html" ? (name, data + Data("x".utf8)) : (name, data) }
        #expect(try codes(entries) == [.sizeMismatch])
    }

    @Test("removing a file")
    func removedFile() throws {
        #expect(try codes(original().filter { $0.0 != "schema.json" }) == [.missingFile])
        #expect(try codes(original().filter { $0.0 != "manifest.sig" }) == [.badSignature])
        #expect(try codes(original().filter { $0.0 != "export-key.pem" }) == [.malformedKey])
        #expect(try codes(original().filter { $0.0 != "manifest.json" }) == [.malformedManifest])
    }

    @Test("adding a file")
    func addedFile() throws {
        #expect(try codes(original() + [("notes.txt", Data("added".utf8))]) == [.extraFile])
    }

    @Test("renaming a file")
    func renamedFile() throws {
        let entries = try original().map { name, data in name == "records.json" ? ("records-old.json", data) : (name, data) }
        let zip = try Fixture.zip(entries)
        let report = BundleVerifier().verify(archive: zip)
        #expect(report.codes == [.renamedFile])
        #expect(report.problems.first?.path == "records.json")
    }

    @Test("duplicating an entry")
    func duplicatedEntry() throws {
        let entries = try original()
        let records = try #require(entries.first { $0.0 == "records.json" })
        #expect(try codes(entries + [records]) == [.duplicateEntry])
        #expect(try codes(entries + [("records.json", Data("other".utf8))]) == [.duplicateEntry])
    }

    @Test("swapping the signature for another bundle's")
    func swappedSignature() throws {
        let other = try Fixture.entries(of: Fixture.bundle(key: key)).first { $0.0 == "manifest.sig" }
        // Same key, same contents, but a signature over different bytes is still refused when the manifest differs.
        let entries = try original().map { name, data in
            name == "manifest.json" ? (name, data + Data(" ".utf8)) : (name, data)
        }
        #expect(try codes(entries) == [.badSignature])
        let foreignKey = Curve25519.Signing.PrivateKey()
        let foreign = try Fixture.entries(of: Fixture.bundle(key: foreignKey)).first { $0.0 == "manifest.sig" }
        let swapped = try original().map { name, data in name == "manifest.sig" ? (name, foreign?.1 ?? data) : (name, data) }
        #expect(try codes(swapped) == [.badSignature])
        _ = other
    }

    @Test("another key's PEM, with and without re-signing the manifest")
    func wrongKey() throws {
        let attacker = Curve25519.Signing.PrivateKey()
        let pem = Data(BundleSigning.pem(attacker.publicKey).utf8)
        let withPEM = try original().map { name, data in name == "export-key.pem" ? (name, pem) : (name, data) }
        #expect(try codes(withPEM) == [.badSignature])
        // Re-signed by the attacker: consistent in itself, so only the trusted key catches it.
        let manifest = try #require(withPEM.first { $0.0 == "manifest.json" }?.1)
        let signature = try attacker.signature(for: manifest)
        let resigned = withPEM.map { name, data in name == "manifest.sig" ? (name, signature) : (name, data) }
        #expect(try codes(resigned) == [])
        #expect(try codes(resigned, trusted: true) == [.untrustedKey, .badSignature])
        let garbage = try original().map { name, data in name == "export-key.pem" ? (name, Data("not a key".utf8)) : (name, data) }
        #expect(try codes(garbage).contains(.malformedKey))
    }

    @Test("editing the manifest and SHA256SUMS together to match a changed file")
    func consistentEdit() throws {
        var entries = try original()
        let changed = Data("{\"sessions\":[]}\n".utf8)
        var manifest = try BundleManifest.decode(try #require(entries.first { $0.0 == "manifest.json" }?.1))
        manifest.files = manifest.files.map { file in
            file.path == "records.json" ? BundleFile(path: file.path, size: changed.count, sha256: BundleSigning.sha256Hex(changed)) : file
        }
        entries = entries.map { name, data in
            switch name {
            case "records.json": (name, changed)
            case "manifest.json": (name, (try? manifest.canonicalJSON()) ?? data)
            default: (name, data)
            }
        }
        #expect(try codes(entries).contains(.badSignature))
    }

    @Test("a changed SHA256SUMS is caught by its hash")
    func changedChecksumList() throws {
        let entries = try original().map { name, data in name == "SHA256SUMS" ? (name, Data()) : (name, data) }
        #expect(try codes(entries).contains(.sizeMismatch))
    }

    @Test("a flipped byte in the raw zip is caught")
    func flippedRawByte() throws {
        var zip = try Fixture.bundle(key: key)
        let marker = try #require(zip.range(of: Data("records.json".utf8)))
        zip[marker.upperBound + 20] ^= 0xFF  // inside records.json's compressed data
        let report = BundleVerifier().verify(archive: zip)
        #expect(!report.isValid)
    }

    @Test("an encrypted bundle whose ciphertext changed fails authentication")
    func encryptedTamper() throws {
        var zip = try Fixture.bundle(key: key, password: Fixture.password)
        let name = try #require(zip.range(of: Data("records.json".utf8)))
        zip[name.upperBound + 11 + 16 + 2 + 3] ^= 0x01  // past the extra field, salt and verifier
        let report = BundleVerifier().verify(archive: zip, password: try BundlePassword(Fixture.password))
        #expect(report.codes == [.authenticationFailed])
    }
}

@Suite("Hostile archives are refused")
struct HostileArchiveTests {
    static let hostile = ["../evil.txt", "a/../../evil.txt", "/etc/evil", "C:/evil.txt", "a\\..\\evil.txt", "./a.txt", "a//b.txt"]

    @Test("absolute and parent paths", arguments: hostile)
    func unsafePaths(_ path: String) throws {
        let zip = try Fixture.zip([("README.txt", Data("x".utf8)), (path, Data("evil".utf8))])
        let report = BundleVerifier().verify(archive: zip)
        #expect(report.codes == [.unsafePath])
        #expect(report.problems.first?.path == path)
    }

    @Test("symbolic link entries")
    func symlink() throws {
        let archive = try ZIPFoundationHelpers.archiveWithSymlink()
        #expect(BundleVerifier().verify(archive: archive).codes == [.symlinkEntry])
    }

    @Test("expansion beyond the total limit")
    func totalLimit() throws {
        let zip = try Fixture.zip([("big.bin", Data(count: 2 * 1024 * 1024))])
        let limits = BundleLimits(maxTotalBytes: 1024 * 1024)
        #expect(BundleVerifier(limits: limits).verify(archive: zip).codes == [.expansionLimitExceeded])
    }

    @Test("a ratio bomb, plain and encrypted")
    func ratioBomb() throws {
        let zeros = Data(count: 20 * 1024 * 1024)
        let zip = try Fixture.zip([("bomb.bin", zeros)])
        #expect(BundleVerifier().verify(archive: zip).codes == [.expansionLimitExceeded])
        let writer = BundleWriter(signingKey: Curve25519.Signing.PrivateKey())
        let password = try BundlePassword(Fixture.password)
        let encrypted = try writer.archiveData([BundleContent(path: "bomb.bin", data: zeros)], metadata: Fixture.metadata, password: password)
        #expect(BundleVerifier().verify(archive: encrypted.archive, password: password).codes == [.expansionLimitExceeded])
    }

    @Test("too many entries")
    func tooManyEntries() throws {
        let zip = try Fixture.zip((0..<20).map { ("f\($0).txt", Data()) })
        #expect(BundleVerifier(limits: BundleLimits(maxEntries: 10)).verify(archive: zip).codes == [.expansionLimitExceeded])
    }

    /// Found by `fuzz-export` (docs/fuzzing.md): a central directory whose local-header offset lies
    /// past the end of the archive made ZIPFoundation's in-memory reader trap ("Range requires
    /// lowerBound <= upperBound"), crashing `export verify`. Refused before ZIPFoundation reads it.
    @Test("a local header offset past the end of the archive")
    func localHeaderPastTheEnd() throws {
        let crash = try #require(Data(base64Encoded:
            "UEsDBBQAAAAIALqCg13+ZjSMFwAAABUAAAANAAAAbWFuaWZlc3QuanNvbqtWSssvyk0siS9LLSrOzM9TsjKs5QIAUEsDBBQA" +
            "AAAIALqCg10pu0wNBAAAAAIAAAAMAAAAcmVjb3Jkcy5qc29ui44FAFBLAQIUAxQAAAAIALqCg13+ZjSMFwAAABUAAAANAAAA" +
            "AAAAAAAAAACAAQD4AABtYW5pZmVzdC5qc29uUEsBAhQDFAAAAAgAXYJMuruDKQ0EAAAAAgAAAAwAAAAAAAAAAAAAAIABQgAA" +
            "AHJlY29yZHMuanNvblBLBQYAAAAAAgACAHUAAABwAAAAAAA="))
        #expect(BundleVerifier().verify(archive: crash).codes == [.notAnArchive])
        // The same shape built on purpose: every entry's offset moved past the central directory.
        var bytes = [UInt8](try Fixture.zip([("a.txt", Data("x".utf8))]))
        let central = try #require((0..<(bytes.count - 4)).first { bytes[$0..<($0 + 4)].elementsEqual([0x50, 0x4B, 0x01, 0x02]) })
        bytes[central + 42] = 0xF0; bytes[central + 43] = 0xFF
        #expect(BundleVerifier().verify(archive: Data(bytes)).codes == [.notAnArchive])
    }

    @Test("not a zip at all")
    func notAZip() {
        #expect(BundleVerifier().verify(archive: Data("hello".utf8)).codes == [.notAnArchive])
        #expect(BundleVerifier().verify(archive: Data(count: 100)).codes == [.notAnArchive])
    }
}

import CasebookExport
import CasebookTestSupport
import Crypto
import Foundation
import Testing

@Suite("Bundle round trip")
struct BundleRoundTripTests {
    @Test("a plain bundle verifies, lists every file and names the case, not the client")
    func plainRoundTrip() throws {
        let key = Curve25519.Signing.PrivateKey()
        let zip = try Fixture.bundle(key: key)
        let report = BundleVerifier(trustedKey: key.publicKey).verify(archive: zip)
        #expect(report.problems.isEmpty, "\(report.problems)")
        let manifest = try #require(report.manifest)
        #expect(manifest.caseID == "C-0042")
        #expect(manifest.requestID == "SAR-7")
        #expect(manifest.createdAt == "2026-09-21T14:13:20Z")
        #expect(manifest.files.map(\.path) == ["README.txt", "SHA256SUMS", "records.json", "report.html", "schema.json"])
        #expect(report.keyFingerprint == BundleSigning.fingerprint(key.publicKey))
        #expect(!report.encrypted)
        let names = try Fixture.entries(of: zip).map(\.0)
        #expect(Set(names) == Set(manifest.files.map(\.path) + ["manifest.json", "manifest.sig", "export-key.pem"]))
    }

    @Test("an encrypted bundle verifies with its password only")
    func encryptedRoundTrip() throws {
        let key = Curve25519.Signing.PrivateKey()
        let zip = try Fixture.bundle(key: key, password: Fixture.password)
        let verifier = BundleVerifier(trustedKey: key.publicKey)
        let report = verifier.verify(archive: zip, password: try BundlePassword(Fixture.password))
        #expect(report.problems.isEmpty, "\(report.problems)")
        #expect(report.encrypted)
        #expect(verifier.verify(archive: zip).codes == [.passwordRequired])
        #expect(verifier.verify(archive: zip, password: try BundlePassword("wrong")).codes == [.wrongPassword])
        // No plaintext in the encrypted archive.
        #expect(zip.range(of: Data("general wellbeing".utf8)) == nil)
        #expect(zip.range(of: Data("C-0042".utf8)) == nil)
    }

    @Test("a bundle with 1,000 sessions round-trips plain and encrypted")
    func largeRoundTrip() throws {
        let key = Curve25519.Signing.PrivateKey()
        let writer = BundleWriter(signingKey: key)
        let contents = Fixture.contents(sessions: 1_000)
        for password in [nil, try BundlePassword(Fixture.password)] {
            let zip = try writer.archiveData(contents, metadata: Fixture.metadata, password: password).archive
            let report = BundleVerifier().verify(archive: zip, password: password)
            #expect(report.isValid, "\(report.problems)")
        }
    }

    @Test("the writer refuses unsafe, reserved and duplicate paths")
    func writerRefusesPaths() throws {
        let writer = BundleWriter(signingKey: Curve25519.Signing.PrivateKey())
        for path in ["../x", "/etc/passwd", "a//b", "a/./b", "manifest.json", "SHA256SUMS", "name with space", "a\\b", ""] {
            #expect(throws: ExportError.self) {
                try writer.archiveData([BundleContent(path: path, data: Data())], metadata: Fixture.metadata)
            }
        }
        let twice = [BundleContent(path: "a.txt", data: Data()), BundleContent(path: "a.txt", data: Data())]
        #expect { try writer.archiveData(twice, metadata: Fixture.metadata) } throws: { ($0 as? ExportError)?.code == .duplicatePath }
        #expect(throws: ExportError.self) { try BundlePassword("") }
        #expect(throws: ExportError.self) { try BundlePassword(fileContents: Data("\n".utf8)) }
    }

    @Test("a password file's first line is the password, and a password never prints")
    func passwordHandling() throws {
        let password = try BundlePassword(fileContents: Data("s3cret-Pass\r\nignored\n".utf8))
        let zip = try BundleWriter(signingKey: Curve25519.Signing.PrivateKey())
            .archiveData(Fixture.contents(), metadata: Fixture.metadata, password: password).archive
        #expect(BundleVerifier().verify(archive: zip, password: try BundlePassword("s3cret-Pass")).isValid)
        for text in [String(describing: password), String(reflecting: password), "\(password)"] {
            #expect(!text.contains("s3cret"))
        }
        var dumped = ""
        dump(password, to: &dumped)
        #expect(!dumped.contains("s3cret"))
    }

    @Test("the bundle file appears whole, mode 0600, with no temporary file left; a failed write leaves nothing")
    func atomicWrite() throws {
        let directory = TemporaryDirectory("casebook-export")
        let url = directory.url.appendingPathComponent("bundle.zip")
        let writer = BundleWriter(signingKey: Curve25519.Signing.PrivateKey())
        try writer.write(Fixture.contents(), metadata: Fixture.metadata, to: url)
        let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.url.path) == ["bundle.zip"])
        #expect(BundleVerifier().verify(archiveAt: url).isValid)

        let missing = directory.url.appendingPathComponent("no-such-dir/bundle.zip")
        #expect { try writer.write(Fixture.contents(), metadata: Fixture.metadata, to: missing) } throws: {
            ($0 as? ExportError)?.code == .ioFailure
        }
        // A refused bundle (bad path) leaves no file either.
        let refused = directory.url.appendingPathComponent("refused.zip")
        #expect(throws: ExportError.self) {
            try writer.write([BundleContent(path: "../x", data: Data())], metadata: Fixture.metadata, to: refused)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.url.path) == ["bundle.zip"])
    }

    @Test("error descriptions carry codes and paths, not content")
    func errorDescription() {
        let error = ExportError(.hashMismatch, path: "records.json", "SHA-256 differs from the manifest")
        #expect(error.description == "hashMismatch: records.json: SHA-256 differs from the manifest")
    }
}

@Suite("Export signing key")
struct ExportSigningKeyTests {
    @Test("a key file is PKCS#8 PEM, 0600, read back, never overwritten, and never printed")
    func keyFile() throws {
        let directory = TemporaryDirectory("casebook-export")
        let url = directory.url.appendingPathComponent("export-key.private.pem")
        let key = ExportSigningKey.generate()
        try key.write(to: url)
        let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let text = try String(contentsOf: url, encoding: .utf8)
        #expect(text.hasPrefix("-----BEGIN PRIVATE KEY-----"))
        let loaded = try ExportSigningKey(contentsOf: url)
        #expect(loaded.fingerprint == key.fingerprint)
        #expect(throws: ExportError.self) { try key.write(to: url) }
        #expect(!String(describing: key).contains(text.dropFirst(28).prefix(20)))
        var dumped = ""
        dump(key, to: &dumped)
        #expect(!dumped.contains("rawRepresentation"))
        // A bundle it signs verifies against its public PEM only.
        let zip = try loaded.writer.archiveData(Fixture.contents(), metadata: Fixture.metadata).archive
        #expect(try BundleVerifier(trustedKeyPEM: key.publicKeyPEM).verify(archive: zip).isValid)
        #expect(try BundleVerifier(trustedKeyPEM: ExportSigningKey.generate().publicKeyPEM).verify(archive: zip).codes.contains(.untrustedKey))
        #expect(throws: ExportError.self) { try ExportSigningKey(pem: "nope") }
    }

    @Test("openssl reads the key file and its public half matches export-key.pem")
    func opensslReadsKey() throws {
        let directory = TemporaryDirectory("casebook-export")
        let url = directory.url.appendingPathComponent("k.pem")
        let key = ExportSigningKey.generate()
        try key.write(to: url)
        let result = try Tool.run("openssl", ["pkey", "-in", url.path, "-pubout"])
        #expect(result?.status == 0)
        #expect(result?.output == key.publicKeyPEM)
    }
}

import CasebookExport
import CasebookTestSupport
import Crypto
import Foundation
import Testing

/// The bundle checked by the ordinary tools a client or an auditor has, without Casebook.
@Suite("Standard tools open and verify the bundle")
struct BundleToolTests {
    let key = Curve25519.Signing.PrivateKey()

    func writeBundle(_ directory: TemporaryDirectory, password: String? = nil) throws -> (URL, BundleManifest) {
        let url = directory.url.appendingPathComponent(password == nil ? "bundle.zip" : "bundle-aes.zip")
        let manifest = try BundleWriter(signingKey: key).write(
            Fixture.contents(sessions: 50), metadata: Fixture.metadata, to: url, password: password.map { try BundlePassword($0) })
        return (url, manifest)
    }

    /// Extracts with Python's zipfile (after `testzip`), which never writes outside the target directory.
    func extractWithPython(_ zip: URL, to target: URL) throws {
        let script = """
            import sys, zipfile
            with zipfile.ZipFile(sys.argv[1]) as z:
                bad = z.testzip()
                assert bad is None, bad
                for name in z.namelist():
                    z.read(name)
                z.extractall(sys.argv[2])
            print("ok", len(z.namelist()))
            """
        let result = try Tool.run("python3", ["-c", script, zip.path, target.path])
        #expect(result?.status == 0, "\(result?.output ?? "")")
        #expect(result?.output.hasPrefix("ok 8") == true, "\(result?.output ?? "")")
    }

    @Test("python zipfile, unzip -t, sha256sum -c from the manifest, openssl pkeyutl -verify")
    func plainBundleWithTools() throws {
        let directory = TemporaryDirectory("casebook-export")
        let (zip, manifest) = try writeBundle(directory)
        let extracted = directory.url.appendingPathComponent("out")
        try extractWithPython(zip, to: extracted)

        let unzip = try Tool.run("unzip", ["-t", zip.path])
        #expect(unzip?.status == 0, "\(unzip?.output ?? "")")
        #expect(unzip?.output.contains("No errors detected") == true)

        // A checksum list built from the manifest, checked by coreutils.
        let list = manifest.files.map { "\($0.sha256)  \($0.path)\n" }.joined()
        try Data(list.utf8).write(to: directory.url.appendingPathComponent("from-manifest.sha256"))
        let sums = try Tool.run("sha256sum", ["-c", "--strict", directory.url.appendingPathComponent("from-manifest.sha256").path], in: extracted)
        #expect(sums?.status == 0, "\(sums?.output ?? "")")
        // The shipped SHA256SUMS works as it is, too.
        let shipped = try Tool.run("sha256sum", ["-c", "--strict", "SHA256SUMS"], in: extracted)
        #expect(shipped?.status == 0, "\(shipped?.output ?? "")")

        let verify = try Tool.run(
            "openssl",
            ["pkeyutl", "-verify", "-pubin", "-inkey", "export-key.pem", "-rawin", "-in", "manifest.json", "-sigfile", "manifest.sig"],
            in: extracted)
        #expect(verify?.status == 0, "\(verify?.output ?? "")")
        #expect(verify?.output.contains("Signature Verified Successfully") == true, "\(verify?.output ?? "")")

        // openssl refuses a changed manifest.
        let manifestURL = extracted.appendingPathComponent("manifest.json")
        try (Data(contentsOf: manifestURL) + Data(" ".utf8)).write(to: manifestURL)
        let refused = try Tool.run(
            "openssl",
            ["pkeyutl", "-verify", "-pubin", "-inkey", "export-key.pem", "-rawin", "-in", "manifest.json", "-sigfile", "manifest.sig"],
            in: extracted)
        #expect(refused?.status != 0)

        // The published fingerprint matches what openssl computes from the PEM.
        let der = try Tool.run("openssl", ["pkey", "-pubin", "-in", "export-key.pem", "-outform", "DER", "-out", "key.der"], in: extracted)
        #expect(der?.status == 0)
        let derBytes = try Data(contentsOf: extracted.appendingPathComponent("key.der"))
        #expect(BundleSigning.sha256Hex(derBytes) == BundleSigning.fingerprint(key.publicKey))

        let sevenZip = try Tool.run("7z", ["t", zip.path])
        #expect(sevenZip?.status == 0, "\(sevenZip?.output ?? "")")
    }

    @Test("7z tests and extracts the AES-256 bundle with the password, and refuses a wrong one")
    func encryptedBundleWith7z() throws {
        let directory = TemporaryDirectory("casebook-export")
        let (zip, manifest) = try writeBundle(directory, password: Fixture.password)
        let tested = try Tool.run("7z", ["t", "-p\(Fixture.password)", zip.path])
        #expect(tested?.status == 0, "\(tested?.output ?? "")")
        #expect(tested?.output.contains("Everything is Ok") == true, "\(tested?.output ?? "")")
        #expect(tested?.output.contains("AES-256") == true || tested?.output.contains("ZipCrypto") == false)

        let wrong = try Tool.run("7z", ["t", "-pnot-the-password", zip.path])
        #expect(wrong?.status != 0)

        let extracted = directory.url.appendingPathComponent("out")
        let extract = try Tool.run("7z", ["x", "-p\(Fixture.password)", "-o\(extracted.path)", zip.path])
        #expect(extract?.status == 0, "\(extract?.output ?? "")")
        let shipped = try Tool.run("sha256sum", ["-c", "--strict", "SHA256SUMS"], in: extracted)
        #expect(shipped?.status == 0, "\(shipped?.output ?? "")")
        for file in manifest.files {
            let data = try Data(contentsOf: extracted.appendingPathComponent(file.path))
            #expect(BundleSigning.sha256Hex(data) == file.sha256)
        }
        let listing = try Tool.run("7z", ["l", "-slt", "-p\(Fixture.password)", zip.path])
        #expect(listing?.output.contains("Method = AES-256 Deflate") == true, "\(listing?.output ?? "")")
    }
}

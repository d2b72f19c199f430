// libFuzzer target: what `casebook export verify` reads from a bundle someone sent: the zip
// central directory (`ZipDirectory`), plain entries (ZIPFoundation + raw deflate), WinZip AES
// entries (`WinZipAESReader`), the manifest, its signature and checksums (`BundleVerifier`), and
// a password file. A crash, a sanitizer report or a failed invariant (`fuzzCheck`) is a finding.
// Built only by Scripts/fuzz (see docs/fuzzing.md).
import CasebookExport
import Foundation

/// Traps with a message that names the broken invariant (never the input, which could be anything).
func fuzzCheck(_ condition: Bool, _ what: @autoclosure () -> String) {
    if !condition { fatalError("fuzz invariant broken: \(what())") }
}

/// The password the committed encrypted seed bundles were written with.
let seedPassword = try! BundlePassword("fuzz seed password 4471")

public func fuzzExport(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let start, count > 0 else { return 0 }
    let data = Data(bytes: start, count: count)
    let selector = data[data.startIndex]
    let body = Data(data.dropFirst())
    switch selector % 4 {
    case 0, 1:
        // A bundle, plain or encrypted (with the seeds' password, or none: then an encrypted one is refused).
        let verifier = BundleVerifier()
        let report = verifier.verify(archive: body, password: selector % 4 == 0 ? seedPassword : nil)
        if report.isValid {
            fuzzCheck(report.manifest != nil, "a valid bundle has its manifest")
            fuzzCheck(report.encrypted == false || selector % 4 == 0, "an encrypted bundle verified without a password")
        }
        for problem in report.problems {
            fuzzCheck(!problem.message.isEmpty, "a problem says what it is")
        }
        // Verification is a pure function of the bytes.
        let again = verifier.verify(archive: body, password: selector % 4 == 0 ? seedPassword : nil)
        fuzzCheck(again.codes == report.codes && again.isValid == report.isValid, "verification is deterministic")
    case 2:
        // The manifest on its own: what decodes re-encodes canonically and decodes to the same value.
        if let manifest = try? BundleManifest.decode(body) {
            guard let canonical = try? manifest.canonicalJSON() else { fuzzCheck(false, "manifest encodes"); return 0 }
            fuzzCheck((try? BundleManifest.decode(canonical)) == manifest, "manifest round trip")
            fuzzCheck((try? BundleManifest.decode(canonical).canonicalJSON()) == canonical, "canonical manifest is stable")
            _ = BundleManifest.checksumList(manifest.files)
        }
    default:
        // A password file: the first line, never empty.
        if let password = try? BundlePassword(fileContents: body) {
            _ = try? password.requireStrongForNewBundle()
            _ = BundleVerifier().verify(archive: body, password: password)
        }
    }
    return 0
}

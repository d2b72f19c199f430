import CasebookCrypto
import CasebookModels
import CasebookTestSupport
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Issue 12 (ADR 0018): secret and content files are owner-only from the first byte, and a
/// tampered KDF header cannot make unlocking allocate more than 1 GiB.
@Suite struct OwnerOnlyFileTests {
    static func mode(_ path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return (attributes[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }

    @Test("files are created 0600 even under a permissive umask, never overwritten by create, replaced whole by replace")
    func ownerOnly() throws {
        let dir = TemporaryDirectory()
        let previous = umask(0)  // the most permissive a user could have
        defer { umask(previous) }
        let key = dir.path("recovery.key")
        try OwnerOnlyFile.create(key, contents: Data("secret one".utf8))
        #expect(try Self.mode(key) == 0o600)
        let refused = #expect(throws: CasebookError.self) { try OwnerOnlyFile.create(key, contents: Data("secret two".utf8)) }
        #expect(refused?.message.contains("never overwritten") == true)
        #expect(try Data(contentsOf: URL(fileURLWithPath: key)) == Data("secret one".utf8))
        try OwnerOnlyFile.replace(key, contents: Data("secret three".utf8))
        #expect(try Self.mode(key) == 0o600)
        #expect(try Data(contentsOf: URL(fileURLWithPath: key)) == Data("secret three".utf8))
        let database = dir.path("server.db")
        try OwnerOnlyFile.createEmptyIfMissing(database)
        try OwnerOnlyFile.createEmptyIfMissing(database)  // idempotent
        #expect(try Self.mode(database) == 0o600)
        // No temporary file is left beside them.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.url.path).sorted() == ["recovery.key", "server.db"])
    }

    @Test("a create through a planted symlink does not write through it")
    func symlinkPlanted() throws {
        let dir = TemporaryDirectory()
        let target = dir.path("elsewhere")
        try Data("untouched".utf8).write(to: URL(fileURLWithPath: target))
        try FileManager.default.createSymbolicLink(atPath: dir.path("export-key.pem"), withDestinationPath: target)
        #expect(throws: CasebookError.self) { try OwnerOnlyFile.create(dir.path("export-key.pem"), contents: Data("key".utf8)) }
        #expect(try Data(contentsOf: URL(fileURLWithPath: target)) == Data("untouched".utf8))
    }

    @Test("KDF parameters needing more than 1 GiB are refused before any work", arguments: [(22, 8, 1), (20, 16, 1), (20, 8, 2), (21, 8, 1)])
    func kdfCeiling(logN: Int, r: Int, p: Int) {
        let parameters = KDFParameters(logN: logN, r: r, p: p, salt: Data(repeating: 1, count: 16))
        let started = ContinuousClock.now
        let error = #expect(throws: CasebookError.self) { try PassphraseKDF.deriveKey(passphrase: "whatever it is", parameters: parameters) }
        #expect(error?.code == .vaultCorrupt)
        #expect(ContinuousClock.now - started < .seconds(1), "refused before scrypt runs")
        #expect(KDFParameters(logN: 20, r: 8, p: 1, salt: Data(repeating: 1, count: 16)).memoryBytes == 1 << 30, "1 GiB itself is accepted")
    }
}

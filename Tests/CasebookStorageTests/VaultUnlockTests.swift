import CasebookModels
import CasebookStorage
import CasebookTestSupport
import Foundation
import GRDB
import Testing

@Suite struct VaultUnlockTests {
    @Test func wrongPassphraseIsRefusedClearly() throws {
        let fixture = try VaultFixture(withClient: false)
        let error = #expect(throws: CasebookError.self) {
            try Vault.open(at: fixture.vault.path, unlock: .passphrase("not the passphrase at all"))
        }
        #expect(error?.code == .wrongPassphrase)
        #expect(error?.message.contains("not the passphrase") == false)
    }

    @Test func missingAndMalformedVaultsAreReported() throws {
        let dir = TemporaryDirectory()
        let missing = #expect(throws: CasebookError.self) { try Vault.open(at: dir.path("nope.casebook"), unlock: .passphrase("x")) }
        #expect(missing?.code == .vaultMissing)
        let junk = dir.path("junk.casebook")
        try Data(repeating: 0x41, count: 8192).write(to: URL(fileURLWithPath: junk))
        let malformed = #expect(throws: CasebookError.self) { try Vault.open(at: junk, unlock: .passphrase("x")) }
        #expect(malformed?.code == .vaultDamaged)
    }

    @Test func creatingOverAnExistingVaultIsRefused() throws {
        let fixture = try VaultFixture(withClient: false)
        let error = #expect(throws: CasebookError.self) {
            try Vault.create(at: fixture.vault.path, passphrase: Synthetic.passphrase, ownerName: "X", role: .practitioner)
        }
        #expect(error?.code == .vaultExists)
    }

    @Test func shortPassphrasesAreRefused() {
        let dir = TemporaryDirectory()
        #expect(throws: CasebookError.self) { try Vault.create(at: dir.path("v"), passphrase: "short", ownerName: "X", role: .practitioner) }
        #expect(!FileManager.default.fileExists(atPath: dir.path("v")))
    }

    @Test("the unlock agent's hand-over opens only its own vault, and nothing of it is in the file")
    func handOverOpensOnlyItsVault() throws {
        let fixture = try VaultFixture(withClient: false)
        let handOver = try fixture.vault.handOver()
        #expect(String(describing: handOver) == "IdentityHandOver(<redacted>)")
        let reopened = try Vault.open(at: fixture.vault.path, unlock: .handOver(handOver), clock: fixture.clock)
        #expect(reopened.device == fixture.vault.device)
        // A tampered key, or another vault's hand-over, fails.
        var key = handOver.key
        key[0] ^= 1
        let tampered = #expect(throws: CasebookError.self) {
            try Vault.open(at: fixture.vault.path, unlock: .handOver(IdentityHandOver(ciphertext: handOver.ciphertext, key: key)), clock: fixture.clock)
        }
        #expect(tampered?.code == .sessionExpired)
        let other = try VaultFixture(withClient: false)
        #expect(throws: CasebookError.self) {
            try Vault.open(at: fixture.vault.path, unlock: .handOver(try other.vault.handOver()), clock: fixture.clock)
        }
        // The vault file holds no unlock session table and no copy of the hand-over's key.
        try fixture.vault.checkpoint()
        let queue = try DatabaseQueue(path: fixture.vault.path)
        #expect(try queue.read { db in try db.tableExists("unlock_sessions") } == false)
        for file in fixture.vault.filePaths where FileManager.default.fileExists(atPath: file) {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: file))
            #expect(bytes.range(of: handOver.key) == nil, "the hand-over key is in \(file)")
        }
    }

    @Test("opening a vault of an older version deletes its sealed unlock sessions")
    func migrationDeletesOldSessions() throws {
        let fixture = try VaultFixture(withClient: false)
        let path = fixture.vault.path
        // Given a file as an older version left it: the table and a sealed copy, and the migration not yet run.
        let queue = try DatabaseQueue(path: path)
        let canary = Data("old-sealed-session-canary".utf8)
        try queue.write { db in
            try db.execute(sql: "CREATE TABLE unlock_sessions (id TEXT PRIMARY KEY NOT NULL, expires_at_ms INTEGER NOT NULL, sealed BLOB NOT NULL)")
            try db.execute(sql: "INSERT INTO unlock_sessions VALUES ('s1', 0, ?)", arguments: [canary])
            try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = 'v3-no-unlock-sessions'")
        }
        try queue.close()
        // When it is opened, then the sealed copy is gone from the file and the WAL.
        let reopened = try Vault.open(at: path, unlock: .passphrase(Synthetic.passphrase), clock: fixture.clock)
        try reopened.checkpoint()
        #expect(try DatabaseQueue(path: path).read { db in try db.tableExists("unlock_sessions") } == false)
        for file in reopened.filePaths where FileManager.default.fileExists(atPath: file) {
            #expect(try Data(contentsOf: URL(fileURLWithPath: file)).range(of: canary) == nil, "an old sealed session survives in \(file)")
        }
    }
}

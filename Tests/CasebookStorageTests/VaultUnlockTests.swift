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
        #expect(malformed?.code == .vaultCorrupt)
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

    @Test func sessionTokensUnlockUntilExpiryOrLock() throws {
        let fixture = try VaultFixture(withClient: false)
        let (token, _) = try fixture.vault.startSession(minutes: 10)
        let reopened = try Vault.open(at: fixture.vault.path, unlock: .session(token), clock: fixture.clock)
        #expect(reopened.device == fixture.vault.device)
        // A token for another session id, or a tampered key, fails.
        let tampered = String(token.dropLast(2)) + (token.hasSuffix("AA") ? "BB" : "AA")
        #expect(throws: CasebookError.self) { try Vault.open(at: fixture.vault.path, unlock: .session(tampered), clock: fixture.clock) }
        // Expiry.
        fixture.clock.advance(by: 11 * 60)
        let expired = #expect(throws: CasebookError.self) { try Vault.open(at: fixture.vault.path, unlock: .session(token), clock: fixture.clock) }
        #expect(expired?.code == .sessionExpired)
        // Lock ends sessions.
        fixture.clock.advance(by: -11 * 60)
        let (second, _) = try fixture.vault.startSession(minutes: 10)
        try fixture.vault.lock()
        #expect(throws: CasebookError.self) { try Vault.open(at: fixture.vault.path, unlock: .session(second), clock: fixture.clock) }
    }

    @Test func extendingTheStoredExpiryDoesNotExtendTheSession() throws {
        let fixture = try VaultFixture(withClient: false)
        let (token, _) = try fixture.vault.startSession(minutes: 1)
        let pool = try DatabaseQueue(path: fixture.vault.path)
        try pool.write { db in try db.execute(sql: "UPDATE unlock_sessions SET expires_at_ms = expires_at_ms + 86400000") }
        fixture.clock.advance(by: 120)
        #expect(throws: CasebookError.self) { try Vault.open(at: fixture.vault.path, unlock: .session(token), clock: fixture.clock) }
    }
}

import CasebookModels
@testable import CasebookStorage
import CasebookTestSupport
import Foundation
import GRDB
import Testing

/// Backup and restore, damaged vault files and a full disk (issue 16, ADR 0021), on real SQLite files.
@Suite struct VaultBackupTests {
    /// A fixture with one logged session, checkpointed so its main file holds everything.
    private func fixtureWithSession() throws -> VaultFixture {
        let fixture = try VaultFixture()
        _ = try fixture.vault.logSession(fixture.draft())
        try fixture.vault.checkpoint()
        return fixture
    }

    private func mode(_ path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }

    @Test("backup then restore gives the same records, an intact audit chain and owner-only files")
    func roundTrip() throws {
        let fixture = try fixtureWithSession()
        let backup = fixture.directory.path("copies/vault.backup")
        try FileManager.default.createDirectory(atPath: fixture.directory.path("copies"), withIntermediateDirectories: true)
        let made = try Vault.backup(vaultAt: fixture.vault.path, to: backup)
        #expect(try mode(backup) == 0o600)
        #expect(made.device == fixture.vault.device && !made.enrolled)
        #expect(made.revisions > 0 && made.auditEntries > 0)
        #expect(!FileManager.default.fileExists(atPath: backup + "-wal") && !FileManager.default.fileExists(atPath: backup + "-journal"))

        let target = fixture.directory.path("restored/vault.casebook")
        let result = try Vault.restore(from: backup, to: target, replace: false)
        #expect(result.previousVaultKeptAt == nil)
        #expect(result.summary.revisions == made.revisions && result.summary.auditEntries == made.auditEntries)
        #expect(try mode(target) == 0o600)
        let restored = try Vault.open(at: target, unlock: .passphrase(Synthetic.passphrase), clock: fixture.clock)
        try restored.checkFile()
        #expect(try restored.verifyAudit().brokenAt == nil)
        #expect(try restored.clients().map(\.id) == [fixture.client])
        let sessions = try restored.sessions(client: fixture.client)
        #expect(sessions.count == 1)
        #expect(sessions.map(\.session.topics) == (try fixture.vault.sessions(client: fixture.client)).map(\.session.topics))
        // Nothing staged is left beside the restored vault.
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: fixture.directory.path("restored")).filter { $0.contains("restoring") }
        #expect(leftovers.isEmpty)
    }

    @Test("a backup never overwrites an existing file")
    func backupNeverOverwrites() throws {
        let fixture = try fixtureWithSession()
        let existing = fixture.directory.path("existing.backup")
        try Data("keep me".utf8).write(to: URL(fileURLWithPath: existing))
        let error = #expect(throws: CasebookError.self) { try Vault.backup(vaultAt: fixture.vault.path, to: existing) }
        #expect(error?.code == .invalidInput)
        #expect(error?.message.contains("never overwritten") == true)
        #expect(try Data(contentsOf: URL(fileURLWithPath: existing)) == Data("keep me".utf8))
    }

    @Test("restore refuses an existing vault unless --replace, and then keeps the old one aside")
    func restoreOverExistingVault() throws {
        let fixture = try fixtureWithSession()
        let backup = fixture.directory.path("vault.backup")
        _ = try Vault.backup(vaultAt: fixture.vault.path, to: backup)
        _ = try fixture.vault.logSession(fixture.draft(topics: "A later session about school", on: "2026-11-09"))
        try fixture.vault.checkpoint()
        let before = try Data(contentsOf: URL(fileURLWithPath: fixture.vault.path))

        let refused = #expect(throws: CasebookError.self) { try Vault.restore(from: backup, to: fixture.vault.path, replace: false) }
        #expect(refused?.code == .vaultExists)
        #expect(try Data(contentsOf: URL(fileURLWithPath: fixture.vault.path)) == before)

        let when = Date(timeIntervalSince1970: 1_795_000_000)
        let result = try Vault.restore(from: backup, to: fixture.vault.path, replace: true, now: when)
        let aside = try #require(result.previousVaultKeptAt)
        #expect(aside.hasPrefix(fixture.vault.path + ".before-restore-"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: aside)) == before)
        let restored = try Vault.open(at: fixture.vault.path, unlock: .passphrase(Synthetic.passphrase), clock: fixture.clock)
        #expect(try restored.sessions(client: fixture.client).count == 1)
        let previous = try Vault.open(at: aside, unlock: .passphrase(Synthetic.passphrase), clock: fixture.clock)
        #expect(try previous.sessions(client: fixture.client).count == 2)
    }

    @Test("restore refuses a damaged backup, a file that is not a vault, and a missing one, creating nothing")
    func restoreRefusesBadBackups() throws {
        let fixture = try fixtureWithSession()
        let backup = fixture.directory.path("vault.backup")
        _ = try Vault.backup(vaultAt: fixture.vault.path, to: backup)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: backup))
        let target = fixture.directory.path("target/vault.casebook")

        let truncated = fixture.directory.path("truncated.backup")
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: truncated))
        let damaged = #expect(throws: CasebookError.self) { try Vault.restore(from: truncated, to: target, replace: false) }
        #expect(damaged?.code == .vaultDamaged)

        let other = fixture.directory.path("other.sqlite")
        let queue = try DatabaseQueue(path: other)
        try queue.write { db in try db.execute(sql: "CREATE TABLE t (x); INSERT INTO t VALUES (1)") }
        try queue.close()
        let foreign = #expect(throws: CasebookError.self) { try Vault.restore(from: other, to: target, replace: false) }
        #expect(foreign?.code == .invalidInput)
        #expect(foreign?.message.contains("not a Casebook vault") == true)

        let missing = #expect(throws: CasebookError.self) { try Vault.restore(from: fixture.directory.path("nope"), to: target, replace: false) }
        #expect(missing?.code == .notFound)
        #expect(!FileManager.default.fileExists(atPath: target))
        let leftovers = (try? FileManager.default.contentsOfDirectory(atPath: fixture.directory.path("target"))) ?? []
        #expect(leftovers.isEmpty, "nothing staged is left: \(leftovers)")
    }

    @Test("a truncated vault file gives the damaged error naming the remedy, never SQLite's message")
    func truncatedVault() throws {
        let fixture = try fixtureWithSession()
        let bytes = try Data(contentsOf: URL(fileURLWithPath: fixture.vault.path))
        for keep in [0, 100, 3000, bytes.count / 2, bytes.count - 4096] {
            let copy = fixture.directory.path("truncated-\(keep).casebook")
            try bytes.prefix(keep).write(to: URL(fileURLWithPath: copy))
            let error = #expect(throws: CasebookError.self, "truncated to \(keep) bytes") {
                let vault = try Vault.open(at: copy, unlock: .handOver(try fixture.vault.handOver()), clock: fixture.clock)
                try vault.checkFile()
            }
            #expect(error?.code == .vaultDamaged, "truncated to \(keep) bytes: \(error?.message ?? "")")
            // Both remedies, as a hint the app renders (ADR 0029): the library names no command.
            #expect(error?.hint == .recoverDamagedVault(enrolled: nil))
            #expect(error?.description.contains("restore a backup") == true && error?.description.contains("enrol a new vault") == true)
            #expect(error?.message.contains("'casebook") == false)
            #expect(error?.message.contains("SQLite") == false && error?.message.contains("malformed") == false)
        }
    }

    @Test("flipped bytes in any page: damaged (at open or by the file check), or harmless; never another error")
    func flippedPages() throws {
        let fixture = try fixtureWithSession()
        let bytes = try Data(contentsOf: URL(fileURLWithPath: fixture.vault.path))
        let pageSize = 4096
        let pages = bytes.count / pageSize
        let handOver = try fixture.vault.handOver()
        var detected: [Int] = []
        for page in 0..<pages {
            var damaged = bytes
            let start = page * pageSize + (page == 0 ? 100 : 0)  // the b-tree page header (after the file header on page 1)
            for i in start..<(start + 8) { damaged[i] ^= 0xA5 }
            let copy = fixture.directory.path("flipped-\(page).casebook")
            try damaged.write(to: URL(fileURLWithPath: copy))
            do {
                let vault = try Vault.open(at: copy, unlock: .handOver(handOver), clock: fixture.clock)
                try vault.checkFile()
                _ = try vault.verifyAudit()
            } catch let error as CasebookError {
                #expect(error.code == .vaultDamaged, "page \(page + 1): \(error.code) \(error.message)")
                detected.append(page + 1)
            } catch {
                Issue.record("page \(page + 1): not a CasebookError: \(error)")
            }
        }
        #expect(detected.contains(1) && detected.contains(2))
        // Pages that hold nothing (freed and zeroed by secure_delete) may be flipped harmlessly; the rest are found.
        #expect(detected.count * 2 > pages, "detected \(detected.count) of \(pages): \(detected)")
    }

    @Test("a full disk during a commit: a clear error, nothing saved, and the command works once there is room")
    func diskFullDuringCommit() throws {
        let fixture = try fixtureWithSession()
        let vault = fixture.vault
        let current = try vault.pool.read { db in try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0 }
        // SQLite's own page limit stands in for a small filesystem here (Scripts/e2e-backup fills a real tmpfs).
        try vault.pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA max_page_count = \(current)") }
        let auditBefore = try vault.verifyAudit().entries
        let long = String(repeating: "Talked about friendships, sleep and homework at length. ", count: 150)
        let error = #expect(throws: CasebookError.self) { try vault.logSession(fixture.draft(topics: long, on: "2026-11-09")) }
        #expect(error?.code == .diskFull)
        #expect(error?.message == VaultFileFailure.diskFullMessage)

        try vault.pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA max_page_count = 1073741823") }
        let audit = try vault.verifyAudit()
        #expect(audit.brokenAt == nil && audit.entries == auditBefore, "the failed commit left nothing, not even its audit entry")
        #expect(try vault.sessions(client: fixture.client).count == 1)
        _ = try vault.logSession(fixture.draft(topics: long, on: "2026-11-09"))
        #expect(try vault.sessions(client: fixture.client).count == 2)
        #expect(try vault.verifyAudit().brokenAt == nil)
        try vault.checkFile()
    }

    @Test("an unconverted storage error reaching the CLI's edge is mapped to one clear line")
    func edgeMapping() {
        let full = VaultFileFailure.casebookError(for: DatabaseError(resultCode: .SQLITE_FULL))
        #expect(full?.code == .diskFull)
        let corrupt = VaultFileFailure.casebookError(for: DatabaseError(resultCode: .SQLITE_CORRUPT))
        #expect(corrupt?.code == .vaultDamaged)
        #expect(VaultFileFailure.casebookError(for: CocoaError(.fileNoSuchFile)) == nil)
    }
}

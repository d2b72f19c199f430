import CasebookModels
@testable import CasebookStorage
import CasebookTestSupport
import Foundation
import GRDB
import Testing

/// Retention rule per case, holds, and erasure by crypto-shredding (raw bytes of the db, WAL and SHM).
@Suite("Retention and erasure")
struct RetentionErasureTests {
    /// Replaces the owner's roles (the standalone vault's owner is always an administrator).
    static func setRoles(_ vault: Vault, _ roles: [Role]) throws {
        _ = try vault.pool.write { db in
            try vault.commit(db, [.init(record: vault.person.recordID, type: .person, caseID: .organisation,
                                        fields: ["roles": .array(roles.map { .string($0.rawValue) })])], action: .update)
        }
    }

    static func logSession(_ vault: Vault, _ client: ClientID, topics: String = "exam stress") throws -> SessionRecord {
        try vault.logSession(SessionDraft(clientID: client, on: vault.clock.today, minutes: 50, platform: "Microsoft Teams",
                                          practitionerPrivate: true, clientPrivate: true, topics: topics, progress: "steady",
                                          followUp: "next week")).session
    }

    @Test("retention due: adults seven years after the last contact, children by birthday; holds stop it")
    func retentionDue() throws {
        let clock = TestClock(on: SafeguardingFixture.start) // 2026-11-02
        let vault = try SafeguardingFixture.vault(role: .dsl, clock: clock)
        let adult = try SafeguardingFixture.client(in: vault, name: "Adult Client", born: LocalDate(iso: "1990-05-01"))
        let child = try SafeguardingFixture.client(in: vault, name: "Child Client", born: LocalDate(iso: "2009-12-01")) // 16 at last contact
        let teen = try SafeguardingFixture.client(in: vault, name: "Teen Client", born: LocalDate(iso: "2009-01-01")) // 17
        for id in [adult.id, child.id, teen.id] { _ = try Self.logSession(vault, id) }
        let held = try vault.placeRetentionHold(client: adult.id, reason: .litigation)
        #expect(try vault.retention(dueOnly: true).isEmpty)

        let all = try vault.retention(dueOnly: false)
        let due = Dictionary(uniqueKeysWithValues: all.map { ($0.clientID, $0.status) })
        #expect(due[adult.id] == .held(dueOn: LocalDate(iso: "2033-11-02")!, reasons: [.litigation]))
        #expect(due[child.id] == .retain(dueOn: LocalDate(iso: "2034-12-01")!))
        #expect(due[teen.id] == .retain(dueOn: LocalDate(iso: "2035-01-01")!))

        // Keep everyone trained while the years pass.
        clock.advance(days: 7 * 366)
        try vault.recordTraining(course: .confidentiality, completedOn: clock.today)
        try vault.recordTraining(course: .dataProtection, completedOn: clock.today)
        #expect(try vault.retention(dueOnly: true).map(\.status.label) == ["held"])
        try vault.liftRetentionHold(held.id)
        #expect(try vault.retention(dueOnly: true).map(\.clientID) == [adult.id])
        #expect(throws: CasebookError.self) { try vault.liftRetentionHold(held.id) }
    }

    @Test("holds and erasure need an administrator or the DSL", arguments: ["hold", "erase", "retention"])
    func rolesRefused(action: String) throws {
        let vault = try SafeguardingFixture.vault(role: .practitioner)
        let client = try SafeguardingFixture.client(in: vault)
        try Self.setRoles(vault, [.practitioner])
        do throws(CasebookError) {
            switch action {
            case "hold": try vault.placeRetentionHold(client: client.id, reason: .safeguarding)
            case "erase": try vault.erase(client: client.id)
            default: _ = try vault.retention()
            }
            Issue.record("a practitioner could \(action)")
        } catch {
            #expect(error.code == .notAuthorised)
        }
        #expect(try vault.auditEntries().allSatisfy { $0.action != .erase })
        #expect(try vault.clientDetail(client.id).client.id == client.id)
    }

    @Test("erasure is refused while a hold is active")
    func holdBlocksErasure() throws {
        let vault = try SafeguardingFixture.vault(role: .dsl)
        let client = try SafeguardingFixture.client(in: vault)
        let hold = try vault.placeRetentionHold(client: client.id, reason: .safeguarding)
        do throws(CasebookError) { try vault.erase(client: client.id); Issue.record("erased under a hold") } catch {
            #expect(error.message.contains("retention hold (safeguarding)"))
        }
        #expect(try vault.clientDetail(client.id).client.id == client.id)
        try vault.liftRetentionHold(hold.id)
        // An open safeguarding concern also stops erasure until the DSL closes it.
        let concern = try vault.raiseConcern(client: client.id, category: .riskToSelf, details: "x")
        do throws(CasebookError) { try vault.erase(client: client.id); Issue.record("erased with an open concern") } catch {
            #expect(error.message.contains("safeguarding concern(s) not closed"))
        }
        try vault.closeConcern(concern.id, outcome: "Resolved")
        try vault.erase(client: client.id)
        #expect(throws: CasebookError.self) { try vault.clientDetail(client.id) }
    }

    static func rawBytes(_ vault: Vault) -> Data {
        vault.filePaths.reduce(into: Data()) { all, path in all += FileManager.default.contents(atPath: path) ?? Data() }
    }

    /// Fragments of every ciphertext-bearing row of the case: 24 bytes from the start, middle and end.
    static func fragments(_ blobs: [Data]) -> [Data] {
        blobs.filter { $0.count >= 24 }.flatMap { blob -> [Data] in
            let mid = blob.count / 2 - 12
            return [blob.prefix(24), blob.subdata(in: blob.startIndex + mid ..< blob.startIndex + mid + 24), blob.suffix(24)].map { Data($0) }
        }
    }

    @Test("erasure crypto-shreds: no canary and no byte of the case's ciphertext or wrapped keys remains in the db, WAL or SHM")
    func erasureRawBytes() throws {
        let canary = "QXCANARY7731"
        let vault = try SafeguardingFixture.vault(role: .dsl)
        let path = vault.path
        let client = try SafeguardingFixture.client(in: vault, name: "\(canary) Zebedee")
        let keeper = try SafeguardingFixture.client(in: vault, name: "Keeper Client")
        _ = try Self.logSession(vault, client.id, topics: "\(canary) topics in the notes")
        let concern = try vault.raiseConcern(client: client.id, category: .riskToSelf, details: "\(canary) details")
        try vault.closeConcern(concern.id, outcome: "\(canary) outcome")
        try vault.recordReleaseConsent(client: client.id, recipient: "GP", purpose: "\(canary) purpose", until: nil)

        // Given: the case's sealed rows and wrapped keys, and proof that they are in the files now.
        let blobs: [Data] = try vault.pool.read { db in
            try Data.fetchAll(db, sql: "SELECT ciphertext FROM revisions WHERE case_id = ?", arguments: [client.id.rawValue])
                + Data.fetchAll(db, sql: "SELECT signature FROM revisions WHERE case_id = ?", arguments: [client.id.rawValue])
                + Data.fetchAll(db, sql: "SELECT ciphertext FROM case_keys WHERE case_id = ?", arguments: [client.id.rawValue])
                + Data.fetchAll(db, sql: "SELECT encapsulated FROM case_keys WHERE case_id = ?", arguments: [client.id.rawValue])
        }
        let fragments = Self.fragments(blobs)
        #expect(fragments.count >= 12)
        let before = Self.rawBytes(vault)
        // (a fragment may straddle an overflow-page boundary, so most, not all, are found contiguously)
        let seen = fragments.filter { before.range(of: $0) != nil }.count
        #expect(seen * 10 >= fragments.count * 9, "the test must see the rows before erasure (\(seen) of \(fragments.count))")
        #expect(before.range(of: Data(canary.utf8)) == nil, "P1: the canary is never stored in plaintext")

        // When
        let certificate = try vault.erase(client: client.id)

        // Then: nothing of the case remains in any file
        let after = Self.rawBytes(vault)
        #expect(after.range(of: Data(canary.utf8)) == nil)
        let survivors = fragments.filter { after.range(of: $0) != nil }
        #expect(survivors.isEmpty, "\(survivors.count) fragments of the erased case are still in the files")
        let walSize = (try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int) ?? 0
        #expect(walSize == 0, "the WAL is truncated")
        let rows: (Int, Int, Int) = try vault.pool.read { db in
            (try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM revisions WHERE case_id = ?", arguments: [client.id.rawValue]) ?? -1,
             try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM case_keys WHERE case_id = ?", arguments: [client.id.rawValue]) ?? -1,
             try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox o JOIN revisions r ON r.id = o.revision_id WHERE r.case_id = ?",
                              arguments: [client.id.rawValue]) ?? -1)
        }
        #expect(rows.0 == 0)
        #expect(rows.1 == 0)
        #expect(rows.2 == 0)

        // And: the certificate (ids and counts only) and the audit log say what happened
        #expect(certificate.caseID == client.id && certificate.erasedBy == vault.person)
        #expect(certificate.revisionsDestroyed * 2 + certificate.wrappedKeysDestroyed * 2 == blobs.count)
        #expect(certificate.wrappedKeysDestroyed == 1)
        #expect(!certificate.serverErasurePending, "no server is configured in this vault")
        let erase = try vault.auditEntries().filter { $0.action == .erase }
        #expect(erase.count == 1 && erase[0].caseID == client.id)
        #expect(try vault.verifyAudit().intact)
        #expect(try vault.pendingServerErasures() == [client.id])

        // And: a reopened vault knows nothing of the case but keeps everything else
        let reopened = try Vault.open(at: path, unlock: .passphrase(SafeguardingFixture.passphrase), clock: vault.clock)
        #expect(try reopened.clients().map(\.id) == [keeper.id])
        #expect(try reopened.destructionCertificates().map(\.id) == [certificate.id])
        #expect(throws: CasebookError.self) { try reopened.clientDetail(client.id) }
        #expect(try reopened.verifyAudit().intact)
    }
}

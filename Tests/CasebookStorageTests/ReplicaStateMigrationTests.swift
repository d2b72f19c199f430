import CasebookCrypto
import CasebookModels
@testable import CasebookStorage
import CasebookTestSupport
import Foundation
import GRDB
import Testing

/// Issue 17 / ADR 0028: the key/value `sync_state` table became typed tables (migration
/// `v4-replica-state`); a vault written before keeps every kind of state it held there.
@Suite("Replica state tables and their migration from sync_state")
struct ReplicaStateMigrationTests {
    static let typedTables = ["sync_cursors", "replica_settings", "erased_cases", "pending_server_erasures", "server_erasures",
                              "case_grants", "uploaded_key_wraps", "invitations", "queued_concerns", "published_training",
                              "removal_rotations"]

    /// Turns a vault file back into the v3 schema, as the code before ADR 0028 left it: a
    /// `sync_state` table holding `rows` (old key formats), none of the typed tables, and the
    /// migration not yet recorded. Raw SQL on the file, with the vault closed.
    static func rewriteAsV3(_ path: String, rows: [(String, String)]) throws {
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(sql: "CREATE TABLE sync_state (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL)")
            for (key, value) in rows {
                try db.execute(sql: "INSERT INTO sync_state (key, value) VALUES (?, ?)", arguments: [key, value])
            }
            for table in typedTables { try db.execute(sql: "DROP TABLE \(table)") }
            try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = 'v4-replica-state'")
        }
        try queue.close()
    }

    static func tables(_ vault: Vault) throws -> Set<String> {
        Set(try vault.pool.read { db in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'") })
    }

    @Test("a new vault has the typed tables and no sync_state")
    func newVaultSchema() throws {
        let vault = try SafeguardingFixture.vault(role: .dsl)
        let tables = try Self.tables(vault)
        #expect(tables.isSuperset(of: Self.typedTables))
        #expect(!tables.contains("sync_state"))
        #expect(try vault.connectivity().lastSync == nil)
        try vault.recordSyncCompleted(at: Date(timeIntervalSince1970: 1_793_577_600))
        #expect(try vault.connectivity().lastSync == Date(timeIntervalSince1970: 1_793_577_600))
    }

    @Test("a vault written at the old schema opens with every kind of sync_state it held")
    func oldVaultKeepsEveryKindOfState() throws {
        let clock = TestClock(on: SafeguardingFixture.start)
        let invited = PersonID.random()
        let olderErasure = CaseID(rawValue: "c-erased-before")
        let path: String, gone: ClientID, stays: ClientID, erasedRevisions: [SealedRevision], certificate: DestructionCertificate
        let sealedInvite: Data, concern: (id: String, sealed: Data), summaries: [TrainingSummary]
        do {
            let vault = try SafeguardingFixture.vault(role: .dsl, clock: clock)
            path = vault.path
            gone = try SafeguardingFixture.client(in: vault, name: "Erased Example").id
            stays = try SafeguardingFixture.client(in: vault, name: "Kept Example").id
            erasedRevisions = try vault.sealedRevisions(of: gone)
            certificate = try vault.erase(client: gone)
            let secret = EnrolmentSecret.generate()
            try vault.recordInvitation(Invitation(person: invited, name: "Invited Example", role: .practitioner, type: .staff,
                                                  code: "cb1.synthetic", secret: secret, codeHash: secret.serverAuthHash))
            try vault.queueConcern(client: stays.rawValue, category: .riskToSelf, details: "synthetic concern for the migration test")
            summaries = try vault.trainingSummariesToPublish()
            // What the sealing wrote, to store it back the way the old code did (base64 text).
            sealedInvite = try #require(try vault.pool.read { db in
                try Data.fetchOne(db, sql: "SELECT sealed_secret FROM invitations WHERE person_id = ?", arguments: [invited.rawValue])
            })
            let row = try #require(try vault.pool.read { db in try Row.fetchOne(db, sql: "SELECT id, sealed FROM queued_concerns") })
            let id: String = row["id"], sealed: Data = row["sealed"]
            concern = (id, sealed)
        }
        #expect(!erasedRevisions.isEmpty)
        #expect(!summaries.isEmpty, "the owner's training is unpublished, so the test can see it become published")
        let held = HeldEnrolment(device: DeviceID(rawValue: "d-held"), person: invited, name: "Invited Example", fingerprint: "ab12-cd34")
        var rows: [(String, String)] = [
            ("cursor", "c42"),
            ("cursor:case:\(stays.rawValue)", "b7"),
            ("last_sync_at_ms", "1793577600000"),
            ("held-enrolments", String(decoding: try JSONEncoder().encode([held]), as: UTF8.self)),
            ("erased:\(gone.rawValue)", certificate.id.rawValue),
            ("pending_erasure:\(gone.rawValue)", certificate.id.rawValue),
            ("erased:\(olderErasure.rawValue)", "r-older-certificate"),
            ("server_erased:\(olderErasure.rawValue)", "1793491200000"),
            ("grant:\(stays.rawValue)|\(invited.rawValue)", "1"),
            ("wrapped:\(stays.rawValue)#0", "d-alpha,d-beta"),
            ("invite:\(invited.rawValue)", sealedInvite.base64EncodedString()),
            ("queued-concern:\(concern.id)", concern.sealed.base64EncodedString()),
            ("rotate-after-removal:\(stays.rawValue)|d-removed", "2"),
            ("rotate-after-removal:\(olderErasure.rawValue)", "0"),
            ("unknown-kind:1", "kept as it was"),
        ]
        rows += summaries.map { ("training-published:\($0.person.rawValue)", $0.fingerprint) }
        try Self.rewriteAsV3(path, rows: rows)

        let vault = try Vault.open(at: path, unlock: .passphrase(SafeguardingFixture.passphrase), clock: clock)
        let tables = try Self.tables(vault)
        #expect(!tables.contains("sync_state"))
        #expect(tables.contains("sync_state_unrecognised"))
        #expect(try vault.pool.read { db in try String.fetchAll(db, sql: "SELECT value FROM sync_state_unrecognised") } == ["kept as it was"])

        // Cursors and settings.
        #expect(try vault.syncValue(SyncCursorName.main) == "c42")
        #expect(try vault.syncValue(SyncCursorName.backfill(stays)) == "b7")
        #expect(try vault.connectivity().lastSync == Date(timeIntervalSince1970: 1_793_577_600))
        #expect(try vault.heldEnrolments() == [held])

        // Erasure: the tombstone still refuses the erased case's revisions; the server erasures stand.
        let replay = try vault.applyPulled(erasedRevisions.map { PulledRevision(sealed: $0, seq: nil) }, cursor: nil)
        #expect(replay.stored == 0)
        #expect(replay.rejected.count == erasedRevisions.count)
        #expect(replay.rejected.allSatisfy { $0.reason == .caseErased })
        #expect(try vault.pendingServerErasures() == [gone])
        #expect(try vault.serverErasureState(of: gone).state == .pending)
        let older = try vault.serverErasureState(of: olderErasure)
        #expect(older.state == .done && older.at == Date(timeIntervalSince1970: 1_793_491_200))
        #expect(try vault.missingKeyWraps().allSatisfy { $0.caseID != olderErasure && $0.caseID != gone })

        // Grants, uploaded wraps, invitations, queued concerns, published training, removal rotations.
        #expect(try vault.read("test") { db in try vault.grantees(db, stays) } == [invited])
        let uploaded = try vault.pool.read { db in
            try String.fetchAll(db, sql: "SELECT recipient FROM uploaded_key_wraps WHERE case_id = ? AND epoch = 0 ORDER BY recipient",
                                arguments: [stays.rawValue])
        }
        #expect(uploaded == ["d-alpha", "d-beta"])
        #expect(try vault.pendingInvitations() == [invited])
        #expect(try vault.queuedConcerns().map(\.details) == ["synthetic concern for the migration test"],
                "the concern sealed before the migration still opens")
        #expect(try vault.trainingSummariesToPublish().isEmpty, "published training is remembered")
        let rotations = try vault.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT case_id, removed_device, queued_epoch FROM removal_rotations ORDER BY case_id")
                .map { "\($0["case_id"] as String)|\($0["removed_device"] as String)|\($0["queued_epoch"] as Int64)" }
        }
        #expect(Set(rotations) == ["\(stays.rawValue)|d-removed|2", "\(olderErasure.rawValue)||0"])

        // The moved invitation behaves as before: completing it keeps its secret as used.
        try vault.completeInvitation(invited)
        #expect(try vault.pendingInvitations().isEmpty)
        let used = try vault.pool.read { db in
            try Data.fetchOne(db, sql: "SELECT sealed_secret FROM invitations WHERE person_id = ? AND used = 1", arguments: [invited.rawValue])
        }
        #expect(used == sealedInvite)
    }
}

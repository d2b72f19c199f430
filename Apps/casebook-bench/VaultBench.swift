import CasebookModels
import CasebookStorage
import CasebookTestSupport
import Foundation
import GRDB

/// Issue 2's figures: logging one session (redact, encrypt, sign, insert, audit) vs a plain GRDB
/// insert of the same plaintext row; bulk import of 10,000 sessions in one transaction vs plain
/// GRDB; unlock time; state rebuild of a 10,000-record vault vs reading 10,000 plaintext rows.
enum VaultBench {
    static let topics = "Talked about friendships at school, sleep and a worry about moving house; practised a breathing exercise"
    static let progress = "More settled than last week; managing mornings better"
    static let followUp = "Practise the exercise daily; review in two weeks"

    static func plainPool(_ dir: TemporaryDirectory, _ name: String) throws -> DatabasePool {
        var config = Configuration()
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            try db.execute(sql: "PRAGMA secure_delete = ON")
        }
        let pool = try DatabasePool(path: dir.path(name), configuration: config)
        try pool.write { db in
            try db.execute(sql: """
                CREATE TABLE sessions (id TEXT PRIMARY KEY, client_id TEXT, practitioner TEXT, day TEXT, minutes INTEGER,
                platform TEXT, topics TEXT, progress TEXT, follow_up TEXT, status TEXT)
                """)
        }
        return pool
    }

    static func plainInsert(_ db: Database, _ client: ClientID) throws {
        try db.execute(sql: "INSERT INTO sessions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       arguments: [UUID().uuidString, client.rawValue, "p", "2026-11-02", 50, "Microsoft Teams",
                                   topics, progress, followUp, "draft"])
    }

    static func run(single: Int = 300, bulk: Int = 10_000) throws -> [String] {
        var lines = ["== vault (issue 2)"]
        let fixture = try VaultFixture()
        let vault = fixture.vault
        let draft = fixture.draft(topics: topics)
        var d = draft
        d.progress = progress
        d.followUp = followUp
        let dir = TemporaryDirectory()
        let plain = try plainPool(dir, "plain.sqlite")

        // One session, one transaction each (both with synchronous=FULL, WAL).
        let logOne = try Harness.median(runs: single) { _ = try vault.logSession(d) }
        let plainOne = try Harness.median(runs: single) { try plain.write { db in try plainInsert(db, fixture.client) } }
        lines.append(Harness.row("log one session (redact+encrypt+sign+insert+audit, own transaction)", logOne,
                                 baselineName: "plain GRDB insert, own transaction", plainOne, goal: "<= 2x"))

        // Bulk import in one transaction.
        let drafts = Array(repeating: d, count: bulk)
        let bulkVault = try Harness.once { _ = try vault.logSessions(drafts) }
        let plainBulk = try Harness.once { try plain.write { db in for _ in 0..<bulk { try plainInsert(db, fixture.client) } } }
        lines.append(Harness.row("bulk import \(bulk) sessions, one transaction", bulkVault, baselineName: "plain GRDB, one transaction",
                                 plainBulk))

        // Unlock and state rebuild.
        let path = vault.path
        let unlock = try Harness.median(runs: 5, warmup: 1) { _ = try Vault.open(at: path, unlock: .passphrase(Synthetic.passphrase)) }
        let handOver = try vault.handOver()
        let sessionUnlock = try Harness.median(runs: 20) { _ = try Vault.open(at: path, unlock: .handOver(handOver), clock: fixture.clock) }
        lines.append("vault unlock with passphrase (scrypt N=2^17 r=8 p=1): \(Harness.format(unlock)) | from the unlock agent: \(Harness.format(sessionUnlock)) | goal: well under 1 s")
        let records = try vault.revisionCount()
        let rebuild = try Harness.median(runs: 5, warmup: 1) {
            let fresh = try Vault.open(at: path, unlock: .handOver(handOver), clock: fixture.clock)
            _ = try fresh.rebuildAllState()
        }
        let plainRead = try Harness.median(runs: 5, warmup: 1) {
            _ = try plain.read { db in try Row.fetchAll(db, sql: "SELECT * FROM sessions").count }
        }
        lines.append(Harness.row("state rebuild of a vault of \(records) revisions (open, decrypt, merge)", rebuild,
                                 baselineName: "read the same number of plaintext rows", plainRead))
        return lines
    }
}

import CasebookCrypto
import CasebookModels
import CasebookSync
import Foundation
import GRDB

/// The embedded store: one SQLite file in WAL mode through a GRDB `DatabasePool`.
///
/// Commit order: every push runs in one `BEGIN IMMEDIATE` transaction on the pool's single writer,
/// and takes its numbers from `sequence_counter` inside it. SQLite admits one writer at a time, so
/// numbers are handed out and committed in the same order. `synchronous = FULL` makes an
/// acknowledged push survive a crash of the process or of the machine.
public final class SQLiteServerStore: ServerStore {
    let pool: DatabasePool
    public let path: String

    public init(path: String) throws {
        var config = Configuration()
        config.busyMode = .timeout(10)
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            // Erasure (crypto-shredding) must leave no wrapped key or ciphertext in free pages.
            try db.execute(sql: "PRAGMA secure_delete = ON")
        }
        self.path = path
        // Owner-only from the first byte; SQLite gives the WAL and SHM the same mode (ADR 0018).
        try OwnerOnlyFile.createEmptyIfMissing(path)
        pool = try DatabasePool(path: path, configuration: config)
    }

    public func migrate() async throws {
        try await pool.write { db in
            for statement in SQLiteServerStore.schema { try db.execute(sql: statement) }
            for (table, column, definition) in SQLiteServerStore.addedColumns {
                let columns = try Row.fetchAll(db, sql: "PRAGMA table_info(\(table))").map { $0["name"] as String }
                if !columns.contains(column) { try db.execute(sql: "ALTER TABLE \(table) ADD COLUMN \(column) \(definition)") }
            }
        }
    }

    public func ping() async throws {
        _ = try await pool.read { db in try Int.fetchOne(db, sql: "SELECT 1") }
    }

    /// Writes in an IMMEDIATE transaction, so the write lock is taken before anything is read.
    func write<T: Sendable>(_ body: @Sendable @escaping (Database) throws -> T) async throws -> T {
        try await pool.writeWithoutTransaction { db in
            var result: T?
            try db.inTransaction(.immediate) {
                result = try body(db)
                return .commit
            }
            guard let result else { throw CasebookError(.storage, "a transaction produced no result") }
            return result
        }
    }

    static let schema: [String] = [
        """
        CREATE TABLE IF NOT EXISTS organisation (id TEXT PRIMARY KEY, name TEXT NOT NULL, root_device TEXT,
            recovery_key BLOB)
        """,
        """
        CREATE TABLE IF NOT EXISTS people (id TEXT PRIMARY KEY, role TEXT NOT NULL, type TEXT NOT NULL,
            active INTEGER NOT NULL, pending INTEGER NOT NULL, code_hash BLOB UNIQUE, code_expires_ms INTEGER)
        """,
        """
        CREATE TABLE IF NOT EXISTS devices (device_id TEXT PRIMARY KEY, person TEXT NOT NULL REFERENCES people(id),
            signing BLOB NOT NULL, agreement BLOB NOT NULL, certified_by TEXT, certification BLOB,
            certified_roles TEXT, enrolment_proof BLOB)
        """,
        """
        CREATE TABLE IF NOT EXISTS tokens (hash BLOB PRIMARY KEY, device TEXT NOT NULL, expires_ms INTEGER NOT NULL,
            revoked INTEGER NOT NULL DEFAULT 0)
        """,
        "CREATE TABLE IF NOT EXISTS challenges (challenge BLOB PRIMARY KEY, device TEXT NOT NULL, expires_ms INTEGER NOT NULL)",
        """
        CREATE TABLE IF NOT EXISTS grants (case_id TEXT NOT NULL, person TEXT NOT NULL, until TEXT,
            created_ms INTEGER NOT NULL, revoked_ms INTEGER, PRIMARY KEY (case_id, person))
        """,
        "CREATE INDEX IF NOT EXISTS grants_person ON grants(person)",
        """
        CREATE TABLE IF NOT EXISTS wrapped_keys (case_id TEXT NOT NULL, epoch INTEGER NOT NULL,
            recipient_device TEXT NOT NULL, encapsulated BLOB NOT NULL, ciphertext BLOB NOT NULL,
            PRIMARY KEY (case_id, epoch, recipient_device))
        """,
        "CREATE INDEX IF NOT EXISTS wrapped_keys_recipient ON wrapped_keys(recipient_device)",
        """
        CREATE TABLE IF NOT EXISTS revisions (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, case_id TEXT NOT NULL,
            record_type TEXT NOT NULL, record_id TEXT NOT NULL, author_device TEXT NOT NULL, hlc TEXT NOT NULL,
            header BLOB NOT NULL, ciphertext BLOB NOT NULL, signature BLOB NOT NULL, received_ms INTEGER NOT NULL)
        """,
        "CREATE INDEX IF NOT EXISTS revisions_case_seq ON revisions(case_id, seq)",
        "CREATE TABLE IF NOT EXISTS case_owners (case_id TEXT PRIMARY KEY, creator TEXT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS sequence_counter (id INTEGER PRIMARY KEY CHECK (id = 1), last INTEGER NOT NULL)",
        "INSERT OR IGNORE INTO sequence_counter (id, last) VALUES (1, 0)",
        "CREATE TABLE IF NOT EXISTS erased_cases (case_id TEXT PRIMARY KEY, erased_ms INTEGER NOT NULL)",
        // The training gate (P10): per person and required course, the last valid day (NULL = missing).
        """
        CREATE TABLE IF NOT EXISTS training_status (person TEXT NOT NULL, course TEXT NOT NULL, valid_until TEXT,
            updated_ms INTEGER NOT NULL, PRIMARY KEY (person, course))
        """,
        // Membership (docs/adr/0010-membership.md): removed devices with the administrator's signed statement.
        """
        CREATE TABLE IF NOT EXISTS removed_devices (device_id TEXT PRIMARY KEY, removed_by TEXT NOT NULL,
            removed_at TEXT NOT NULL, signature BLOB NOT NULL, removed_ms INTEGER NOT NULL)
        """,
    ]

    /// Columns added after a table was first created, applied in order after `schema` when the
    /// table lacks them (SQLite has no `ADD COLUMN IF NOT EXISTS`). Append only.
    static let addedColumns: [(table: String, column: String, definition: String)] = [
        // Signed wrapped keys (ADR 0009); NULL in rows uploaded before signatures existed.
        ("wrapped_keys", "wrapped_by", "TEXT"),
        ("wrapped_keys", "signature", "BLOB"),
        // Rotation statements (ADR 0013); NULL for epoch 0 and rows stored before statements existed.
        ("wrapped_keys", "rotation", "BLOB"),
    ]
}

func millis(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded(.down)) }
func date(millis: Int64) -> Date { Date(timeIntervalSince1970: Double(millis) / 1000) }

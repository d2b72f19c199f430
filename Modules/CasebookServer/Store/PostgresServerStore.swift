import CasebookCrypto
import CasebookModels
import CasebookSync
import Foundation
public import Logging
public import PostgresNIO

/// The shared store: PostgreSQL through postgres-nio's `PostgresClient` (run as a service).
/// Several `casebook-server` processes may serve the same organisation from one database.
///
/// Commit order: a push first locks the one-row `sequence_counter` (`SELECT … FOR UPDATE`) and
/// holds the lock until its transaction commits. A concurrent push, in this process or another,
/// waits on that row, then reads the counter the first one left. So seq N+1 is only allocated
/// after seq N committed, and no reader ever sees N+1 without N: a cursor never skips a row.
/// (A bare `BIGSERIAL` would hand out 7 and 8 to two transactions and let 8 commit first.)
public final class PostgresServerStore: ServerStore {
    public let client: PostgresClient
    let logger: Logger
    /// Pushes that arrive together commit together (ADR 0027).
    let groupCommit = PushGroupCommit()

    public init(url: String, maxConnections: Int = 20, logger: Logger) throws {
        guard let components = URLComponents(string: url), let host = components.host, let user = components.user else {
            throw CasebookError(.invalidInput, "the PostgreSQL URL must look like postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE")
        }
        let database = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        let sslmode = components.queryItems?.first { $0.name == "sslmode" }?.value ?? "prefer"
        let tls: PostgresClient.Configuration.TLS = switch sslmode {
        case "disable": .disable
        case "require": .require(.makeClientConfiguration())
        default: .prefer(.makeClientConfiguration())
        }
        var configuration = PostgresClient.Configuration(host: host, port: components.port ?? 5432, username: user,
                                                         password: components.password?.removingPercentEncoding,
                                                         database: database.isEmpty ? nil : database, tls: tls)
        configuration.options.maximumConnections = maxConnections
        configuration.options.connectTimeout = .seconds(10)
        client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.logger = logger
    }

    public func migrate() async throws {
        try await transaction { conn in
            // Several processes may start at once: migrate under a transaction-scoped advisory lock.
            try await conn.query("SELECT pg_advisory_xact_lock(4242424242)", logger: logger)
            for statement in Self.schema {
                try await conn.query(PostgresQuery(unsafeSQL: statement), logger: logger)
            }
        }
    }

    /// `client.withTransaction`, rethrowing the closure's own error (postgres-nio wraps it in
    /// `PostgresTransactionError`), so a `CasebookError` keeps its code and HTTP status.
    func transaction<T: Sendable>(_ body: (PostgresConnection) async throws -> sending T) async throws -> T {
        do {
            return try await client.withTransaction(logger: logger, body)
        } catch let error as PostgresTransactionError {
            if let closureError = error.closureError { throw closureError }
            throw CasebookError(.storage, "a database transaction failed")
        }
    }

    public func ping() async throws {
        try await client.query("SELECT 1", logger: logger)
    }

    static let schema: [String] = [
        "CREATE TABLE IF NOT EXISTS organisation (id TEXT PRIMARY KEY, name TEXT NOT NULL, root_device TEXT, recovery_key BYTEA)",
        """
        CREATE TABLE IF NOT EXISTS people (id TEXT PRIMARY KEY, role TEXT NOT NULL, type TEXT NOT NULL, active BOOLEAN NOT NULL,
            pending BOOLEAN NOT NULL, code_hash BYTEA UNIQUE, code_expires_ms BIGINT)
        """,
        """
        CREATE TABLE IF NOT EXISTS devices (device_id TEXT PRIMARY KEY, person TEXT NOT NULL REFERENCES people(id),
            signing BYTEA NOT NULL, agreement BYTEA NOT NULL, certified_by TEXT, certification BYTEA, certified_roles TEXT,
            enrolment_proof BYTEA)
        """,
        """
        CREATE TABLE IF NOT EXISTS tokens (hash BYTEA PRIMARY KEY, device TEXT NOT NULL, expires_ms BIGINT NOT NULL,
            revoked BOOLEAN NOT NULL DEFAULT FALSE)
        """,
        "CREATE TABLE IF NOT EXISTS challenges (challenge BYTEA PRIMARY KEY, device TEXT NOT NULL, expires_ms BIGINT NOT NULL)",
        """
        CREATE TABLE IF NOT EXISTS grants (case_id TEXT NOT NULL, person TEXT NOT NULL, until TEXT, created_ms BIGINT NOT NULL,
            revoked_ms BIGINT, PRIMARY KEY (case_id, person))
        """,
        "CREATE INDEX IF NOT EXISTS grants_person ON grants(person)",
        """
        CREATE TABLE IF NOT EXISTS wrapped_keys (case_id TEXT NOT NULL, epoch BIGINT NOT NULL, recipient_device TEXT NOT NULL,
            encapsulated BYTEA NOT NULL, ciphertext BYTEA NOT NULL, PRIMARY KEY (case_id, epoch, recipient_device))
        """,
        "CREATE INDEX IF NOT EXISTS wrapped_keys_recipient ON wrapped_keys(recipient_device)",
        """
        CREATE TABLE IF NOT EXISTS revisions (seq BIGINT PRIMARY KEY, id TEXT NOT NULL UNIQUE, case_id TEXT NOT NULL,
            record_type TEXT NOT NULL, record_id TEXT NOT NULL, author_device TEXT NOT NULL, hlc TEXT NOT NULL,
            header BYTEA NOT NULL, ciphertext BYTEA NOT NULL, signature BYTEA NOT NULL, received_ms BIGINT NOT NULL)
        """,
        "CREATE INDEX IF NOT EXISTS revisions_case_seq ON revisions(case_id, seq)",
        "CREATE TABLE IF NOT EXISTS case_owners (case_id TEXT PRIMARY KEY, creator TEXT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS sequence_counter (id INTEGER PRIMARY KEY CHECK (id = 1), last BIGINT NOT NULL)",
        "INSERT INTO sequence_counter (id, last) VALUES (1, 0) ON CONFLICT (id) DO NOTHING",
        "CREATE TABLE IF NOT EXISTS erased_cases (case_id TEXT PRIMARY KEY, erased_ms BIGINT NOT NULL)",
        // The training gate (P10): per person and required course, the last valid day (NULL = missing).
        """
        CREATE TABLE IF NOT EXISTS training_status (person TEXT NOT NULL, course TEXT NOT NULL, valid_until TEXT,
            updated_ms BIGINT NOT NULL, PRIMARY KEY (person, course))
        """,
        // Signed wrapped keys (ADR 0009); NULL in rows uploaded before signatures existed.
        "ALTER TABLE wrapped_keys ADD COLUMN IF NOT EXISTS wrapped_by TEXT",
        "ALTER TABLE wrapped_keys ADD COLUMN IF NOT EXISTS signature BYTEA",
        // Rotation statements (ADR 0013); NULL for epoch 0 and rows stored before statements existed.
        "ALTER TABLE wrapped_keys ADD COLUMN IF NOT EXISTS rotation BYTEA",
        // Membership (docs/adr/0010-membership.md): removed devices with the administrator's signed statement.
        """
        CREATE TABLE IF NOT EXISTS removed_devices (device_id TEXT PRIMARY KEY, removed_by TEXT NOT NULL,
            removed_at TEXT NOT NULL, signature BYTEA NOT NULL, removed_ms BIGINT NOT NULL)
        """,
    ]
}

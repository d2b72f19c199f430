import Foundation
import GRDB

/// The vault file's schema. Client content appears only inside `revisions.ciphertext` and
/// `case_keys` holds only wrapped keys: nothing here is plaintext content.
enum VaultSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE meta (key TEXT PRIMARY KEY NOT NULL, value BLOB NOT NULL);
                CREATE TABLE devices (
                    device_id TEXT PRIMARY KEY NOT NULL,
                    person_id TEXT NOT NULL,
                    signing BLOB NOT NULL,
                    agreement BLOB NOT NULL,
                    certified_by TEXT,
                    certification BLOB,
                    roles TEXT
                );
                CREATE TABLE case_keys (
                    case_id TEXT NOT NULL,
                    epoch INTEGER NOT NULL,
                    recipient TEXT NOT NULL,
                    encapsulated BLOB NOT NULL,
                    ciphertext BLOB NOT NULL,
                    PRIMARY KEY (case_id, epoch, recipient)
                );
                CREATE TABLE revisions (
                    local_seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    id TEXT NOT NULL UNIQUE,
                    case_id TEXT NOT NULL,
                    record_id TEXT NOT NULL,
                    record_type TEXT NOT NULL,
                    author_device TEXT NOT NULL,
                    hlc TEXT NOT NULL,
                    key_epoch INTEGER NOT NULL,
                    header BLOB NOT NULL,
                    ciphertext BLOB NOT NULL,
                    signature BLOB NOT NULL,
                    server_seq INTEGER
                );
                CREATE INDEX revisions_by_case ON revisions (case_id, record_type);
                CREATE INDEX revisions_by_record ON revisions (record_id);
                CREATE TABLE outbox (revision_id TEXT PRIMARY KEY NOT NULL, queued_at INTEGER NOT NULL);
                CREATE TABLE sync_state (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL);
                CREATE TABLE audit_log (
                    sequence INTEGER PRIMARY KEY NOT NULL,
                    at_ms INTEGER NOT NULL,
                    actor TEXT NOT NULL,
                    device TEXT NOT NULL,
                    action TEXT NOT NULL,
                    record_type TEXT,
                    record_id TEXT,
                    case_id TEXT,
                    mac BLOB NOT NULL
                );
                CREATE TABLE unlock_sessions (
                    id TEXT PRIMARY KEY NOT NULL,
                    expires_at_ms INTEGER NOT NULL,
                    sealed BLOB NOT NULL
                );
                """)
        }
        // Who wrapped each case key this device holds (signed wrapped keys, ADR 0009): evidence
        // that a person could read a case when they later hand out a newer key of it.
        migrator.registerMigration("v2-wrapped-by") { db in
            try db.execute(sql: "ALTER TABLE case_keys ADD COLUMN wrapped_by TEXT")
        }
        // Membership (docs/adr/0010-membership.md): devices an administrator removed, verified.
        migrator.registerMigration("v2-removed-devices") { db in
            try db.execute(sql: """
                CREATE TABLE removed_devices (
                    device_id TEXT PRIMARY KEY NOT NULL,
                    removed_at TEXT NOT NULL,
                    removed_by TEXT NOT NULL,
                    signature BLOB NOT NULL
                );
                """)
        }
        // Signed rotation statements (ADR 0013): the statement that created each epoch above 0 of a
        // case whose key this replica holds, checked when the key arrived; attached to re-wraps.
        migrator.registerMigration("v3-key-rotations") { db in
            try db.execute(sql: """
                CREATE TABLE key_rotations (
                    case_id TEXT NOT NULL,
                    epoch INTEGER NOT NULL,
                    statement BLOB NOT NULL,
                    PRIMARY KEY (case_id, epoch)
                );
                """)
        }
        // Integrity (docs/adr/0014-nothing-lost-withholding-mass-erasure.md): each revision's device
        // number (from its signed header, for gap detection); revisions held aside for a reason that
        // can pass, retried every sync (the sealed revision as received: ciphertext only); revisions
        // refused for good (ids and reasons only), so the cursor passes nothing unrecorded.
        migrator.registerMigration("v3-integrity") { db in
            try db.execute(sql: """
                ALTER TABLE revisions ADD COLUMN device_seq INTEGER;
                CREATE INDEX revisions_by_device_number ON revisions (author_device, case_id, device_seq) WHERE device_seq IS NOT NULL;
                CREATE TABLE quarantine (
                    revision_id TEXT PRIMARY KEY NOT NULL,
                    case_id TEXT NOT NULL,
                    author_device TEXT NOT NULL,
                    device_seq INTEGER,
                    server_seq INTEGER,
                    header BLOB NOT NULL,
                    ciphertext BLOB NOT NULL,
                    signature BLOB NOT NULL,
                    reason TEXT NOT NULL,
                    first_tried_ms INTEGER NOT NULL,
                    last_tried_ms INTEGER NOT NULL,
                    attempts INTEGER NOT NULL
                );
                CREATE TABLE refused_revisions (
                    revision_id TEXT PRIMARY KEY NOT NULL,
                    case_id TEXT,
                    author_device TEXT,
                    device_seq INTEGER,
                    server_seq INTEGER,
                    reason TEXT NOT NULL,
                    refused_at_ms INTEGER NOT NULL
                );
                """)
        }
        // Unlock sessions live in the unlock agent's memory, not in the file (ADR 0018): sealed
        // copies left by older versions are deleted (secure_delete overwrites them) with their table.
        migrator.registerMigration("v3-no-unlock-sessions") { db in
            try db.execute(sql: "DELETE FROM unlock_sessions")
            try db.execute(sql: "DROP TABLE unlock_sessions")
        }
        // Replica state in typed tables (issue 17, ADR 0028) instead of the string-keyed `sync_state`,
        // whose rows move over (`ReplicaStateMigration`) so that an existing vault keeps every tombstone,
        // grant, invitation and cursor. None of these tables holds client content.
        migrator.registerMigration("v4-replica-state") { db in
            try db.execute(sql: """
                CREATE TABLE sync_cursors (name TEXT PRIMARY KEY NOT NULL, cursor TEXT NOT NULL);
                CREATE TABLE replica_settings (
                    id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
                    last_sync_at_ms INTEGER,
                    held_enrolments TEXT
                );
                INSERT INTO replica_settings (id) VALUES (1);
                CREATE TABLE erased_cases (case_id TEXT PRIMARY KEY NOT NULL, certificate_id TEXT NOT NULL);
                CREATE TABLE pending_server_erasures (case_id TEXT PRIMARY KEY NOT NULL, certificate_id TEXT NOT NULL);
                CREATE TABLE server_erasures (case_id TEXT PRIMARY KEY NOT NULL, erased_at_ms INTEGER NOT NULL);
                CREATE TABLE case_grants (
                    case_id TEXT NOT NULL,
                    person_id TEXT NOT NULL,
                    PRIMARY KEY (case_id, person_id)
                );
                CREATE TABLE uploaded_key_wraps (
                    case_id TEXT NOT NULL,
                    epoch INTEGER NOT NULL CHECK (epoch >= 0),
                    recipient TEXT NOT NULL,
                    PRIMARY KEY (case_id, epoch, recipient)
                );
                CREATE TABLE invitations (
                    person_id TEXT NOT NULL,
                    used INTEGER NOT NULL CHECK (used IN (0, 1)),
                    sealed_secret BLOB NOT NULL,
                    PRIMARY KEY (person_id, used)
                );
                CREATE TABLE queued_concerns (id TEXT PRIMARY KEY NOT NULL, sealed BLOB NOT NULL);
                CREATE TABLE published_training (person_id TEXT PRIMARY KEY NOT NULL, fingerprint TEXT NOT NULL);
                CREATE TABLE removal_rotations (
                    case_id TEXT NOT NULL,
                    removed_device TEXT NOT NULL,
                    queued_epoch INTEGER NOT NULL CHECK (queued_epoch >= 0),
                    PRIMARY KEY (case_id, removed_device)
                );
                """)
            try ReplicaStateMigration.moveSyncState(db)
        }
        return migrator
    }
}

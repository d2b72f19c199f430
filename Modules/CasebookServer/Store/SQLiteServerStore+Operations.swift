public import CasebookCrypto
public import CasebookModels
public import CasebookSync
public import Foundation
import GRDB

extension SQLiteServerStore {
    // MARK: Organisation and people

    public func createOrganisation(id: OrganisationID, name: String, admin: StoredPerson) async throws {
        try await write { db in
            if try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM organisation") ?? 0 > 0 {
                throw CasebookError(.conflict, "this database already holds an organisation")
            }
            try db.execute(sql: "INSERT INTO organisation (id, name) VALUES (?, ?)", arguments: [id.rawValue, name])
            try Self.insertPerson(db, admin)
        }
    }

    public func organisation() async throws -> OrganisationInfo? {
        try await pool.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT id, name, root_device, recovery_key FROM organisation") else {
                return nil
            }
            let people = try Row.fetchAll(db, sql: "SELECT * FROM people ORDER BY id").map { Self.person(from: $0).record }
            let devices = try Row.fetchAll(db, sql: "SELECT * FROM devices ORDER BY device_id").map(Self.device(from:))
            let root: String? = row["root_device"]
            return OrganisationInfo(organisationID: OrganisationID(rawValue: row["id"]), name: row["name"],
                                    rootDevice: root.map(DeviceID.init(rawValue:)), people: people, devices: devices,
                                    recoveryKey: row["recovery_key"])
        }
    }

    public func person(_ id: PersonID) async throws -> StoredPerson? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM people WHERE id = ?", arguments: [id.rawValue]).map(Self.person(from:))
        }
    }

    public func insertPerson(_ person: StoredPerson) async throws {
        try await write { db in try Self.insertPerson(db, person) }
    }

    public func setDeviceCode(person: PersonID, codeHash: Data, codeExpires: Date) async throws {
        try await write { db in
            try db.execute(sql: "UPDATE people SET code_hash = ?, code_expires_ms = ? WHERE id = ? AND active = 1 AND pending = 0",
                           arguments: [codeHash, millis(codeExpires), person.rawValue])
            guard db.changesCount == 1 else { throw CasebookError(.notFound, "no enrolled, active person \(person)") }
        }
    }

    public func enrol(codeHash: Data, device: DeviceRecord, recoveryKey: Data?, now: Date) async throws -> PersonRecord {
        try await write { db in
            // A code is outstanding while its hash is stored: a new person's (pending) or a device code (ADR 0024).
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM people WHERE code_hash = ? AND active = 1",
                                             arguments: [codeHash]) else {
                throw CasebookError(.notAuthorised, "the enrolment code is not valid")
            }
            let stored = Self.person(from: row)
            guard let expires = stored.codeExpires, expires > now else {
                throw CasebookError(.notAuthorised, "the enrolment code is not valid")
            }
            guard stored.record.id == device.person else {
                throw CasebookError(.invalidInput, "the device names another person than the enrolment code")
            }
            if try Int.fetchOne(db, sql: "SELECT 1 FROM devices WHERE device_id = ?", arguments: [device.deviceID.rawValue]) != nil {
                throw CasebookError(.conflict, "device \(device.deviceID) is already registered")
            }
            try db.execute(sql: """
                INSERT INTO devices (device_id, person, signing, agreement, certified_by, certification, certified_roles,
                    enrolment_proof) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [device.deviceID.rawValue, device.person.rawValue, device.signing, device.agreement,
                                 device.certifiedBy?.rawValue, device.certification,
                                 device.certifiedRoles.map { $0.map(\.rawValue).joined(separator: ",") }, device.enrolmentProof])
            try db.execute(sql: "UPDATE people SET pending = 0, code_hash = NULL, code_expires_ms = NULL WHERE id = ?",
                           arguments: [stored.record.id.rawValue])
            if stored.record.role == .admin {
                try db.execute(sql: "UPDATE organisation SET root_device = ?, recovery_key = ? WHERE root_device IS NULL",
                               arguments: [device.deviceID.rawValue, recoveryKey])
            }
            var record = stored.record
            record.pending = false
            return record
        }
    }

    public func device(_ id: DeviceID) async throws -> DeviceRecord? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM devices WHERE device_id = ?", arguments: [id.rawValue]).map(Self.device(from:))
        }
    }

    public func deactivate(_ person: PersonID) async throws {
        try await write { db in
            try db.execute(sql: "UPDATE people SET active = 0 WHERE id = ?", arguments: [person.rawValue])
            guard db.changesCount == 1 else { throw CasebookError(.notFound, "person \(person) does not exist") }
            try db.execute(sql: "UPDATE tokens SET revoked = 1 WHERE device IN (SELECT device_id FROM devices WHERE person = ?)",
                           arguments: [person.rawValue])
        }
    }

    public func certify(device: DeviceID, _ request: CertificationRequest) async throws {
        try await write { db in
            try db.execute(sql: "UPDATE devices SET certified_by = ?, certification = ?, certified_roles = ? WHERE device_id = ?",
                           arguments: [request.certifiedBy.rawValue, request.certification,
                                       request.roles.map(\.rawValue).joined(separator: ","), device.rawValue])
            guard db.changesCount == 1 else { throw CasebookError(.notFound, "device \(device) is not registered") }
        }
    }

    // MARK: Authentication

    public func insertChallenge(_ challenge: Data, device: DeviceID, expiresAt: Date) async throws {
        try await write { db in
            try db.execute(sql: "DELETE FROM challenges WHERE expires_ms < ?", arguments: [millis(expiresAt) - 3_600_000])
            try db.execute(sql: "INSERT INTO challenges (challenge, device, expires_ms) VALUES (?, ?, ?)",
                           arguments: [challenge, device.rawValue, millis(expiresAt)])
        }
    }

    public func consumeChallenge(_ challenge: Data, device: DeviceID, now: Date) async throws -> Bool {
        try await write { db in
            try db.execute(sql: "DELETE FROM challenges WHERE challenge = ? AND device = ? AND expires_ms > ?",
                           arguments: [challenge, device.rawValue, millis(now)])
            return db.changesCount == 1
        }
    }

    public func insertToken(hash: Data, device: DeviceID, expiresAt: Date) async throws {
        try await write { db in
            try db.execute(sql: "DELETE FROM tokens WHERE expires_ms < ?", arguments: [millis(expiresAt) - 86_400_000])
            try db.execute(sql: "INSERT INTO tokens (hash, device, expires_ms) VALUES (?, ?, ?)",
                           arguments: [hash, device.rawValue, millis(expiresAt)])
        }
    }

    public func caller(tokenHash: Data, now: Date) async throws -> Caller? {
        try await pool.read { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT d.device_id, p.id, p.role, p.active FROM tokens t JOIN devices d ON d.device_id = t.device
                JOIN people p ON p.id = d.person WHERE t.hash = ? AND t.revoked = 0 AND t.expires_ms > ?
                AND d.device_id NOT IN (SELECT device_id FROM removed_devices)
                """, arguments: [tokenHash, millis(now)]) else { return nil }
            guard let role = Role(rawValue: row["role"]) else { return nil }
            let caller = Caller(device: DeviceID(rawValue: row["device_id"]), person: PersonID(rawValue: row["id"]),
                                role: role, active: row["active"])
            return caller.active ? caller : nil
        }
    }

    public func revokeToken(hash: Data) async throws {
        try await write { db in try db.execute(sql: "UPDATE tokens SET revoked = 1 WHERE hash = ?", arguments: [hash]) }
    }

    // MARK: Revisions

    public func push(_ revisions: [IncomingRevision], caller: Caller, today: LocalDate,
                     authorise: @escaping @Sendable (IncomingRevision, CaseFacts) -> PushOutcome?) async throws -> [PushOutcome] {
        // One IMMEDIATE transaction: the write lock is held from the first read to the commit,
        // so the numbers taken here become visible in order.
        try await pool.writeWithoutTransaction { db in
            var outcomes: [PushOutcome] = []
            try db.inTransaction(.immediate) {
                var last = try Int64.fetchOne(db, sql: "SELECT last FROM sequence_counter WHERE id = 1") ?? 0
                for revision in revisions {
                    if let seq = try Int64.fetchOne(db, sql: "SELECT seq FROM revisions WHERE id = ?", arguments: [revision.id]) {
                        outcomes.append(.accepted(seq: seq))
                        continue
                    }
                    let facts = try Self.caseFacts(db, revision.caseID, person: caller.person, today: today)
                    if let rejection = authorise(revision, facts) {
                        outcomes.append(rejection)
                        continue
                    }
                    if !facts.exists, revision.caseID != .organisation {
                        try db.execute(sql: "INSERT OR IGNORE INTO case_owners (case_id, creator) VALUES (?, ?)",
                                       arguments: [revision.caseID.rawValue, caller.person.rawValue])
                        try Self.upsertGrant(db, revision.caseID, caller.person, until: nil, now: revision.receivedAt)
                    }
                    last += 1
                    let header = revision.sealed.header
                    try db.execute(sql: """
                        INSERT INTO revisions (seq, id, case_id, record_type, record_id, author_device, hlc, header,
                            ciphertext, signature, received_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """, arguments: [last, revision.id, header.caseID.rawValue, header.recordType.rawValue,
                                         header.recordID.rawValue, header.authorDevice.rawValue, header.hlc.description,
                                         revision.sealed.headerBytes, revision.sealed.ciphertext, revision.sealed.signature,
                                         millis(revision.receivedAt)])
                    outcomes.append(.accepted(seq: last))
                }
                try db.execute(sql: "UPDATE sequence_counter SET last = ? WHERE id = 1", arguments: [last])
                return .commit
            }
            return outcomes
        }
    }

    public func pull(after: Int64, limit: Int, caller: Caller, caseID: CaseID?, today: LocalDate) async throws -> [WireRevision] {
        try await pool.read { db in
            var sql = "SELECT seq, id, header, ciphertext, signature FROM revisions WHERE seq > ?"
            var arguments: StatementArguments = [after]
            if let caseID {
                sql += " AND case_id = ?"
                _ = arguments.append(contentsOf: [caseID.rawValue])
            }
            if caller.role != .dsl {
                sql += """
                     AND (case_id = 'organisation' OR case_id IN (SELECT case_id FROM grants WHERE person = ?
                        AND revoked_ms IS NULL AND (until IS NULL OR until >= ?)))
                    """
                _ = arguments.append(contentsOf: [caller.person.rawValue, today.iso])
            }
            sql += " ORDER BY seq LIMIT ?"
            _ = arguments.append(contentsOf: [limit])
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
                WireRevision(id: row["id"], header: row["header"], ciphertext: row["ciphertext"], signature: row["signature"],
                             seq: row["seq"])
            }
        }
    }

    public func caseFacts(_ caseID: CaseID, person: PersonID, today: LocalDate) async throws -> CaseFacts {
        try await pool.read { db in try Self.caseFacts(db, caseID, person: person, today: today) }
    }

    // MARK: Keys and grants

    public func putKeys(_ keys: [WrappedCaseKey]) async throws {
        try await write { db in
            for key in keys {
                if key.epoch > 0 {  // ADR 0013: one rotation statement per epoch
                    try RotationColumn.requireSame(try Data.fetchOne(db, sql: """
                        SELECT rotation FROM wrapped_keys WHERE case_id = ? AND epoch = ? AND rotation IS NOT NULL LIMIT 1
                        """, arguments: [key.caseID.rawValue, Int64(key.epoch)]), as: key)
                }
                let slot: StatementArguments = [key.caseID.rawValue, Int64(key.epoch), key.recipient.rawValue]
                let existing = try Row.fetchOne(db, sql: """
                    SELECT encapsulated, ciphertext, wrapped_by, signature FROM wrapped_keys
                    WHERE case_id = ? AND epoch = ? AND recipient_device = ?
                    """, arguments: slot)
                if let existing, existing["wrapped_by"] as String? != nil {
                    guard existing["encapsulated"] == key.encapsulatedKey, existing["ciphertext"] == key.ciphertext,
                          existing["wrapped_by"] == key.wrappedBy.rawValue, existing["signature"] == key.signature else {
                        throw CasebookError(.conflict, "a different key of case \(key.caseID) epoch \(key.epoch) is already stored for device \(key.recipient)")
                    }
                    continue
                }
                // A new slot, or one holding an unsigned key from before signatures: the signed key replaces it.
                try db.execute(sql: """
                    INSERT OR REPLACE INTO wrapped_keys (case_id, epoch, recipient_device, encapsulated, ciphertext, wrapped_by, signature, rotation)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: slot + [key.encapsulatedKey, key.ciphertext, key.wrappedBy.rawValue, key.signature,
                                            RotationColumn.encode(key.rotation)])
            }
        }
    }

    public func keys(for caller: Caller, today: LocalDate) async throws -> [WrappedCaseKey] {
        try await pool.read { db in
            var sql = "SELECT * FROM wrapped_keys WHERE recipient_device = ?"
            var arguments: StatementArguments = [caller.device.rawValue]
            if caller.role != .dsl {
                sql += """
                     AND (case_id = 'organisation' OR case_id IN (SELECT case_id FROM grants WHERE person = ?
                        AND revoked_ms IS NULL AND (until IS NULL OR until >= ?)))
                    """
                _ = arguments.append(contentsOf: [caller.person.rawValue, today.iso])
            }
            sql += " ORDER BY case_id, epoch"
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
                let epoch: Int64 = row["epoch"]
                // An unsigned key from before signatures is served as it is: replicas refuse it.
                return WrappedCaseKey(caseID: CaseID(rawValue: row["case_id"]), epoch: UInt32(epoch),
                                      recipient: DeviceID(rawValue: row["recipient_device"]),
                                      encapsulatedKey: row["encapsulated"], ciphertext: row["ciphertext"],
                                      wrappedBy: DeviceID(rawValue: row["wrapped_by"] ?? ""), signature: row["signature"] ?? Data(),
                                      rotation: RotationColumn.decode(row["rotation"]))
            }
        }
    }

    public func keyEpochs(_ caseID: CaseID) async throws -> KeyEpochFacts {
        try await pool.read { db in
            var facts = KeyEpochFacts(newest: nil, rotations: [:])
            for row in try Row.fetchAll(db, sql: "SELECT DISTINCT epoch, rotation FROM wrapped_keys WHERE case_id = ?",
                                        arguments: [caseID.rawValue]) {
                guard let epoch = KeyEpoch.from(row["epoch"]) else { continue }
                facts.newest = max(facts.newest ?? epoch, epoch)
                if let statement = RotationColumn.decode(row["rotation"]), statement.epoch == epoch { facts.rotations[epoch] = statement }
            }
            return facts
        }
    }

    public func grant(_ caseID: CaseID, to person: PersonID, until: LocalDate?, now: Date) async throws {
        try await write { db in try Self.upsertGrant(db, caseID, person, until: until, now: now) }
    }

    public func revokeGrant(_ caseID: CaseID, from person: PersonID, now: Date) async throws {
        try await write { db in
            try db.execute(sql: "UPDATE grants SET revoked_ms = ? WHERE case_id = ? AND person = ? AND revoked_ms IS NULL",
                           arguments: [millis(now), caseID.rawValue, person.rawValue])
        }
    }

    public func eraseCase(_ caseID: CaseID, now: Date) async throws {
        try await write { db in
            try db.execute(sql: "INSERT OR IGNORE INTO erased_cases (case_id, erased_ms) VALUES (?, ?)",
                           arguments: [caseID.rawValue, millis(now)])
            for table in ["wrapped_keys", "grants", "case_owners", "revisions"] {
                try db.execute(sql: "DELETE FROM \(table) WHERE case_id = ?", arguments: [caseID.rawValue])
            }
        }
        // With secure_delete the freed cells are zeroed, but the old pages linger in the WAL until a
        // checkpoint: copy the zeroed pages into the file and truncate the WAL.
        try await pool.writeWithoutTransaction { db in _ = try db.checkpoint(.truncate) }
    }

    // MARK: Rows

    static func caseFacts(_ db: Database, _ caseID: CaseID, person: PersonID, today: LocalDate) throws -> CaseFacts {
        let exists = try Int.fetchOne(db, sql: "SELECT 1 FROM revisions WHERE case_id = ? LIMIT 1", arguments: [caseID.rawValue]) != nil
        let owner = try String.fetchOne(db, sql: "SELECT creator FROM case_owners WHERE case_id = ?", arguments: [caseID.rawValue])
        let granted = try Int.fetchOne(db, sql: """
            SELECT 1 FROM grants WHERE case_id = ? AND person = ? AND revoked_ms IS NULL AND (until IS NULL OR until >= ?)
            """, arguments: [caseID.rawValue, person.rawValue, today.iso]) != nil
        let erased = try Int.fetchOne(db, sql: "SELECT 1 FROM erased_cases WHERE case_id = ?", arguments: [caseID.rawValue]) != nil
        return CaseFacts(exists: exists, owner: owner.map(PersonID.init(rawValue:)), granted: granted, erased: erased)
    }

    static func upsertGrant(_ db: Database, _ caseID: CaseID, _ person: PersonID, until: LocalDate?, now: Date) throws {
        try db.execute(sql: """
            INSERT INTO grants (case_id, person, until, created_ms) VALUES (?, ?, ?, ?)
            ON CONFLICT (case_id, person) DO UPDATE SET until = excluded.until, created_ms = excluded.created_ms, revoked_ms = NULL
            """, arguments: [caseID.rawValue, person.rawValue, until?.iso, millis(now)])
    }

    static func insertPerson(_ db: Database, _ person: StoredPerson) throws {
        if try Int.fetchOne(db, sql: "SELECT 1 FROM people WHERE id = ?", arguments: [person.record.id.rawValue]) != nil {
            throw CasebookError(.conflict, "person \(person.record.id) already exists")
        }
        // A second invitation under one code hash would make enrolment ambiguous (and broke the
        // UNIQUE index as a 500: found by fuzz-server, docs/fuzzing.md).
        if let hash = person.codeHash, try Int.fetchOne(db, sql: "SELECT 1 FROM people WHERE code_hash = ?", arguments: [hash]) != nil {
            throw StoreConflict.duplicateCode
        }
        try db.execute(sql: """
            INSERT INTO people (id, role, type, active, pending, code_hash, code_expires_ms) VALUES (?, ?, ?, ?, ?, ?, ?)
            """, arguments: [person.record.id.rawValue, person.record.role.rawValue, person.record.type.rawValue,
                             person.record.active, person.record.pending, person.codeHash, person.codeExpires.map(millis)])
    }

    static func person(from row: Row) -> StoredPerson {
        let expires: Int64? = row["code_expires_ms"]
        return StoredPerson(
            record: PersonRecord(id: PersonID(rawValue: row["id"]), role: Role(rawValue: row["role"]) ?? .practitioner,
                                 type: PersonType(rawValue: row["type"]) ?? .staff, active: row["active"], pending: row["pending"]),
            codeHash: row["code_hash"], codeExpires: expires.map { date(millis: $0) })
    }

    static func device(from row: Row) -> DeviceRecord {
        let certifiedBy: String? = row["certified_by"]
        let roles: String? = row["certified_roles"]
        return DeviceRecord(deviceID: DeviceID(rawValue: row["device_id"]), person: PersonID(rawValue: row["person"]),
                            signing: row["signing"], agreement: row["agreement"],
                            certifiedBy: certifiedBy.map(DeviceID.init(rawValue:)), certification: row["certification"],
                            certifiedRoles: roles.map { $0.split(separator: ",").compactMap { Role(rawValue: String($0)) } },
                            enrolmentProof: row["enrolment_proof"])
    }
}

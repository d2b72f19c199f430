public import CasebookCrypto
public import CasebookModels
public import CasebookSync
public import Foundation
import PostgresNIO

extension PostgresServerStore {
    typealias PersonRow = (String, String, String, Bool, Bool, Data?, Int64?)
    typealias DeviceRow = (String, String, Data, Data, String?, Data?, String?, Data?)
    static let personColumns = "id, role, type, active, pending, code_hash, code_expires_ms"
    static let deviceColumns = "device_id, person, signing, agreement, certified_by, certification, certified_roles, enrolment_proof"

    // MARK: Organisation and people

    public func createOrganisation(id: OrganisationID, name: String, admin: StoredPerson) async throws {
        try await transaction { conn in
            try await conn.query("LOCK TABLE organisation IN EXCLUSIVE MODE", logger: logger)
            let count = try await Self.first(conn.query("SELECT COUNT(*) FROM organisation", logger: logger), Int64.self) ?? 0
            if count > 0 { throw CasebookError(.conflict, "this database already holds an organisation") }
            try await conn.query("INSERT INTO organisation (id, name) VALUES (\(id.rawValue), \(name))", logger: logger)
            try await Self.insertPerson(conn, admin, logger: logger)
        }
    }

    public func organisation() async throws -> OrganisationInfo? {
        try await client.withConnection { conn in
            var org: (String, String, String?, Data?)?
            for try await row in try await conn.query("SELECT id, name, root_device, recovery_key FROM organisation", logger: logger)
                .decode((String, String, String?, Data?).self) { org = row }
            guard let org else { return nil }
            var people: [PersonRecord] = []
            for try await row in try await conn.query("SELECT \(unescaped: Self.personColumns) FROM people ORDER BY id", logger: logger)
                .decode(PersonRow.self) { people.append(Self.person(row).record) }
            var devices: [DeviceRecord] = []
            for try await row in try await conn.query("SELECT \(unescaped: Self.deviceColumns) FROM devices ORDER BY device_id", logger: logger)
                .decode(DeviceRow.self) { devices.append(Self.device(row)) }
            return OrganisationInfo(organisationID: OrganisationID(rawValue: org.0), name: org.1,
                                    rootDevice: org.2.map(DeviceID.init(rawValue:)), people: people, devices: devices,
                                    recoveryKey: org.3)
        }
    }

    public func person(_ id: PersonID) async throws -> StoredPerson? {
        let rows = try await client.query("SELECT \(unescaped: Self.personColumns) FROM people WHERE id = \(id.rawValue)", logger: logger)
        return try await Self.firstRow(rows, PersonRow.self).map(Self.person)
    }

    public func insertPerson(_ person: StoredPerson) async throws {
        try await client.withConnection { conn in try await Self.insertPerson(conn, person, logger: logger) }
    }

    public func setDeviceCode(person: PersonID, codeHash: Data, codeExpires: Date) async throws {
        let rows = try await client.query("""
            UPDATE people SET code_hash = \(codeHash), code_expires_ms = \(millis(codeExpires))
            WHERE id = \(person.rawValue) AND active AND NOT pending RETURNING 1
            """, logger: logger)
        guard try await Self.first(rows, Int32.self) != nil else { throw CasebookError(.notFound, "no enrolled, active person \(person)") }
    }

    public func enrol(codeHash: Data, device: DeviceRecord, recoveryKey: Data?, now: Date) async throws -> PersonRecord {
        try await transaction { conn in
            // A code is outstanding while its hash is stored: a new person's (pending) or a device code (ADR 0024).
            let rows = try await conn.query("""
                SELECT \(unescaped: Self.personColumns) FROM people WHERE code_hash = \(codeHash) AND active FOR UPDATE
                """, logger: logger)
            guard let stored = try await Self.firstRow(rows, PersonRow.self).map(Self.person),
                  let expires = stored.codeExpires, expires > now else {
                throw CasebookError(.notAuthorised, "the enrolment code is not valid")
            }
            guard stored.record.id == device.person else {
                throw CasebookError(.invalidInput, "the device names another person than the enrolment code")
            }
            let existing = try await conn.query("SELECT 1 FROM devices WHERE device_id = \(device.deviceID.rawValue)", logger: logger)
            if try await Self.first(existing, Int32.self) != nil {
                throw CasebookError(.conflict, "device \(device.deviceID) is already registered")
            }
            let roles = device.certifiedRoles.map { $0.map(\.rawValue).joined(separator: ",") }
            try await conn.query("""
                INSERT INTO devices (\(unescaped: Self.deviceColumns)) VALUES (\(device.deviceID.rawValue), \(device.person.rawValue),
                \(device.signing), \(device.agreement), \(device.certifiedBy?.rawValue), \(device.certification), \(roles),
                \(device.enrolmentProof))
                """, logger: logger)
            try await conn.query("""
                UPDATE people SET pending = FALSE, code_hash = NULL, code_expires_ms = NULL WHERE id = \(stored.record.id.rawValue)
                """, logger: logger)
            if stored.record.role == .admin {
                try await conn.query("""
                    UPDATE organisation SET root_device = \(device.deviceID.rawValue), recovery_key = \(recoveryKey)
                    WHERE root_device IS NULL
                    """, logger: logger)
            }
            var record = stored.record
            record.pending = false
            return record
        }
    }

    public func device(_ id: DeviceID) async throws -> DeviceRecord? {
        let rows = try await client.query("SELECT \(unescaped: Self.deviceColumns) FROM devices WHERE device_id = \(id.rawValue)",
                                          logger: logger)
        return try await Self.firstRow(rows, DeviceRow.self).map(Self.device)
    }

    public func deactivate(_ person: PersonID) async throws {
        try await transaction { conn in
            let rows = try await conn.query("UPDATE people SET active = FALSE WHERE id = \(person.rawValue) RETURNING 1", logger: logger)
            guard try await Self.first(rows, Int32.self) != nil else { throw CasebookError(.notFound, "person \(person) does not exist") }
            try await conn.query("""
                UPDATE tokens SET revoked = TRUE WHERE device IN (SELECT device_id FROM devices WHERE person = \(person.rawValue))
                """, logger: logger)
        }
    }

    public func certify(device: DeviceID, _ request: CertificationRequest) async throws {
        let roles = request.roles.map(\.rawValue).joined(separator: ",")
        let rows = try await client.query("""
            UPDATE devices SET certified_by = \(request.certifiedBy.rawValue), certification = \(request.certification),
            certified_roles = \(roles) WHERE device_id = \(device.rawValue) RETURNING 1
            """, logger: logger)
        guard try await Self.first(rows, Int32.self) != nil else { throw CasebookError(.notFound, "device \(device) is not registered") }
    }

    // MARK: Authentication

    public func insertChallenge(_ challenge: Data, device: DeviceID, expiresAt: Date) async throws {
        try await client.query("DELETE FROM challenges WHERE expires_ms < \(millis(expiresAt) - 3_600_000)", logger: logger)
        try await client.query("""
            INSERT INTO challenges (challenge, device, expires_ms) VALUES (\(challenge), \(device.rawValue), \(millis(expiresAt)))
            """, logger: logger)
    }

    public func consumeChallenge(_ challenge: Data, device: DeviceID, now: Date) async throws -> Bool {
        let rows = try await client.query("""
            DELETE FROM challenges WHERE challenge = \(challenge) AND device = \(device.rawValue) AND expires_ms > \(millis(now))
            RETURNING 1
            """, logger: logger)
        return try await Self.first(rows, Int32.self) != nil
    }

    public func insertToken(hash: Data, device: DeviceID, expiresAt: Date) async throws {
        try await client.query("DELETE FROM tokens WHERE expires_ms < \(millis(expiresAt) - 86_400_000)", logger: logger)
        try await client.query("INSERT INTO tokens (hash, device, expires_ms) VALUES (\(hash), \(device.rawValue), \(millis(expiresAt)))",
                               logger: logger)
    }

    public func caller(tokenHash: Data, now: Date) async throws -> Caller? {
        let rows = try await client.query("""
            SELECT d.device_id, p.id, p.role, p.active FROM tokens t JOIN devices d ON d.device_id = t.device
            JOIN people p ON p.id = d.person WHERE t.hash = \(tokenHash) AND NOT t.revoked AND t.expires_ms > \(millis(now))
            AND d.device_id NOT IN (SELECT device_id FROM removed_devices)
            """, logger: logger)
        guard let row = try await Self.firstRow(rows, (String, String, String, Bool).self), let role = Role(rawValue: row.2),
              row.3 else { return nil }
        return Caller(device: DeviceID(rawValue: row.0), person: PersonID(rawValue: row.1), role: role, active: row.3)
    }

    public func revokeToken(hash: Data) async throws {
        try await client.query("UPDATE tokens SET revoked = TRUE WHERE hash = \(hash)", logger: logger)
    }

    // MARK: Revisions

    public func push(_ revisions: [IncomingRevision], caller: Caller, today: LocalDate,
                     authorise: @escaping @Sendable (IncomingRevision, CaseFacts) -> PushOutcome?) async throws -> [PushOutcome] {
        // Pushes arriving together share one transaction and one WAL flush (ADR 0027).
        try await groupCommit.submit(PendingPush(revisions: revisions, caller: caller, today: today, authorise: authorise)) { [logger] batch in
            try await self.transaction { conn in try await Self.apply(batch, conn, logger: logger) }
        }
    }

    /// Applies `batch` in order inside one transaction, as if each push had run alone after the one
    /// before it: one lock on the sequence counter, one insert of every accepted revision.
    static func apply(_ batch: [PendingPush], _ conn: PostgresConnection, logger: Logger) async throws -> [[PushOutcome]] {
        // The serialising lock: held until COMMIT, so seq numbers commit in order (see the type's doc).
        let counter = try await conn.query("SELECT last FROM sequence_counter WHERE id = 1 FOR UPDATE", logger: logger)
        var last = try await Self.first(counter, Int64.self) ?? 0
        let start = last
        var known: [String: Int64] = [:]
        let ids = batch.flatMap { $0.revisions.map(\.id) }
        for try await (id, seq) in try await conn.query("SELECT id, seq FROM revisions WHERE id = ANY(\(ids))", logger: logger)
            .decode((String, Int64).self) { known[id] = seq }
        var rows = RevisionColumns()
        var results: [[PushOutcome]] = []
        for push in batch {
            let caller = push.caller
            var facts: [CaseID: CaseFacts] = [:]  // what this caller may do; read after the pushes before it in the batch
            var outcomes: [PushOutcome] = []
            for revision in push.revisions {
                if let seq = known[revision.id] {
                    outcomes.append(.accepted(seq: seq))
                    continue
                }
                let caseFacts: CaseFacts
                if let cached = facts[revision.caseID] {
                    caseFacts = cached
                } else {
                    caseFacts = try await Self.caseFacts(conn, revision.caseID, person: caller.person, today: push.today, logger: logger)
                }
                facts[revision.caseID] = caseFacts
                if let rejection = push.authorise(revision, caseFacts) {
                    outcomes.append(rejection)
                    continue
                }
                if !caseFacts.exists, revision.caseID != .organisation {
                    try await conn.query("""
                        INSERT INTO case_owners (case_id, creator) VALUES (\(revision.caseID.rawValue), \(caller.person.rawValue))
                        ON CONFLICT (case_id) DO NOTHING
                        """, logger: logger)
                    try await Self.upsertGrant(conn, revision.caseID, caller.person, until: nil, now: revision.receivedAt, logger: logger)
                    facts[revision.caseID] = CaseFacts(exists: true, owner: caller.person, granted: true)
                } else if !caseFacts.exists {
                    facts[revision.caseID] = CaseFacts(exists: true, owner: caseFacts.owner, granted: caseFacts.granted)
                }
                last += 1
                rows.append(revision, seq: last)
                known[revision.id] = last
                outcomes.append(.accepted(seq: last))
            }
            results.append(outcomes)
        }
        if last != start {
            // One statement for the whole batch: fewer round trips while the lock is held.
            try await conn.query("""
                INSERT INTO revisions (seq, id, case_id, record_type, record_id, author_device, hlc, header, ciphertext,
                    signature, received_ms)
                SELECT * FROM UNNEST(\(rows.seq)::bigint[], \(rows.id)::text[], \(rows.caseID)::text[], \(rows.recordType)::text[],
                    \(rows.recordID)::text[], \(rows.author)::text[], \(rows.hlc)::text[], \(rows.header)::bytea[],
                    \(rows.ciphertext)::bytea[], \(rows.signature)::bytea[], \(rows.received)::bigint[])
                """, logger: logger)
            try await conn.query("UPDATE sequence_counter SET last = \(last) WHERE id = 1", logger: logger)
        }
        return results
    }

    public func pull(after: Int64, limit: Int, caller: Caller, caseID: CaseID?, today: LocalDate) async throws -> [WireRevision] {
        let everything = caller.role == .dsl
        let rows = try await client.query("""
            SELECT seq, id, header, ciphertext, signature FROM revisions
            WHERE seq > \(after) AND (\(caseID?.rawValue)::text IS NULL OR case_id = \(caseID?.rawValue))
              AND (\(everything) OR case_id = 'organisation' OR case_id IN (SELECT case_id FROM grants WHERE person = \(caller.person.rawValue)
                   AND revoked_ms IS NULL AND (until IS NULL OR until >= \(today.iso))))
            ORDER BY seq LIMIT \(Int64(limit))
            """, logger: logger)
        var result: [WireRevision] = []
        for try await (seq, id, header, ciphertext, signature) in rows.decode((Int64, String, Data, Data, Data).self) {
            result.append(WireRevision(id: id, header: header, ciphertext: ciphertext, signature: signature, seq: seq))
        }
        return result
    }

    public func caseFacts(_ caseID: CaseID, person: PersonID, today: LocalDate) async throws -> CaseFacts {
        try await client.withConnection { conn in try await Self.caseFacts(conn, caseID, person: person, today: today, logger: logger) }
    }

    // MARK: Keys and grants

    public func putKeys(_ keys: [WrappedCaseKey]) async throws {
        try await transaction { conn in
            for key in keys {
                if key.epoch > 0 {  // ADR 0013: one rotation statement per epoch
                    let stored = try await conn.query("""
                        SELECT rotation FROM wrapped_keys WHERE case_id = \(key.caseID.rawValue) AND epoch = \(Int64(key.epoch))
                          AND rotation IS NOT NULL LIMIT 1
                        """, logger: logger)
                    try RotationColumn.requireSame(try await Self.first(stored, Data.self), as: key)
                }
                let rotation = RotationColumn.encode(key.rotation)
                let rows = try await conn.query("""
                    INSERT INTO wrapped_keys (case_id, epoch, recipient_device, encapsulated, ciphertext, wrapped_by, signature, rotation)
                    VALUES (\(key.caseID.rawValue), \(Int64(key.epoch)), \(key.recipient.rawValue), \(key.encapsulatedKey), \(key.ciphertext),
                            \(key.wrappedBy.rawValue), \(key.signature), \(rotation))
                    ON CONFLICT (case_id, epoch, recipient_device) DO NOTHING RETURNING 1
                    """, logger: logger)
                if try await Self.first(rows, Int32.self) != nil { continue }
                // A slot holding an unsigned key from before signatures: the signed key replaces it.
                let replaced = try await conn.query("""
                    UPDATE wrapped_keys SET encapsulated = \(key.encapsulatedKey), ciphertext = \(key.ciphertext),
                        wrapped_by = \(key.wrappedBy.rawValue), signature = \(key.signature), rotation = \(rotation)
                    WHERE case_id = \(key.caseID.rawValue) AND epoch = \(Int64(key.epoch))
                      AND recipient_device = \(key.recipient.rawValue) AND wrapped_by IS NULL RETURNING 1
                    """, logger: logger)
                if try await Self.first(replaced, Int32.self) != nil { continue }
                let existing = try await conn.query("""
                    SELECT encapsulated, ciphertext, wrapped_by, signature FROM wrapped_keys WHERE case_id = \(key.caseID.rawValue)
                    AND epoch = \(Int64(key.epoch)) AND recipient_device = \(key.recipient.rawValue)
                    """, logger: logger)
                guard let row = try await Self.firstRow(existing, (Data, Data, String?, Data?).self), row.0 == key.encapsulatedKey,
                      row.1 == key.ciphertext, row.2 == key.wrappedBy.rawValue, row.3 == key.signature else {
                    throw CasebookError(.conflict, "a different key of case \(key.caseID) epoch \(key.epoch) is already stored for device \(key.recipient)")
                }
            }
        }
    }

    public func keys(for caller: Caller, today: LocalDate) async throws -> [WrappedCaseKey] {
        let everything = caller.role == .dsl
        let rows = try await client.query("""
            SELECT case_id, epoch, recipient_device, encapsulated, ciphertext, wrapped_by, signature, rotation FROM wrapped_keys
            WHERE recipient_device = \(caller.device.rawValue)
              AND (\(everything) OR case_id = 'organisation' OR case_id IN (SELECT case_id FROM grants WHERE person = \(caller.person.rawValue)
                   AND revoked_ms IS NULL AND (until IS NULL OR until >= \(today.iso))))
            ORDER BY case_id, epoch
            """, logger: logger)
        var result: [WrappedCaseKey] = []
        for try await (caseID, epoch, recipient, encapsulated, ciphertext, wrappedBy, signature, rotation)
            in rows.decode((String, Int64, String, Data, Data, String?, Data?, Data?).self) {
            // An unsigned key from before signatures is served as it is: replicas refuse it.
            result.append(WrappedCaseKey(caseID: CaseID(rawValue: caseID), epoch: UInt32(clamping: epoch),
                                         recipient: DeviceID(rawValue: recipient), encapsulatedKey: encapsulated, ciphertext: ciphertext,
                                         wrappedBy: DeviceID(rawValue: wrappedBy ?? ""), signature: signature ?? Data(),
                                         rotation: RotationColumn.decode(rotation)))
        }
        return result
    }

    public func keyEpochs(_ caseID: CaseID) async throws -> KeyEpochFacts {
        let rows = try await client.query("""
            SELECT DISTINCT epoch, rotation FROM wrapped_keys WHERE case_id = \(caseID.rawValue)
            """, logger: logger)
        var facts = KeyEpochFacts(newest: nil, rotations: [:])
        for try await (stored, rotation) in rows.decode((Int64, Data?).self) {
            guard let epoch = KeyEpoch.from(stored) else { continue }
            facts.newest = max(facts.newest ?? epoch, epoch)
            if let statement = RotationColumn.decode(rotation), statement.epoch == epoch { facts.rotations[epoch] = statement }
        }
        return facts
    }

    public func grant(_ caseID: CaseID, to person: PersonID, until: LocalDate?, now: Date) async throws {
        try await client.withConnection { conn in try await Self.upsertGrant(conn, caseID, person, until: until, now: now, logger: logger) }
    }

    public func revokeGrant(_ caseID: CaseID, from person: PersonID, now: Date) async throws {
        try await client.query("""
            UPDATE grants SET revoked_ms = \(millis(now)) WHERE case_id = \(caseID.rawValue) AND person = \(person.rawValue)
            AND revoked_ms IS NULL
            """, logger: logger)
    }

    public func eraseCase(_ caseID: CaseID, now: Date) async throws {
        try await transaction { conn in
            try await conn.query("""
                INSERT INTO erased_cases (case_id, erased_ms) VALUES (\(caseID.rawValue), \(millis(now))) ON CONFLICT (case_id) DO NOTHING
                """, logger: logger)
            try await conn.query("DELETE FROM wrapped_keys WHERE case_id = \(caseID.rawValue)", logger: logger)
            try await conn.query("DELETE FROM grants WHERE case_id = \(caseID.rawValue)", logger: logger)
            try await conn.query("DELETE FROM case_owners WHERE case_id = \(caseID.rawValue)", logger: logger)
            try await conn.query("DELETE FROM revisions WHERE case_id = \(caseID.rawValue)", logger: logger)
        }
    }

    // MARK: Rows

    /// Column arrays for one multi-row insert through `UNNEST`.
    struct RevisionColumns {
        var seq: [Int64] = [], id: [String] = [], caseID: [String] = [], recordType: [String] = [], recordID: [String] = []
        var author: [String] = [], hlc: [String] = [], header: [ByteBuffer] = [], ciphertext: [ByteBuffer] = []
        var signature: [ByteBuffer] = [], received: [Int64] = []

        mutating func append(_ revision: IncomingRevision, seq: Int64) {
            let h = revision.sealed.header
            self.seq.append(seq)
            id.append(revision.id)
            caseID.append(h.caseID.rawValue)
            recordType.append(h.recordType.rawValue)
            recordID.append(h.recordID.rawValue)
            author.append(h.authorDevice.rawValue)
            hlc.append(h.hlc.description)
            header.append(ByteBuffer(bytes: revision.sealed.headerBytes))
            ciphertext.append(ByteBuffer(bytes: revision.sealed.ciphertext))
            signature.append(ByteBuffer(bytes: revision.sealed.signature))
            received.append(millis(revision.receivedAt))
        }
    }

    static func first<T: PostgresDecodable & Sendable>(_ rows: PostgresRowSequence, _: T.Type) async throws -> T? {
        for try await value in rows.decode(T.self) { return value }
        return nil
    }

    static func firstRow<each T: PostgresDecodable & Sendable>(_ rows: PostgresRowSequence, _: (repeat each T).Type) async throws -> (repeat each T)? {
        for try await value in rows.decode((repeat each T).self) { return value }
        return nil
    }

    static func caseFacts(_ conn: PostgresConnection, _ caseID: CaseID, person: PersonID, today: LocalDate,
                          logger: Logger) async throws -> CaseFacts {
        let rows = try await conn.query("""
            SELECT EXISTS (SELECT 1 FROM revisions WHERE case_id = \(caseID.rawValue)),
                   (SELECT creator FROM case_owners WHERE case_id = \(caseID.rawValue)),
                   EXISTS (SELECT 1 FROM grants WHERE case_id = \(caseID.rawValue) AND person = \(person.rawValue)
                           AND revoked_ms IS NULL AND (until IS NULL OR until >= \(today.iso))),
                   EXISTS (SELECT 1 FROM erased_cases WHERE case_id = \(caseID.rawValue))
            """, logger: logger)
        guard let row = try await firstRow(rows, (Bool, String?, Bool, Bool).self) else { return CaseFacts(exists: false, owner: nil, granted: false) }
        return CaseFacts(exists: row.0, owner: row.1.map(PersonID.init(rawValue:)), granted: row.2, erased: row.3)
    }

    static func upsertGrant(_ conn: PostgresConnection, _ caseID: CaseID, _ person: PersonID, until: LocalDate?, now: Date,
                            logger: Logger) async throws {
        try await conn.query("""
            INSERT INTO grants (case_id, person, until, created_ms) VALUES (\(caseID.rawValue), \(person.rawValue), \(until?.iso), \(millis(now)))
            ON CONFLICT (case_id, person) DO UPDATE SET until = excluded.until, created_ms = excluded.created_ms, revoked_ms = NULL
            """, logger: logger)
    }

    static func insertPerson(_ conn: PostgresConnection, _ person: StoredPerson, logger: Logger) async throws {
        let r = person.record
        let rows = try await conn.query("""
            INSERT INTO people (\(unescaped: personColumns)) VALUES (\(r.id.rawValue), \(r.role.rawValue), \(r.type.rawValue), \(r.active),
            \(r.pending), \(person.codeHash), \(person.codeExpires.map(millis))) ON CONFLICT DO NOTHING RETURNING 1
            """, logger: logger)
        // Nothing inserted: the id or the code hash (UNIQUE) is taken; a duplicate hash was a 500 (found by fuzz-server).
        guard try await first(rows, Int32.self) != nil else {
            let existing = try await conn.query("SELECT 1 FROM people WHERE id = \(r.id.rawValue)", logger: logger)
            if try await first(existing, Int32.self) != nil { throw CasebookError(.conflict, "person \(r.id) already exists") }
            throw StoreConflict.duplicateCode
        }
    }

    static func person(_ row: PersonRow) -> StoredPerson {
        StoredPerson(record: PersonRecord(id: PersonID(rawValue: row.0), role: Role(rawValue: row.1) ?? .practitioner,
                                          type: PersonType(rawValue: row.2) ?? .staff, active: row.3, pending: row.4),
                     codeHash: row.5, codeExpires: row.6.map { date(millis: $0) })
    }

    static func device(_ row: DeviceRow) -> DeviceRecord {
        DeviceRecord(deviceID: DeviceID(rawValue: row.0), person: PersonID(rawValue: row.1), signing: row.2, agreement: row.3,
                     certifiedBy: row.4.map(DeviceID.init(rawValue:)), certification: row.5,
                     certifiedRoles: row.6.map { $0.split(separator: ",").compactMap { Role(rawValue: String($0)) } },
                     enrolmentProof: row.7)
    }
}

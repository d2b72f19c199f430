import CasebookCrypto
import CasebookModels
@testable import CasebookServer
import Foundation
import GRDB
import PostgresNIO
import Testing

/// The wrapped-key columns added for signed keys (ADR 0009), straight against each store: the
/// migration is idempotent, the wrapper and signature round-trip, and a key stored before
/// signatures (NULL columns) is served unsigned and replaced by the first signed upload.
@Suite("Wrapped key columns in each store")
struct WrappedKeyStoreTests {
    /// Makes the stored row of a slot look like one written before signatures existed.
    static func makeLegacy(_ store: any ServerStore, _ key: WrappedCaseKey) async throws {
        if let sqlite = store as? SQLiteServerStore {
            try await sqlite.pool.write { db in
                try db.execute(sql: "UPDATE wrapped_keys SET wrapped_by = NULL, signature = NULL WHERE case_id = ? AND recipient_device = ?",
                               arguments: [key.caseID.rawValue, key.recipient.rawValue])
            }
        } else if let postgres = store as? PostgresServerStore {
            try await postgres.client.query("""
                UPDATE wrapped_keys SET wrapped_by = NULL, signature = NULL
                WHERE case_id = \(key.caseID.rawValue) AND recipient_device = \(key.recipient.rawValue)
                """, logger: TestDatabase.logger)
        } else {
            Issue.record("unknown store type")
        }
    }

    @Test("columns are added once, round-trip, and a legacy unsigned row is replaced by a signed upload", arguments: StoreKind.persistent)
    func columnsAndLegacyRows(kind: StoreKind) async throws {
        guard let url = try await TestDatabase.make(kind) else { return }
        try await withServerStore(url: url, logger: TestDatabase.logger) { store in
            try await store.migrate()
            try await store.migrate()  // idempotent: the added columns exist already
            let wrapper = DeviceIdentity.generate(person: .random()), recipient = DeviceIdentity.generate(person: .random())
            let key = CaseKey.generate(caseID: .random(), epoch: 2)
            let signed = try KeyWrap.wrap(key, for: recipient.publicKeys, by: wrapper)
            let reader = Caller(device: recipient.deviceID, person: recipient.person, role: .dsl, active: true)
            let today = try #require(LocalDate(year: 2030, month: 1, day: 1))

            try await store.putKeys([signed])
            try await store.putKeys([signed])  // a retry is idempotent
            #expect(try await store.keys(for: reader, today: today) == [signed])

            // Before signatures: served with an empty wrapper and signature, which replicas refuse.
            try await Self.makeLegacy(store, signed)
            let legacy = try #require(try await store.keys(for: reader, today: today).first)
            #expect(legacy.wrappedBy.rawValue.isEmpty && legacy.signature.isEmpty)
            #expect(legacy.encapsulatedKey == signed.encapsulatedKey && legacy.ciphertext == signed.ciphertext)
            #expect(!legacy.isSigned(by: wrapper.publicKeys))

            // The first signed upload for that slot replaces the unsigned row; then the slot is fixed.
            let rewrapped = try KeyWrap.wrap(key, for: recipient.publicKeys, by: wrapper)
            try await store.putKeys([rewrapped])
            #expect(try await store.keys(for: reader, today: today) == [rewrapped])
            let other = try KeyWrap.wrap(key, for: recipient.publicKeys, by: wrapper)
            await #expect(throws: CasebookError.self) { try await store.putKeys([other]) }
            #expect(try await store.keys(for: reader, today: today) == [rewrapped])
        }
    }
}

import CasebookModels
import CasebookStorage
import CasebookTestSupport
import Foundation
import GRDB
import Testing

/// Threat model, "someone with the vault file": a stored revision altered, re-sealed under another
/// header, or re-labelled in its clear columns is never read back as a record. Either the read
/// fails with a clear error or the altered row is not shown; the original text never changes.
@Suite struct StoredRevisionTamperTests {
    enum Tamper: String, CaseIterable, Sendable {
        case flipCiphertextByte, swapHeaderWithAnotherRevision, swapSignature, relabelRecordType, moveToAnotherCase
    }

    @Test(arguments: Tamper.allCases)
    func alteredRevisionIsNeverReadAsARecord(_ tamper: Tamper) throws {
        let fixture = try VaultFixture()
        let original = "Talked about friendships and sleep"
        let logged = try fixture.vault.logSession(fixture.draft(topics: original))
        _ = try fixture.vault.logSession(fixture.draft(topics: "Second session on revision plans", on: "2026-11-09"))
        let other = try fixture.vault.addClient(name: "Casey Other", bornOn: nil, related: [], contacts: [])
        let db = try DatabaseQueue(path: fixture.vault.path)
        try db.write { db in
            let target = "(SELECT id FROM revisions WHERE record_id = '\(logged.session.id.rawValue)' ORDER BY local_seq LIMIT 1)"
            switch tamper {
            case .flipCiphertextByte:
                let row = try Row.fetchOne(db, sql: "SELECT id, ciphertext FROM revisions WHERE id = \(target)")!
                var bytes: Data = row["ciphertext"]
                bytes[bytes.count / 2] ^= 0x01
                try db.execute(sql: "UPDATE revisions SET ciphertext = ? WHERE id = ?", arguments: [bytes, row["id"] as String])
            case .swapHeaderWithAnotherRevision:
                try db.execute(sql: """
                    UPDATE revisions SET header = (SELECT header FROM revisions WHERE record_type = 'session' AND id != \(target) LIMIT 1)
                    WHERE id = \(target)
                    """)
            case .swapSignature:
                try db.execute(sql: """
                    UPDATE revisions SET signature = (SELECT signature FROM revisions WHERE record_type = 'session' AND id != \(target) LIMIT 1)
                    WHERE id = \(target)
                    """)
            case .relabelRecordType:
                try db.execute(sql: "UPDATE revisions SET record_type = 'concern' WHERE id = \(target)")
            case .moveToAnotherCase:
                try db.execute(sql: "UPDATE revisions SET case_id = ? WHERE id = \(target)", arguments: [other.id.rawValue])
            }
        }
        let reopened = try Vault.open(at: fixture.vault.path, unlock: .passphrase(Synthetic.passphrase), clock: fixture.clock)
        // The altered row is never read back as a record with changed content, under another client,
        // or as another kind of record; a read may fail, with an error that does not quote the note.
        for client in [fixture.client, other.id] {
            do {
                let sessions = try reopened.sessions(client: client)
                if let shown = sessions.first(where: { $0.session.id == logged.session.id }) {
                    #expect(client == fixture.client, "\(tamper): the session was shown under another client")
                    #expect(shown.session.topics == original, "\(tamper): altered text was read back")
                    #expect(tamper != .flipCiphertextByte && tamper != .swapHeaderWithAnotherRevision,
                            "\(tamper): a revision that cannot open was read as a session")
                }
                let concerns = try reopened.concerns(client: client)
                #expect(!concerns.contains { $0.concern.id == logged.session.id }, "\(tamper): the session was read as a concern")
            } catch {
                #expect(!"\(error)".contains(original), "the error must not quote the note")
            }
        }
    }
}

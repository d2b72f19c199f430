import CasebookModels
import CasebookStorage
import CasebookTestSupport
import Foundation
import GRDB
import Testing

/// P7: the audit log is tamper-evident: editing, inserting, reordering or deleting entries is detected.
@Suite struct AuditLogTests {
    enum Tamper: String, CaseIterable, Sendable {
        case editAction, editRecord, deleteMiddle, deleteNewest, insert, reorder, rewriteHead
    }

    func makeVault() throws -> VaultFixture {
        let fixture = try VaultFixture()
        _ = try fixture.vault.logSession(fixture.draft())
        _ = try fixture.vault.sessions(client: fixture.client)
        return fixture
    }

    @Test func intactLogVerifiesAndRecordsWhoWhatWhen() throws {
        let fixture = try makeVault()
        let result = try fixture.vault.verifyAudit()
        #expect(result.intact)
        let entries = try fixture.vault.auditEntries()
        #expect(entries.count == result.entries)
        #expect(entries.contains { $0.action == .create && $0.recordType == .session && $0.caseID == fixture.client })
        #expect(entries.contains { $0.action == .read && $0.recordType == .session && $0.caseID == fixture.client })
        #expect(entries.allSatisfy { $0.actor == fixture.vault.person })
    }

    @Test(arguments: Tamper.allCases)
    func tamperingIsDetected(_ tamper: Tamper) throws {
        let fixture = try makeVault()
        let count = try fixture.vault.verifyAudit().entries
        #expect(count >= 6)
        let db = try DatabaseQueue(path: fixture.vault.path)
        try db.write { db in
            switch tamper {
            case .editAction:
                try db.execute(sql: "UPDATE audit_log SET action = 'read' WHERE sequence = 3")
            case .editRecord:
                try db.execute(sql: "UPDATE audit_log SET record_id = 'someone-else' WHERE sequence = (SELECT MAX(sequence) - 1 FROM audit_log)")
            case .deleteMiddle:
                try db.execute(sql: "DELETE FROM audit_log WHERE sequence = 2")
            case .deleteNewest:
                try db.execute(sql: "DELETE FROM audit_log WHERE sequence = (SELECT MAX(sequence) FROM audit_log)")
            case .insert:
                try db.execute(sql: "UPDATE audit_log SET sequence = sequence + 1000 WHERE sequence >= 3")
                try db.execute(sql: "UPDATE audit_log SET sequence = sequence - 999 WHERE sequence >= 1003")
                try db.execute(sql: "INSERT INTO audit_log SELECT 3, at_ms, actor, device, 'export', record_type, record_id, case_id, mac FROM audit_log WHERE sequence = 2")
            case .reorder:
                try db.execute(sql: "UPDATE audit_log SET sequence = -1 WHERE sequence = 2")
                try db.execute(sql: "UPDATE audit_log SET sequence = 2 WHERE sequence = 3")
                try db.execute(sql: "UPDATE audit_log SET sequence = 3 WHERE sequence = -1")
            case .rewriteHead:
                try db.execute(sql: "DELETE FROM audit_log WHERE sequence = (SELECT MAX(sequence) FROM audit_log)")
                try db.execute(sql: "UPDATE meta SET value = (SELECT value FROM meta WHERE key = 'hlc') WHERE key = 'audit_head'")
            }
        }
        let result = try fixture.vault.verifyAudit()
        #expect(!result.intact, "tamper \(tamper.rawValue) went unnoticed")
    }
}

import CasebookModels
import CasebookStorage
import CasebookTestSupport
import Foundation
import GRDB
import Testing

/// Bulk import (`Vault.logSessions`) commits every session in one `commit` call (ADR 0031): each
/// still gets its own revision, device number and audit entry, in order, exactly as if logged one
/// at a time; a refusal anywhere rolls everything back.
@Suite struct BulkImportTests {
    @Test func eachImportedSessionHasItsOwnRevisionNumberAndAuditEntry() throws {
        let fixture = try VaultFixture()
        let vault = fixture.vault
        _ = try vault.logSession(fixture.draft(topics: "Before the import"))
        let revisionsBefore = try vault.revisionCount()
        let auditBefore = try vault.auditEntries().count
        let drafts = (0..<25).map { fixture.draft(topics: "Session \($0) about sleep", on: "2026-11-0\(1 + $0 % 9)") }
        let results = try vault.logSessions(drafts)
        #expect(results.count == 25)
        #expect(try vault.revisionCount() == revisionsBefore + 25)

        let created = Array(try vault.auditEntries().dropFirst(auditBefore))
        #expect(created.map(\.recordID) == results.map { Optional($0.session.id) })
        #expect(created.allSatisfy { $0.action == .create && $0.recordType == .session && $0.caseID == fixture.client })
        #expect(created.map(\.sequence) == Array(Int64(auditBefore + 1)...Int64(auditBefore + 25)))
        #expect(try vault.verifyAudit().intact)

        // Device numbers in the case run on without a gap or a repeat (ADR 0014).
        let numbers = try DatabaseQueue(path: vault.path).read { db in
            try Int64.fetchAll(db, sql: "SELECT device_seq FROM revisions WHERE case_id = ? ORDER BY local_seq",
                               arguments: [fixture.client.rawValue])
        }
        #expect(numbers == Array(1...Int64(numbers.count)))

        let listed = try vault.sessions(client: fixture.client)
        #expect(Set(results.map(\.session.id)).isSubset(of: Set(listed.map(\.session.id))))
        #expect(listed.first { $0.session.id == results[7].session.id }?.session.topics == "Session 7 about sleep")

        _ = try vault.logSession(fixture.draft(topics: "After the import"))
        #expect(try vault.verifyAudit().intact)
    }

    @Test func aRefusedDraftRollsTheWholeImportBack() throws {
        let fixture = try VaultFixture()
        let vault = fixture.vault
        let revisionsBefore = try vault.revisionCount()
        let auditBefore = try vault.auditEntries().count
        var drafts = (0..<5).map { fixture.draft(topics: "Session \($0)") }
        drafts.insert(fixture.draft(topics: "On an unapproved app", platform: "Snapchat"), at: 3)
        #expect(throws: CasebookError.self) { try vault.logSessions(drafts) }
        #expect(try vault.revisionCount() == revisionsBefore)
        #expect(try vault.auditEntries().count == auditBefore)
        #expect(try vault.verifyAudit().intact)
    }

    /// Vaults written before ADR 0031 hold the audit head as `JSONEncoder` wrote it (`\/` escapes);
    /// any JSON with the same keys still reads, and the chain continues from it.
    @Test func anAuditHeadInTheEarlierJSONFormStillReads() throws {
        struct Head: Codable { var sequence: Int64; var mac: Data; var headMAC: Data }
        let fixture = try VaultFixture()
        let vault = fixture.vault
        let formats: [JSONEncoder.OutputFormatting] = [.sortedKeys, .prettyPrinted]
        for (index, format) in formats.enumerated() {
            _ = try vault.logSession(fixture.draft(topics: "Session \(index)"))
            let queue = try DatabaseQueue(path: vault.path)
            try queue.write { db in
                let stored = try #require(try Data.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'audit_head'"))
                let head = try JSONDecoder().decode(Head.self, from: stored)
                let encoder = JSONEncoder()
                encoder.outputFormatting = format
                try db.execute(sql: "UPDATE meta SET value = ? WHERE key = 'audit_head'", arguments: [try encoder.encode(head)])
            }
            #expect(try vault.verifyAudit().intact)
            _ = try vault.logSession(fixture.draft(topics: "Session \(index) again"))
            #expect(try vault.verifyAudit().intact)
        }
    }
}

import CasebookCrypto
import CasebookModels
@_spi(Testing) import CasebookStorage
import CasebookSync
import Foundation
import Testing

/// Crash safety and liveness: a client killed mid-pull resumes from its saved cursor with nothing
/// lost and nothing doubled; a hung connection ends in a clear timeout; the outbox survives
/// every failure and is cleared only by acknowledgement.
@Suite struct ResumeTests {
    @Test func clientKilledMidPullResumesFromItsCursor() async throws {
        let org = try await TestOrganisation.make()
        let dsl = try await org.join("Dee Lead", role: .dsl)
        let writer = try await org.join("Wyn Writer", role: .practitioner)
        let caseID = CaseID.random()
        try writer.vault.commitForTesting([PendingChange(record: caseID.clientRecordID, type: .client, caseID: caseID, fields: [:])],
                                          createCase: true)
        for i in 0..<40 {
            try writer.vault.commitForTesting([PendingChange(record: .random(), type: .session, caseID: caseID, fields: ["i": .int(Int64(i))])])
        }
        try await writer.sync()
        try await writer.sync()  // distribute the case key to the DSL

        // Killed after 3 pages of 5: the applied pages and their cursor are saved together.
        let dying = DyingTransport(dsl.transport, pages: 3)
        await #expect(throws: CasebookError.self) { try await dsl.sync(dying) }
        let cursor = try #require(try dsl.vault.syncValue(SyncCursorName.main))
        let partial = try dsl.vault.revisionCount()
        #expect(partial > 0)
        #expect(partial < 41 + 10)

        // Reopen from disk (as after a crash) and resume.
        let reopened = try Vault.open(at: dsl.vault.path, unlock: .passphrase("correct horse battery staple"))
        let resumedMember = Member(name: dsl.name, role: .dsl, vault: reopened, transport: dsl.transport)
        #expect(try reopened.syncValue(SyncCursorName.main) == cursor)
        let report = try await resumedMember.sync()
        #expect(report.duplicates == 0)
        let all = try reopened.revisionIDs()
        let expected = try writer.vault.sealedRevisions(of: caseID).map(\.id)
        #expect(Set(expected).isSubset(of: all))
        #expect(await org.server.revisionCount == all.count)
    }

    @Test func hungConnectionTimesOutWithAClearError() async throws {
        let org = try await TestOrganisation.make()
        var configuration = SyncConfiguration.fast
        configuration.requestTimeout = .milliseconds(150)
        configuration.maxAttempts = 2
        let started = ContinuousClock.now
        do {
            _ = try await org.admin.sync(HangingTransport(inner: org.admin.transport), configuration: configuration)
            Issue.record("a hung server must not let sync succeed")
        } catch let error as CasebookError {
            #expect(error.code == .network)
            #expect(error.message.contains("did not answer"))
        }
        #expect(ContinuousClock.now - started < .seconds(5))
    }

    @Test func outboxSurvivesFailuresAndClearsOnlyOnAcknowledgement() async throws {
        let org = try await TestOrganisation.make()
        let writer = try await org.join("Wyn Writer", role: .practitioner)
        let caseID = CaseID.random()
        try writer.vault.commitForTesting([PendingChange(record: caseID.clientRecordID, type: .client, caseID: caseID, fields: [:])],
                                          createCase: true)
        // Every response lost after the server acted: nothing acknowledged, nothing cleared.
        let lossy = ChaosTransport(writer.transport, seed: 1, dropBefore: 0, dropAfter: 1, duplicate: 0, replay: 0)
        _ = try? await writer.sync(lossy)
        #expect(try writer.vault.outboxCount() == 1)
        // The next clean sync: the push is acknowledged with the revision's original sequence number.
        try await writer.sync()
        #expect(try writer.vault.outboxCount() == 0)
        #expect(await org.server.revisionCount == (try org.admin.vault.revisionCount()) + 1)
    }

    @Test func emptyServerNeverWipesALocalReplica() async throws {
        let org = try await TestOrganisation.make()
        let before = try org.admin.vault.revisionCount()
        // The server "loses" everything; the replica keeps all it has and pushes nothing away.
        await org.server.tamper { $0.removeAll() }
        try await org.admin.sync()
        #expect(try org.admin.vault.revisionCount() == before)
    }
}

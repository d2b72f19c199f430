import CasebookModels
import CasebookStorage
import CasebookTestSupport
import Foundation
import Testing

/// P10 applied to sharing, through a real vault file: the grant check reads the vault's training
/// records; an administrator's replica knows which training summaries the server still needs.
@Suite("Training gate (vault)")
struct TrainingGateVaultTests {
    @Test("granting needs the grantee's current training; a refusal writes nothing", arguments: [
        ("current", [TrainingCourse.confidentiality, .dataProtection], 0, nil as String?),
        ("never trained", [], 0, "confidentiality and data protection"),
        ("data protection missing", [.confidentiality], 0, "data protection"),
        ("both expired a year on", [.confidentiality, .dataProtection], 400, "confidentiality and data protection"),
    ])
    func grantCheck(label: String, courses: [TrainingCourse], days: Int, missing: String?) throws {
        let clock = TestClock(on: SafeguardingFixture.start)
        let vault = try SafeguardingFixture.vault(role: .practitioner, clock: clock, trained: false)
        for course in courses { try vault.recordTraining(course: course, completedOn: clock.today) }
        clock.advance(days: days)
        let auditBefore = try vault.auditEntries().count
        do throws(CasebookError) {
            try vault.requireGrantable(to: vault.person)
            #expect(missing == nil, "\(label): expected a refusal")
        } catch {
            #expect(missing != nil, "\(label): unexpected refusal: \(error.message)")
            #expect(error.code == .releaseRefused)
            #expect(error.message.contains("has no current \(missing ?? "?") training on \(clock.today) (per this vault's training records)"))
            #expect(!error.message.contains("Owner"), "no names in error messages")
        }
        #expect(try vault.auditEntries().count == auditBefore, "a check (allowed or refused) is not an audited event")
    }

    @Test("a grant to a person the vault does not know is refused as not found")
    func unknownPerson() throws {
        let vault = try SafeguardingFixture.vault(role: .practitioner)
        #expect(throws: CasebookError.self) { try vault.requireGrantable(to: .random()) }
        do throws(CasebookError) { try vault.requireGrantable(to: .random()) } catch { #expect(error.code == .notFound) }
    }

    @Test("an administrator's replica offers each changed training summary once")
    func summariesToPublish() throws {
        let clock = TestClock(on: SafeguardingFixture.start)
        let vault = try SafeguardingFixture.vault(role: .practitioner, clock: clock, trained: false)
        // Given no training at all, there is nothing to tell the server (no summary = untrained there).
        #expect(try vault.trainingSummariesToPublish().isEmpty)

        // When a course is recorded, the owner's summary is offered with its expiry.
        try vault.recordTraining(course: .confidentiality, completedOn: clock.today)
        let first = try vault.trainingSummariesToPublish()
        #expect(first.map(\.person) == [vault.person])
        #expect(first.first?.validUntil == [.confidentiality: clock.today.addingMonths(12)])
        // Not acknowledged yet: offered again (a failed upload is retried next sync).
        #expect(try vault.trainingSummariesToPublish() == first)

        // Once acknowledged, not again; a new record changes the summary and it is offered again.
        try vault.markTrainingPublished(first[0])
        #expect(try vault.trainingSummariesToPublish().isEmpty)
        clock.advance(days: 10)
        try vault.recordTraining(course: .dataProtection, completedOn: clock.today)
        let second = try vault.trainingSummariesToPublish()
        #expect(second.first?.validUntil[.dataProtection] == clock.today.addingMonths(12))
        #expect(second.first?.validUntil[.confidentiality] == SafeguardingFixture.start.addingMonths(12))
    }
}

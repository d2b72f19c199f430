import CasebookModels
import CasebookStorage
import CasebookTestSupport
import Foundation
import Testing

/// P10 training, P13 policy review, P14 roles, through the vault.
@Suite("Training, policy review and roles")
struct SafeguardingTrainingPolicyTests {
    @Test("missing or expired training closes client records, naming the course", arguments: [
        ("current", 0, nil as String?),
        ("expired", 400, "confidentiality and data protection"),
        ("missing data protection", 0, "data protection"),
    ])
    func trainingBlocksRecords(state: String, days: Int, missing: String?) throws {
        let clock = TestClock(on: SafeguardingFixture.start)
        let vault = try SafeguardingFixture.vault(role: .practitioner, clock: clock, trained: false)
        try vault.recordTraining(course: .confidentiality, completedOn: clock.today)
        if state != "missing data protection" { try vault.recordTraining(course: .dataProtection, completedOn: clock.today) }
        var client: Client?
        if state != "missing data protection" { client = try SafeguardingFixture.client(in: vault) }
        clock.advance(days: days)
        do throws(CasebookError) {
            if let client { _ = try vault.clientDetail(client.id) } else { _ = try vault.clients() }
            #expect(missing == nil)
        } catch {
            #expect(error.code == .trainingMissing)
            #expect(error.message.contains("your \(missing ?? "?") training is missing or expired"))
        }
    }

    @Test("training due lists who needs it within 30 days", arguments: [
        (0, [] as [String]), (340, ["confidentiality:expiring", "data-protection:expiring"]),
        (300, []), (370, ["confidentiality:expired", "data-protection:expired"]),
    ])
    func trainingDue(days: Int, expected: [String]) throws {
        let clock = TestClock(on: SafeguardingFixture.start)
        let vault = try SafeguardingFixture.vault(role: .practitioner, clock: clock)
        clock.advance(days: days)
        let due = try vault.trainingDue(within: 30)
        #expect(due.map { "\($0.course.rawValue):\($0.state.rawValue)" }.sorted() == expected)
        #expect(due.allSatisfy { $0.person == vault.person })
    }

    @Test("an untrained person is listed as missing")
    func trainingMissingListed() throws {
        let vault = try SafeguardingFixture.vault(role: .practitioner, trained: false)
        #expect(try vault.trainingDue().map(\.state) == [.missing, .missing])
    }

    @Test("records carry the policy version in force; an overdue review warns everyone", arguments: [
        (0, false), (364, false), (366, true),
    ])
    func policyReview(days: Int, overdue: Bool) throws {
        let clock = TestClock(on: SafeguardingFixture.start)
        let vault = try SafeguardingFixture.vault(role: .practitioner, clock: clock)
        let client = try SafeguardingFixture.client(in: vault)
        clock.advance(days: days)
        try vault.recordTraining(course: .confidentiality, completedOn: clock.today)
        try vault.recordTraining(course: .dataProtection, completedOn: clock.today)
        _ = try vault.logSession(SessionDraft(clientID: client.id, on: clock.today, minutes: 30, platform: "Microsoft Teams",
                                              practitionerPrivate: true, clientPrivate: true, topics: "t", progress: "p", followUp: "f"))
        #expect(try vault.sessions(client: client.id).map(\.policyVersion) == ["1"])
        let warned = try vault.warnings().contains { $0.contains("due for review") }
        #expect(warned == overdue)
        if overdue {
            try vault.adoptPolicy(version: "2", adoptedOn: clock.today)
            #expect(!(try vault.warnings().contains { $0.contains("due for review") }))
        }
    }
}

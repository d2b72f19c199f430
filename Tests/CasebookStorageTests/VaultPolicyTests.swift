import CasebookModels
import CasebookStorage
import CasebookTestSupport
import Foundation
import Testing

/// The policy rules as the vault enforces them (P3, P4, P5, P6, P10, P13), through the public API.
@Suite struct VaultPolicyTests {
    @Test func untrainedPractitionerCannotOpenClientRecords() throws {
        let fixture = try VaultFixture(trained: false, withClient: false)
        let error = #expect(throws: CasebookError.self) {
            try fixture.vault.addClient(name: Synthetic.clientName, bornOn: nil, related: [], contacts: [])
        }
        #expect(error?.code == .trainingMissing)
        #expect(error?.message.contains("confidentiality and data protection") == true)
        #expect(throws: CasebookError.self) { try fixture.vault.clients() }
    }

    @Test func expiredTrainingClosesRecordsAgain() throws {
        let fixture = try VaultFixture()
        fixture.clock.advance(by: 400 * 86_400)
        let error = #expect(throws: CasebookError.self) { try fixture.vault.sessions(client: fixture.client) }
        #expect(error?.code == .trainingMissing)
    }

    @Test func sessionWithoutConsentIsRefused() throws {
        let fixture = try VaultFixture()
        let other = try fixture.vault.addClient(name: "Ignatius Fernsby", bornOn: nil, related: [], contacts: [])
        var draft = fixture.draft()
        draft.clientID = other.id
        let error = #expect(throws: CasebookError.self) { try fixture.vault.logSession(draft) }
        #expect(error?.code == .consentMissing)
        #expect(try fixture.vault.sessions(client: other.id).isEmpty)
    }

    @Test func unapprovedPlatformAndMissingConfirmationsAreRefused() throws {
        let fixture = try VaultFixture()
        let platform = #expect(throws: CasebookError.self) { try fixture.vault.logSession(fixture.draft(platform: "Zoom")) }
        #expect(platform?.code == .platformNotApproved)
        var draft = fixture.draft()
        draft.clientPrivate = false
        let environment = #expect(throws: CasebookError.self) { try fixture.vault.logSession(draft) }
        #expect(environment?.code == .environmentNotConfirmed)
        // An administrator can approve another platform.
        try fixture.vault.updateSettings { $0.approvedPlatforms.append("Zoom") }
        #expect(try fixture.vault.logSession(fixture.draft(platform: "zoom")).session.platform == "Zoom")
    }

    @Test func identifyingDetailsAreMaskedAndReported() throws {
        let fixture = try VaultFixture()
        let result = try fixture.vault.logSession(fixture.draft(
            topics: "zephyrine's brother Barnaby Quillfeather; ring 07700 900123 or email zq@example.org"))
        let stored = try #require(try fixture.vault.sessions(client: fixture.client).first?.session)
        #expect(!stored.topics.lowercased().contains("zephyrine"))
        #expect(!stored.topics.contains("Barnaby"))
        #expect(!stored.topics.contains("900123"))
        #expect(!stored.topics.contains("zq@example.org"))
        // Readable placeholders (issue 15): the client and the brother by their relation.
        #expect(stored.topics.contains("[CLIENT]"))
        #expect(stored.topics.contains("[BROTHER]"))
        #expect(result.masked.first?.field == "topics")
        #expect(stored.masked["NAME", default: 0] >= 2)
    }

    @Test func aTaughtWordIsMaskedFromThenOn() throws {
        let fixture = try VaultFixture()
        try fixture.vault.logSession(fixture.draft(topics: "Walked quibblesnout after school"))
        #expect(try fixture.vault.sessions(client: fixture.client).first?.session.topics.contains("quibblesnout") == true)
        #expect(try fixture.vault.addIdentifier(" Quibblesnout ", to: fixture.client) == 1)
        #expect(try fixture.vault.addIdentifier("QUIBBLESNOUT", to: fixture.client) == 1)  // no duplicate
        try fixture.vault.logSession(fixture.draft(topics: "Walked quibblesnout again", on: "2026-11-09"))
        let topics = try fixture.vault.sessions(client: fixture.client).map(\.session.topics)
        #expect(topics.contains("Walked [PERSON 1] again"))
        #expect(try fixture.vault.clientDetail(fixture.client).client.identifiers == ["Quibblesnout"])
        let error = #expect(throws: CasebookError.self) { try fixture.vault.addIdentifier("q\nx", to: fixture.client) }
        #expect(error?.code == .invalidInput)
        #expect(throws: CasebookError.self) { try fixture.vault.addIdentifier(" ", to: fixture.client) }
    }

    @Test func refuseModeRefusesInsteadOfMasking() throws {
        let fixture = try VaultFixture()
        try fixture.vault.updateSettings { $0.redaction = .refuse }
        let error = #expect(throws: CasebookError.self) {
            try fixture.vault.logSession(fixture.draft(topics: "Zephyrine was upset"))
        }
        #expect(error?.code == .identifyingDetails)
        #expect(error?.message.contains("Zephyrine") == false)
        #expect(try fixture.vault.logSession(fixture.draft(topics: "Upset about exams")).masked.isEmpty)
    }

    @Test func finalisedSessionsAreAmendedNotEdited() throws {
        let fixture = try VaultFixture()
        let logged = try fixture.vault.logSession(fixture.draft())
        try fixture.vault.finaliseSession(logged.session.id)
        let again = #expect(throws: CasebookError.self) { try fixture.vault.finaliseSession(logged.session.id) }
        #expect(again?.code == .finalised)
        _ = try fixture.vault.amendSession(logged.session.id, text: "Duration was 45 minutes")
        let entry = try #require(try fixture.vault.sessions(client: fixture.client).first)
        #expect(entry.session.status == .finalised)
        #expect(entry.amendments.map(\.text) == ["Duration was 45 minutes"])
        #expect(entry.policyVersion == "2026-1")
    }

    @Test func overduePolicyReviewIsWarned() throws {
        let fixture = try VaultFixture(withClient: false)
        #expect(try fixture.vault.warnings().isEmpty)
        fixture.clock.advance(by: 90 * 86_400)
        #expect(try fixture.vault.warnings().contains { $0.contains("due for review") })
    }

    @Test func onlyAdministratorsAdoptPolicyOrChangeSettingsAndTrainOthers() throws {
        let fixture = try VaultFixture()
        let error = #expect(throws: CasebookError.self) {
            try fixture.vault.recordTraining(course: .confidentiality, completedOn: Synthetic.today, for: .random())
        }
        #expect(error?.code == .notFound)
    }
}

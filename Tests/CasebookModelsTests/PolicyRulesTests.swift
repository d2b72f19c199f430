import CasebookModels
import CasebookTestSupport
import Testing

@Suite struct SessionPolicyTests {
    let client = ClientID.random()
    let settings = OrganisationSettings()
    var consent: ConsentRecord {
        ConsentRecord(id: .random(), clientID: client, formVersion: "3", signedOn: LocalDate(iso: "2026-10-01")!, signedBy: .client,
                      limitsAcknowledged: true)
    }

    func draft(platform: String = "Microsoft Teams", practitionerPrivate: Bool = true, clientPrivate: Bool = true,
               minutes: Int = 50, on: String = "2026-11-02", topics: String = "t") -> SessionDraft {
        SessionDraft(clientID: client, on: LocalDate(iso: on)!, minutes: minutes, platform: platform, practitionerPrivate: practitionerPrivate,
                     clientPrivate: clientPrivate, topics: topics, progress: "p", followUp: "f")
    }

    @Test func acceptsAValidSessionAndNormalisesThePlatform() throws {
        #expect(try SessionPolicy.check(draft(platform: " microsoft teams "), consents: [consent], settings: settings, today: Synthetic.today)
                == "Microsoft Teams")
    }

    @Test func refusesWithoutSignedConsent() {
        let error = #expect(throws: CasebookError.self) {
            try SessionPolicy.check(draft(), consents: [], settings: settings, today: Synthetic.today)
        }
        #expect(error?.code == .consentMissing)
        // Consent signed after the session does not count.
        let late = #expect(throws: CasebookError.self) {
            try SessionPolicy.check(draft(on: "2026-09-01"), consents: [consent], settings: settings, today: Synthetic.today)
        }
        #expect(late?.code == .consentMissing)
    }

    @Test func refusesUnapprovedPlatformsListingTheApprovedOnes() {
        let error = #expect(throws: CasebookError.self) {
            try SessionPolicy.check(draft(platform: "Zoom"), consents: [consent], settings: settings, today: Synthetic.today)
        }
        #expect(error?.code == .platformNotApproved)
        #expect(error?.message.contains("Microsoft Teams") == true)
        #expect(error?.message.contains("Zoom") == false)
    }

    @Test(arguments: [(false, true), (true, false), (false, false)])
    func requiresBothConfidentialEnvironmentConfirmations(_ practitioner: Bool, _ client: Bool) {
        let error = #expect(throws: CasebookError.self) {
            try SessionPolicy.check(draft(practitionerPrivate: practitioner, clientPrivate: client), consents: [consent],
                                    settings: settings, today: Synthetic.today)
        }
        #expect(error?.code == .environmentNotConfirmed)
    }

    @Test(arguments: [0, -5, 481])
    func refusesImpossibleDurations(_ minutes: Int) {
        #expect(throws: CasebookError.self) {
            try SessionPolicy.check(draft(minutes: minutes), consents: [consent], settings: settings, today: Synthetic.today)
        }
    }

    @Test func trainingMustBeCurrentForBothCourses() throws {
        let person = PersonID.random()
        let done = LocalDate(iso: "2026-01-10")!
        let records = [TrainingRecord(id: .random(), person: person, course: .confidentiality, completedOn: done, expiresOn: done.addingMonths(12))]
        #expect(TrainingPolicy.missingCourses(for: person, records: records, on: Synthetic.today) == [.dataProtection])
        let error = #expect(throws: CasebookError.self) {
            try TrainingPolicy.requireCurrent(for: person, records: records, on: LocalDate(iso: "2026-11-02")!)
        }
        #expect(error?.code == .trainingMissing)
        #expect(error?.message.contains("data protection") == true)
    }

    @Test func policyReviewIsOverdueAfterItsDate() {
        let policy = PolicyVersion(id: .random(), version: "1", adoptedOn: LocalDate(iso: "2025-11-01")!)
        #expect(policy.reviewDue.iso == "2026-11-01")
        #expect(policy.isReviewOverdue(on: Synthetic.today))
        #expect(!policy.isReviewOverdue(on: LocalDate(iso: "2026-11-01")!))
    }
}

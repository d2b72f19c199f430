import CasebookModels
import CasebookServerTestSupport
import CasebookStorage
import CasebookSync
import Testing

/// `person remove --reason` (issue 13, ADR 0024): the reason travels in the removed person's signed,
/// encrypted person record, so every replica shows it; it never reaches the server in clear.
@Suite("Why a person was removed")
struct PersonRemovalReasonTests {
    @Test("the reason is in the person record on the administrator's replica and on every other after sync")
    func reasonTravels() async throws {
        let org = try await TestOrganisation.make()
        let dsl = try await org.join("Dee Lead", role: .dsl)
        let leaver = try await org.join("Lee Leaver", role: .practitioner)
        _ = try await org.admin.client().removePerson(leaver.person, reason: "left the organisation in November")
        let here = try #require(try org.admin.vault.organisation().person(leaver.person))
        #expect(!here.active && here.removalReason == "left the organisation in November")
        try await dsl.sync()
        #expect(try dsl.vault.organisation().person(leaver.person)?.removalReason == "left the organisation in November")
        // Without a reason, none is recorded.
        let other = try await org.join("Otto Other", role: .practitioner)
        _ = try await org.admin.client().removePerson(other.person)
        #expect(try org.admin.vault.organisation().person(other.person)?.removalReason == nil)
        #expect(try org.admin.vault.organisation().person(other.person)?.active == false)
    }
}

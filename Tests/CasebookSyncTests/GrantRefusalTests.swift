import CasebookModels
import CasebookServerTestSupport
import CasebookStorage
import CasebookSync
import Testing

/// Checks before effects (issue 13) for `grant`, against the real server routes: a grant refused on
/// the granting laptop sends nothing, stores nothing and audits nothing; the grantee reads nothing.
/// (The training refusal: `TrainingGateSyncTests.grantByTraining`.)
@Suite("Grant refusals leave nothing")
struct GrantRefusalTests {
    @Test("a grant by someone who holds no key of the case, or to a person nobody knows, is refused before anything is sent")
    func refusedGrants() async throws {
        let org = try await TestOrganisation.make()
        _ = try await org.join("Dee Lead", role: .dsl)
        let owner = try await org.join("Olu Owner", role: .practitioner)
        let outsider = try await org.join("Otto Outsider", role: .practitioner)
        let colleague = try await org.join("Cam Colleague", role: .practitioner)
        let caseID = try AccessTests.newCase(owner)
        try await owner.sync()
        try await outsider.sync()
        let grantsBefore = await org.server.requestCounts["grant"] ?? 0
        let keysBefore = await org.server.storedKeys(of: caseID)
        let outboxBefore = try outsider.vault.outboxCount()

        // The outsider cannot read the case, so cannot grant it.
        let noKey = await #expect(throws: CasebookError.self) { try await outsider.client().grant(caseID, to: colleague.person, until: nil) }
        #expect(noKey?.code == .notAuthorised)
        // The owner grants to a person no vault knows.
        let unknown = await #expect(throws: CasebookError.self) { try await owner.client().grant(caseID, to: .random(), until: nil) }
        #expect(unknown?.code == .notFound)

        #expect(await org.server.requestCounts["grant"] ?? 0 == grantsBefore, "refused before anything was sent")
        #expect(await org.server.storedKeys(of: caseID) == keysBefore, "no key was wrapped")
        #expect(try outsider.vault.outboxCount() == outboxBefore)
        for member in [owner, outsider] {
            #expect(try member.vault.auditEntries().allSatisfy { $0.action != .grant }, "a refused grant is not audited as a grant")
        }
        try await colleague.sync()
        #expect(try !colleague.vault.canRead(caseID))
    }
}

import CasebookExport
import CasebookModels
import CasebookStorage
import CasebookTestSupport
import CasebookUI
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// Withholding records from a subject-access bundle through the web app (`casebook export sar
/// --withhold RECORD --ground TEXT`): the same library call answers the request, the bundle's
/// signed manifest lists what was withheld with its ground, and only the DSL may withhold.
@Suite("Local web app: withholding from a subject-access bundle")
struct UIWithholdTests {
    static let ground = "DPA 2018 Sch. 3 Pt 2 para 5: serious harm"

    @Test("the DSL withholds a session with its ground: the manifest lists it, the disclosure log leaves it out; missing ground and unknown records are refused")
    func dslWithholds() async throws {
        let harness = try UIHarness(role: .dsl, configure: UIReleaseTests.withKey)
        let client = harness.fixture.client
        let today = harness.vault.clock.today
        let kept = try harness.vault.logSession(harness.fixture.draft(on: "2026-11-02")).session
        let withheld = try harness.vault.logSession(harness.fixture.draft(on: "2026-11-09")).session
        for session in [kept, withheld] { _ = try harness.vault.finaliseSession(session.id) }
        let request = try harness.vault.openAccessRequest(client: client, receivedOn: today, identityVerifiedOn: today)
        let export = "/access-requests/\(request.id.rawValue)/export"
        try await harness.test { browser in
            var browser = browser
            try await browser.launch()
            let page = try await browser.get("/clients/\(client.rawValue)")
            #expect(page.text.contains("name=\"withhold\" value=\"\(withheld.id.rawValue)\""))
            #expect(page.text.contains("name=\"ground\""))

            let noGround = try await browser.post(export, [("withhold", withheld.id.rawValue)])
            #expect(noGround.text.contains("Refused:"))
            #expect(noGround.text.contains("needs the legal ground"))
            let groundOnly = try await browser.post(export, [("ground", Self.ground)])
            #expect(groundOnly.text.contains("a legal ground goes with a record to withhold"))
            let unknown = try await browser.post(export, [("withhold", RecordID.random().rawValue), ("ground", Self.ground)])
            #expect(unknown.status == .notFound)
            #expect(unknown.text.contains("not a session or safeguarding concern of this client"))
            let noToken = try await browser.post(export, [("withhold", withheld.id.rawValue), ("ground", Self.ground)], csrf: false)
            #expect(noToken.status == .forbidden)
            #expect(try harness.vault.accessRequests().count == 1, "nothing was answered by a refused export")
            #expect(try harness.vault.releaseHistory(client: client).disclosures.isEmpty)

            let zip = try await browser.post(export, [("withhold", withheld.id.rawValue), ("ground", Self.ground)])
            #expect(zip.status == .ok)
            #expect(zip.headers[.contentType] == "application/zip")
            let report = try UIReleaseTests.verify(zip.data)
            #expect(report.isValid, "problems: \(report.problems)")
            #expect(report.manifest?.withheld == [WithheldRecord(id: withheld.id.rawValue, kind: "session", ground: Self.ground)])
            #expect(try harness.vault.accessRequests().isEmpty, "the bundle answered the request")
            let logged = try #require(try harness.vault.releaseHistory(client: client).disclosures.first { $0.basis == .subjectAccess })
            #expect(logged.records.contains(kept.id))
            #expect(!logged.records.contains(withheld.id), "a withheld session is not logged as released")
        }
    }

    @Test("a records officer may export but not withhold: refused by the library, the request stays open")
    func recordsOfficerMayNotWithhold() async throws {
        let harness = try UIHarness(role: .recordsOfficer, configure: UIReleaseTests.withKey)
        let client = harness.fixture.client
        let today = harness.vault.clock.today
        let request = try harness.vault.openAccessRequest(client: client, receivedOn: today, identityVerifiedOn: today)
        try await harness.test { browser in
            var browser = browser
            try await browser.launch()
            let refused = try await browser.post("/access-requests/\(request.id.rawValue)/export",
                                                 [("withhold", RecordID.random().rawValue), ("ground", Self.ground)])
            #expect(refused.status == .forbidden)
            #expect(refused.text.contains("only the Designated Safeguarding Lead may withhold"))
            #expect(refused.headers[.contentType] != "application/zip")
            #expect(try harness.vault.accessRequests().count == 1)
            harness.lock()
            #expect(try await browser.post("/access-requests/\(request.id.rawValue)/export", []).status.code == 423)
        }
    }
}

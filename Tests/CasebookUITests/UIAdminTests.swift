import CasebookModels
import CasebookStorage
import CasebookTestSupport
import CasebookUI
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// The administrator's training and policy screens: `vault.trainingDue`, `recordTraining` and
/// `adoptPolicy`, as `casebook training due|record` and `casebook policy adopt`.
@Suite("Local web app: training and policy")
struct UIAdminTests {
    @Test("who is due is listed; recording a course takes it off the list; a bad date is refused inline")
    func training() async throws {
        let harness = try UIHarness(role: .admin, trained: false, withClient: false)
        try await harness.test { browser in
            var browser = browser
            try await browser.launch()
            let page = try await browser.get("/admin")
            #expect(page.text.contains("<table id=\"training-due\">"))
            #expect(page.text.components(separatedBy: "missing").count - 1 == 2, "both courses missing")
            let person = harness.vault.person.rawValue
            let badDate = try await browser.post("/training", [("person", person), ("course", "confidentiality"), ("completed", "2099-01-01")])
            #expect(badDate.text.contains("Refused:"))
            #expect(try harness.vault.organisation().training.isEmpty)
            let noToken = try await browser.post("/training", [("person", person), ("course", "confidentiality"), ("completed", "2026-11-01")],
                                                 csrf: false)
            #expect(noToken.status == .forbidden)
            #expect(try harness.vault.organisation().training.isEmpty)
            let recorded = try await browser.post("/training", [("person", person), ("course", "confidentiality"), ("completed", "2026-11-01")])
            #expect(recorded.status == .seeOther)
            #expect(try harness.vault.organisation().training.map(\.course) == [.confidentiality])
            let after = try await browser.get("/admin")
            #expect(after.text.components(separatedBy: "missing").count - 1 == 1)
            #expect(!after.text.contains("<td>confidentiality</td>"), "confidentiality is no longer due")
        }
    }

    @Test("the policy in force with its review date; an administrator adopts a version; refusals in the library's words")
    func policy() async throws {
        let harness = try UIHarness(role: .admin)
        try await harness.test { browser in
            var browser = browser
            try await browser.launch()
            let page = try await browser.get("/admin")
            #expect(page.text.contains("Version 2026-1, adopted 2026-01-15; review due 2027-01-15"))
            let empty = try await browser.post("/policy", [("version", " "), ("adopted", "2026-11-20")])
            #expect(empty.text.contains("Refused:"))
            #expect(try await browser.post("/policy", [("version", "2026-2"), ("adopted", "2026-11-20")]).status == .seeOther)
            #expect(try await browser.get("/admin").text.contains("Version 2026-2, adopted 2026-11-20"))
            // The owner of a standalone vault administers it, so the refusals shown here are a person
            // the vault does not know and a review date before adoption: both in the library's words.
            let early = try await browser.post("/policy", [("version", "2026-9"), ("adopted", "2026-11-20"), ("review_due", "2026-01-01")])
            #expect(early.text.contains("Refused:"))
            #expect(early.text.contains("must be after"))
            let stranger = try await browser.post("/training", [("person", PersonID.random().rawValue), ("course", "confidentiality"),
                                                                 ("completed", "2026-11-01")])
            #expect(stranger.text.contains("Refused:"))
            #expect(try harness.vault.organisation().policies.count == 2)
        }
    }
}

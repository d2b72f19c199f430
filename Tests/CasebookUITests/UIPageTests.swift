import CasebookCrypto
import CasebookModels
import CasebookRedaction
import CasebookStorage
import CasebookTestSupport
import CasebookUI
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// Every page and action through the testing client over a real vault: the same library calls as
/// the CLI, and their refusals shown in the library's words.
@Suite("Local web app: pages")
struct UIPageTests {
    static let note = "Talked with Barnaby Quillfeather about school; call him on 07700 900456 if worried"

    @Test("add a client and record consent; the timeline shows both, in time order")
    func addClientAndConsent() async throws {
        let harness = try UIHarness(withClient: false)
        try await harness.test { browser in
            var browser = browser
            try await browser.launch()
            let refused = try await browser.post("/clients", [("name", "  ")])
            #expect(refused.status == .unprocessableContent)
            #expect(refused.text.contains("Refused:"))
            let added = try await browser.post("/clients", [("name", "Wren Example"), ("born", "2011-02-03"), ("related", "Ash Example:sister")])
            #expect(added.status == .seeOther)
            let location = try #require(added.location)
            let client = try #require(harness.vault.clients().first)
            #expect(location == "/clients/\(client.id.rawValue)")
            #expect(client.related.first?.relation == "sister")
            let badDate = try await browser.post("\(location)/consent", [("form_version", "3"), ("signed_on", "yesterday"), ("signed_by", "guardian")])
            #expect(badDate.text.contains("YYYY-MM-DD"))
            let consent = try await browser.post("\(location)/consent", [("form_version", "3"), ("signed_on", "2026-10-01"), ("signed_by", "guardian")])
            #expect(consent.status == .seeOther)
            #expect(try harness.vault.clientDetail(client.id).consents.count == 1)
            let timeline = try await browser.get(location)
            #expect(timeline.text.contains("Wren Example"))
            #expect(timeline.text.contains("2026-10-01 · Consent"))
        }
    }

    @Test("the live preview marks the sibling and the phone number with their placeholders; a taught word joins them")
    func livePreview() async throws {
        let harness = try UIHarness()
        let client = harness.fixture.client.rawValue
        try await harness.test { browser in
            var browser = browser
            try await browser.launch()
            let auditBefore = try harness.vault.auditEntries().count
            let answer = try await browser.post("/clients/\(client)/preview", [("topics", UIPageTests.note), ("progress", "the otterbrook club helps"), ("follow_up", "")],
                                                headers: [Browser.csrfHeader: browser.csrf ?? ""])
            #expect(answer.status == .ok)
            #expect(try harness.vault.auditEntries().count == auditBefore + 1, "a preview is audited as one read of the case")
            let json = try JSONSerialization.jsonObject(with: Data(answer.text.utf8)) as? [String: Any]
            let fields = try #require(json?["fields"] as? [[String: Any]])
            let topics = try #require(fields.first { $0["name"] as? String == "topics" }?["segments"] as? [[String: Any]])
            let masked = topics.compactMap { s in (s["placeholder"] as? String).map { (s["text"] as? String ?? "", $0) } }
            #expect(masked.contains { $0.0.contains("Barnaby") && $0.1 == "[BROTHER]" }, "masked: \(masked.map(\.1))")
            #expect(masked.contains { $0.0.contains("07700 900456") && $0.1 == "[PHONE]" }, "masked: \(masked.map(\.1))")
            // The segments put the text back together exactly.
            #expect(topics.map { $0["text"] as? String ?? "" }.joined() == UIPageTests.note)
            let progressBefore = try #require(fields.first { $0["name"] as? String == "progress" }?["segments"] as? [[String: Any]])
            #expect(!progressBefore.contains { ($0["text"] as? String)?.contains("otterbrook") == true && $0["placeholder"] != nil })
            // Mark the missed word as identifying: it is masked from now on.
            let taught = try await browser.post("/clients/\(client)/identify", [("word", "otterbrook")])
            #expect(taught.status == .ok)
            #expect(!taught.text.contains("otterbrook"), "the taught word is never echoed back")
            #expect(try harness.vault.clientDetail(harness.fixture.client).client.identifiers == ["otterbrook"])
            let after = try await browser.post("/clients/\(client)/preview", [("topics", ""), ("progress", "the otterbrook club helps"), ("follow_up", "")])
            #expect(after.text.contains("\"text\":\"otterbrook\""))
            let refusedWord = try await browser.post("/clients/\(client)/identify", [("word", "x")])
            #expect(refusedWord.status == .unprocessableContent)
            #expect(refusedWord.text.contains("2 to 80 characters"))
        }
    }

    @Test("a session saved from the form is stored masked and shown masked in the timeline; refusals inline")
    func logSession() async throws {
        let harness = try UIHarness()
        let client = harness.fixture.client.rawValue
        try await harness.test { browser in
            var browser = browser
            try await browser.launch()
            var fields = [("on", "2026-11-10"), ("minutes", "50"), ("platform", "Microsoft Teams"),
                          ("topics", UIPageTests.note), ("progress", "Calmer"), ("follow_up", "Check in next week")]
            // Without the two confirmations the library refuses (P5), in its words, and keeps the note on the form.
            let refused = try await browser.post("/clients/\(client)/sessions", fields)
            #expect(refused.status == .unprocessableContent)
            #expect(refused.text.contains("Refused:"))
            #expect(refused.text.contains("confidential"))
            #expect(refused.text.contains("Calmer"), "the form keeps what was typed")
            #expect(try harness.vault.sessions(client: harness.fixture.client).isEmpty)
            fields += [("practitioner_private", "on"), ("client_private", "on")]
            let saved = try await browser.post("/clients/\(client)/sessions", fields)
            #expect(saved.status == .seeOther)
            let session = try #require(harness.vault.sessions(client: harness.fixture.client).first?.session)
            #expect(session.status == .draft)
            // The preview is the redactor that saved it: what it showed is exactly what was stored.
            #expect(try harness.vault.previewRedaction([UIPageTests.note], client: harness.fixture.client).first?.text == session.topics)
            #expect(!session.topics.contains("Barnaby") && !session.topics.contains("900456"))
            let timeline = try await browser.get("/clients/\(client)")
            #expect(timeline.text.contains("[BROTHER]"))
            #expect(timeline.text.contains("[PHONE]"))
            #expect(!timeline.text.contains("07700 900456"))
            // Edit the draft, finalise, amend: the amendment shows under the original.
            let edit = try await browser.get("/sessions/\(session.id.rawValue)/edit")
            #expect(edit.status == .ok && edit.text.contains("Save draft"))
            var edited = fields
            edited[4] = ("progress", "Much calmer")
            #expect(try await browser.post("/sessions/\(session.id.rawValue)", edited).status == .seeOther)
            #expect(try harness.vault.sessions(client: harness.fixture.client).first?.session.progress == "Much calmer")
            #expect(try await browser.post("/sessions/\(session.id.rawValue)/finalise", []).status == .seeOther)
            let again = try await browser.post("/sessions/\(session.id.rawValue)/finalise", [])
            #expect(again.text.contains("Refused:"), "finalising twice is refused by the library")
            // The library's hint in the web app's words, never as a CLI command (ADR 0029).
            #expect(again.text.contains("correct it with an amendment") && !again.text.contains("casebook session"))
            #expect(try await browser.post("/sessions/\(session.id.rawValue)/amend", [("text", "Correction: forty minutes")]).status == .seeOther)
            let final = try await browser.get("/clients/\(client)")
            #expect(final.text.contains("class=\"amend\"><strong>Amendment"))
            #expect(final.text.contains("Correction: forty minutes"))
            let notMine = try await browser.get("/sessions/\(session.id.rawValue)/edit")
            #expect(notMine.status == .notFound)
        }
    }

    @Test("a concern is raised in two clicks from any page; offline, the DSL's phone is shown")
    func raiseConcern() async throws {
        let harness = try UIHarness()
        try harness.vault.updateSettings { $0.dslContact = "Dana DSL 01632 960001" }
        let client = harness.fixture.client.rawValue
        try await harness.test { browser in
            var browser = browser
            try await browser.launch()
            let home = try await browser.get("/")
            #expect(home.text.contains("href=\"/concerns/new\""), "every page links to the concern form")
            let form = try await browser.get("/concerns/new?client=\(client)")
            #expect(form.text.contains("Dana DSL 01632 960001"))
            #expect(form.text.contains("value=\"\(client)\" selected"))
            let empty = try await browser.post("/concerns", [("client", client), ("category", "risk-to-self"), ("details", " ")])
            #expect(empty.text.contains("Refused:"))
            let raised = try await browser.post("/concerns", [("client", client), ("category", "risk-to-self"), ("details", "Said they feel unsafe at home")])
            #expect(raised.status == .ok)
            #expect(raised.text.contains("id=\"dsl-phone\">Dana DSL 01632 960001"))
            #expect(try harness.vault.concerns(client: harness.fixture.client).count == 1)
        }
    }

    @Test("the DSL's inbox is vault.status(): a concern with its Acknowledge action; a practitioner cannot acknowledge")
    func dslInbox() async throws {
        let harness = try UIHarness(role: .dsl)
        let concern = try harness.vault.raiseConcern(client: harness.fixture.client, category: .abuseOrNeglect, details: "Bruises seen")
        try await harness.test { browser in
            var browser = browser
            try await browser.launch()
            let inbox = try await browser.get("/inbox")
            #expect(inbox.status == .ok)
            let items = try harness.vault.status().items
            #expect(items.contains { $0.kind == .unacknowledgedConcern })
            #expect(inbox.text.contains("data-kind=\"\(StatusItem.Kind.unacknowledgedConcern.rawValue)\""))
            #expect(inbox.text.contains("action=\"/concerns/\(concern.id.rawValue)/acknowledge\""))
            #expect(inbox.text.contains("<svg id=\"concerns-chart\""))
            #expect(inbox.text.contains("<title>1 concern(s)</title>"))
            let ack = try await browser.post("/concerns/\(concern.id.rawValue)/acknowledge", [])
            #expect(ack.status == .seeOther)
            #expect(try harness.vault.concerns().first?.concern.status == .acknowledged)
            #expect(try await browser.post("/concerns/\(concern.id.rawValue)/action", [("kind", "referral"), ("text", "Referred")]).status == .seeOther)
            #expect(try await browser.post("/concerns/\(concern.id.rawValue)/close", [("outcome", "Plan agreed")]).status == .seeOther)
            #expect(try harness.vault.concerns().first?.concern.status == .closed)
        }
        let practitioner = try UIHarness()
        let theirs = try practitioner.vault.raiseConcern(client: practitioner.fixture.client, category: .riskToSelf, details: "Low mood")
        try await practitioner.test { browser in
            var browser = browser
            try await browser.launch()
            let refused = try await browser.post("/concerns/\(theirs.id.rawValue)/acknowledge", [])
            #expect(refused.status == .forbidden)
            #expect(refused.text.contains("Refused:"))
            #expect(try practitioner.vault.concerns().first?.concern.status == .open)
        }
    }

    @Test("organisation page: people, this device's fingerprint; Sync now on a standalone vault is refused in words")
    func adminPage() async throws {
        let harness = try UIHarness(role: .admin)
        try await harness.test { browser in
            var browser = browser
            try await browser.launch()
            let page = try await browser.get("/admin")
            #expect(page.status == .ok)
            #expect(page.text.contains(Synthetic.practitionerName))
            #expect(page.text.contains("This device&#39;s fingerprint") || page.text.contains("This device's fingerprint"))
            #expect(page.text.contains("(this device)"))
            let fingerprint = DeviceFingerprint.of(harness.vault.identity.publicKeys)
            #expect(page.text.components(separatedBy: "<code>\(fingerprint)</code>").count == 3, "this device's fingerprint, above and in the table")
            let sync = try await browser.post("/sync", [])
            #expect(sync.text.contains("standalone"))
            #expect(try await browser.get("/disclosures").status == .ok)
        }
    }

    @Test("a release awaiting approval is in the DSL's inbox with Approve, and the disclosure log shows it released")
    func approveRelease() async throws {
        let harness = try UIHarness(role: .dsl)
        let disclosure = try harness.vault.disclose(client: harness.fixture.client, recipient: "Family Court", purpose: "care proceedings",
                                                    basis: .courtOrder, reference: "ZW26C00123")
        #expect(disclosure.status == .pendingApproval)
        try await harness.test { browser in
            var browser = browser
            try await browser.launch()
            let inbox = try await browser.get("/inbox")
            #expect(inbox.text.contains("action=\"/disclosures/\(disclosure.id.rawValue)/approve\""))
            #expect(try await browser.post("/disclosures/\(disclosure.id.rawValue)/approve", []).status == .seeOther)
            #expect(try harness.vault.releaseHistory(client: harness.fixture.client).disclosures.first?.status == .released)
            let log = try await browser.get("/disclosures")
            #expect(log.text.contains("Family Court"))
            #expect(log.text.contains("released"))
            let timeline = try await browser.get("/clients/\(harness.fixture.client.rawValue)")
            #expect(timeline.text.contains("· Release</strong> to Family Court"))
        }
    }

    @Test("subject-access deadlines and breaches in the inbox, with their actions (extend; reported, assessed); an empty reason is refused in the library's words")
    func accessRequestAndBreach() async throws {
        let harness = try UIHarness(role: .dsl)
        let today = harness.vault.clock.today
        let request = try harness.vault.openAccessRequest(client: harness.fixture.client, receivedOn: today, identityVerifiedOn: today)
        let breach = try harness.vault.openBreach(device: DeviceID.random(), person: nil, cause: .lost)
        try await harness.test { browser in
            var browser = browser
            try await browser.launch()
            let inbox = try await browser.get("/inbox")
            #expect(inbox.text.contains("action=\"/access-requests/\(request.id.rawValue)/extend\""))
            #expect(inbox.text.contains("action=\"/breaches/\(breach.id.rawValue)/report\""))
            let noReason = try await browser.post("/breaches/\(breach.id.rawValue)/no-risk", [("reason", "")])
            #expect(noReason.text.contains("Refused:"))
            #expect(try harness.vault.breaches().first?.status == .open)
            #expect(try await browser.post("/breaches/\(breach.id.rawValue)/report", [("reference", "ICO-0001")]).status == .seeOther)
            #expect(try harness.vault.breaches(all: true).first?.status == .reported)
            #expect(try await browser.post("/access-requests/\(request.id.rawValue)/extend", [("reason", " ")]).text.contains("Refused:"))
            #expect(try harness.vault.accessRequests().first?.extended == false)
            #expect(try await browser.post("/access-requests/\(request.id.rawValue)/extend", [("reason", "complex request")]).status == .seeOther)
            #expect(try harness.vault.accessRequests().first?.extended == true)
            let after = try await browser.get("/inbox")
            #expect(!after.text.contains("data-kind=\"\(StatusItem.Kind.breach.rawValue)\""))
        }
    }
}

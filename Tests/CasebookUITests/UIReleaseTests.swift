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

/// Releases and subject-access requests through the web app (issue 14): the same library calls as
/// `casebook disclose` and `casebook sar`/`export sar`, their refusals inline, and the bundles as
/// downloads that `casebook export verify` accepts.
@Suite("Local web app: releases and subject access")
struct UIReleaseTests {
    static let key = ExportSigningKey.generate()

    static func withKey(_ hooks: inout UIHooks) {
        let key = UIReleaseTests.key
        hooks.exportKey = { key }
    }

    static func verify(_ data: Data, password: String? = nil) throws -> BundleVerificationReport {
        let verifier = try BundleVerifier(trustedKeyPEM: key.publicKeyPEM)
        return verifier.verify(archive: data, password: try password.map { try BundlePassword($0) })
    }

    @Test("a practitioner records a court-order release: it waits for the DSL, the practitioner cannot approve it, a missing reference is refused inline")
    func legalBasisWaits() async throws {
        let harness = try UIHarness(configure: UIReleaseTests.withKey)
        let client = harness.fixture.client
        let session = try harness.vault.logSession(harness.fixture.draft()).session
        try harness.vault.finaliseSession(session.id)
        try await harness.test { browser in
            var browser = browser
            try await browser.launch()
            let page = try await browser.get("/clients/\(client.rawValue)")
            #expect(page.text.contains("action=\"/clients/\(client.rawValue)/releases\""))
            #expect(page.text.contains("value=\"\(session.id.rawValue)\""), "the finalised session can be chosen")
            let noReference = try await browser.post("/clients/\(client.rawValue)/releases",
                                                      [("recipient", "Family Court"), ("purpose", "care proceedings"), ("basis", "court-order")])
            #expect(noReference.text.contains("Refused:"))
            #expect(try harness.vault.releaseHistory(client: client).disclosures.isEmpty, "a refused release is not logged")
            let noToken = try await browser.post("/clients/\(client.rawValue)/releases",
                                                 [("recipient", "Family Court"), ("purpose", "care"), ("basis", "court-order"), ("reference", "ZW1")],
                                                 csrf: false)
            #expect(noToken.status == .forbidden)
            let recorded = try await browser.post("/clients/\(client.rawValue)/releases",
                                                  [("recipient", "Family Court"), ("purpose", "care proceedings"), ("basis", "court-order"),
                                                   ("reference", "ZW26C00123"), ("records", session.id.rawValue)])
            #expect(recorded.status == .seeOther)
            let disclosure = try #require(harness.vault.releaseHistory(client: client).disclosures.first)
            #expect(recorded.location == "/disclosures/\(disclosure.id.rawValue)")
            #expect(disclosure.status == .pendingApproval)
            #expect(disclosure.records == [session.id])
            let detail = try await browser.get("/disclosures/\(disclosure.id.rawValue)")
            #expect(detail.text.contains("data-status=\"pending-approval\""))
            #expect(detail.text.contains("action=\"/disclosures/\(disclosure.id.rawValue)/approve\""))
            let approve = try await browser.post("/disclosures/\(disclosure.id.rawValue)/approve", [])
            #expect(approve.status == .forbidden, "only the DSL approves")
            #expect(approve.text.contains("Refused:"))
            let extract = try await browser.post("/disclosures/\(disclosure.id.rawValue)/extract", [])
            #expect(extract.status == .conflict)
            #expect(extract.headers[.contentType] != "application/zip")
            #expect(try harness.vault.disclosure(disclosure.id).status == .pendingApproval)
        }
    }

    @Test("with the client's consent a release is decided at once and its extract downloads, signed; a weak password and a missing key are refused")
    func consentReleaseDownloads() async throws {
        let harness = try UIHarness(configure: UIReleaseTests.withKey)
        let client = harness.fixture.client
        _ = try harness.vault.recordReleaseConsent(client: client, recipient: "Dr Example GP", purpose: "referral", until: nil)
        try await harness.test { browser in
            var browser = browser
            try await browser.launch()
            let recorded = try await browser.post("/clients/\(client.rawValue)/releases",
                                                  [("recipient", "Dr Example GP"), ("purpose", "referral"), ("basis", "consent")])
            #expect(recorded.status == .seeOther)
            let disclosure = try #require(harness.vault.releaseHistory(client: client).disclosures.first)
            #expect(disclosure.status == .released)
            let detail = try await browser.get("/disclosures/\(disclosure.id.rawValue)")
            #expect(detail.text.contains("id=\"download-extract\""))
            let weak = try await browser.post("/disclosures/\(disclosure.id.rawValue)/extract", [("password", "abc")])
            #expect(weak.text.contains("Refused:"))
            let noToken = try await browser.post("/disclosures/\(disclosure.id.rawValue)/extract", [], csrf: false)
            #expect(noToken.status == .forbidden)
            let plain = try await browser.post("/disclosures/\(disclosure.id.rawValue)/extract", [])
            #expect(plain.status == .ok)
            #expect(plain.headers[.contentType] == "application/zip")
            #expect(plain.headers[.contentDisposition]?.hasPrefix("attachment;") == true)
            #expect(plain.headers[.cacheControl] == "no-store")
            let report = try UIReleaseTests.verify(plain.data)
            #expect(report.isValid, "problems: \(report.problems)")
            #expect(report.manifest?.release?.disclosureID == disclosure.id.rawValue)
            let password = "correct horse battery staple 42"
            let sealed = try await browser.post("/disclosures/\(disclosure.id.rawValue)/extract", [("password", password)])
            #expect(sealed.status == .ok)
            #expect(!sealed.data.contains(Data(Synthetic.clientName.utf8)))
            #expect(try UIReleaseTests.verify(sealed.data, password: password).isValid)
            #expect(try !UIReleaseTests.verify(sealed.data).isValid, "encrypted: no password, no bundle")
            // Each download is audited as an export of the disclosure; no second release is logged.
            #expect(try harness.vault.releaseHistory(client: client).disclosures.count == 1)
        }
        let keyless = try UIHarness()
        _ = try keyless.vault.recordReleaseConsent(client: keyless.fixture.client, recipient: "Dr Example GP", purpose: "referral", until: nil)
        let released = try keyless.vault.disclose(client: keyless.fixture.client, recipient: "Dr Example GP", purpose: "referral", basis: .consent)
        try await keyless.test { browser in
            var browser = browser
            try await browser.launch()
            let refused = try await browser.post("/disclosures/\(released.id.rawValue)/extract", [])
            #expect(refused.text.contains("no export key"))
            #expect(refused.headers[.contentType] != "application/zip")
        }
    }

    @Test("the DSL approves a release from the inbox and downloads its extract (disclose approve --out)")
    func dslApprovesAndDownloads() async throws {
        let harness = try UIHarness(role: .dsl, configure: UIReleaseTests.withKey)
        let disclosure = try harness.vault.disclose(client: harness.fixture.client, recipient: "Family Court", purpose: "care proceedings",
                                                    basis: .courtOrder, reference: "ZW26C00123")
        try await harness.test { browser in
            var browser = browser
            try await browser.launch()
            let inbox = try await browser.get("/inbox")
            #expect(inbox.text.contains("href=\"/disclosures/\(disclosure.id.rawValue)\""))
            let approved = try await browser.post("/disclosures/\(disclosure.id.rawValue)/approve", [])
            #expect(approved.status == .seeOther)
            #expect(approved.location == "/disclosures/\(disclosure.id.rawValue)")
            #expect(try harness.vault.disclosure(disclosure.id).status == .released)
            let again = try await browser.post("/disclosures/\(disclosure.id.rawValue)/approve", [])
            #expect(again.text.contains("Refused:"), "approving twice is the library's refusal")
            let zip = try await browser.post("/disclosures/\(disclosure.id.rawValue)/extract", [])
            let report = try UIReleaseTests.verify(zip.data)
            #expect(report.isValid)
            #expect(report.manifest?.release?.reference == "ZW26C00123")
            harness.lock()
            let locked = try await browser.post("/disclosures/\(disclosure.id.rawValue)/extract", [])
            #expect(locked.status.code == 423)
            #expect(locked.headers[.contentType] != "application/zip")
        }
    }

    @Test("the DSL opens a subject-access request, sees its deadline, and exports the bundle, which answers it; a practitioner is refused both")
    func subjectAccess() async throws {
        let harness = try UIHarness(role: .dsl, configure: UIReleaseTests.withKey)
        let client = harness.fixture.client
        let today = harness.vault.clock.today
        try await harness.test { browser in
            var browser = browser
            try await browser.launch()
            let future = try await browser.post("/clients/\(client.rawValue)/access-requests", [("received", "2099-01-01")])
            #expect(future.text.contains("Refused:"))
            let opened = try await browser.post("/clients/\(client.rawValue)/access-requests",
                                                [("received", today.iso), ("identity_verified", today.iso)])
            #expect(opened.status == .seeOther)
            let request = try #require(harness.vault.accessRequests().first)
            let page = try await browser.get("/clients/\(client.rawValue)")
            #expect(page.text.contains("due <strong class=\"due\">\(SubjectAccessDeadline(request).due)</strong>"))
            #expect(page.text.contains("action=\"/access-requests/\(request.id.rawValue)/export\""))
            let inbox = try await browser.get("/inbox")
            #expect(inbox.text.contains("action=\"/access-requests/\(request.id.rawValue)/export\""), "the inbox item exports too")
            let noToken = try await browser.post("/access-requests/\(request.id.rawValue)/export", [], csrf: false)
            #expect(noToken.status == .forbidden)
            #expect(try harness.vault.accessRequests().count == 1)
            let zip = try await browser.post("/access-requests/\(request.id.rawValue)/export", [])
            #expect(zip.status == .ok)
            #expect(zip.headers[.contentType] == "application/zip")
            let report = try UIReleaseTests.verify(zip.data)
            #expect(report.isValid, "problems: \(report.problems)")
            #expect(report.manifest?.requestID == request.id.rawValue)
            #expect(try harness.vault.accessRequests().isEmpty, "the bundle answered the request")
            #expect(try harness.vault.releaseHistory(client: client).disclosures.contains { $0.basis == .subjectAccess })
            let twice = try await browser.post("/access-requests/\(request.id.rawValue)/export", [])
            #expect(twice.status == .conflict)
            #expect(twice.text.contains("not open"))
        }
        let practitioner = try UIHarness(configure: UIReleaseTests.withKey)
        try await practitioner.test { browser in
            var browser = browser
            try await browser.launch()
            let refused = try await browser.post("/clients/\(practitioner.fixture.client.rawValue)/access-requests", [("received", today.iso)])
            #expect(refused.status == .forbidden)
            #expect(refused.text.contains("Refused:"))
            #expect(try practitioner.vault.accessRequests(all: true).isEmpty)
            let export = try await browser.post("/access-requests/\(RecordID.random().rawValue)/export", [])
            #expect(export.status == .forbidden)
            #expect(export.text.contains("only records-officer or dsl may export"))
            #expect(export.headers[.contentType] != "application/zip")
        }
    }
}

import CasebookExport
import CasebookModels
import CasebookStorage
import CasebookTestSupport
import Crypto
import Foundation
import Testing

/// The exporter and the access requests through the real vault (P11).
@Suite("Subject access through the vault")
struct VaultExportTests {
    static func date(_ iso: String) -> LocalDate { LocalDate(iso: iso)! }  // test literals are valid

    @Test("a request is tracked with its deadline, extended, warned about, and answered by an export")
    func requestLifecycle() throws {
        // Given a DSL's vault with one client, today 2026-11-20
        let fixture = try VaultFixture(role: .dsl)
        let vault = fixture.vault
        // When a request received on 31 October is opened
        let request = try vault.openAccessRequest(client: fixture.client, receivedOn: Self.date("2026-10-31"))
        #expect(SubjectAccessDeadline(request).due.iso == "2026-11-30")
        #expect(request.deadline == SubjectAccessDeadline(request).due)
        // Then every command warns (10 days left is not yet a warning; 7 is)
        #expect(!vault.accessRequestWarnings().contains { $0.contains(String(request.id.rawValue.prefix(8))) })
        fixture.clock.advance(by: 3 * 86_400)
        #expect(try vault.warnings().contains { $0.contains(String(request.id.rawValue.prefix(8))) && $0.contains("7 days") })
        // When extended: two further months from the original deadline
        let extended = try vault.extendAccessRequest(request.id, reason: "numerous records")
        #expect(SubjectAccessDeadline(extended).due.iso == "2027-01-30")
        #expect(extended.tellRequesterBy?.iso == "2026-11-30")
        #expect(vault.accessRequestWarnings().isEmpty)
        #expect(throws: CasebookError.self) { try vault.extendAccessRequest(request.id, reason: "again") }
        // When answered
        _ = try vault.answerAccessRequest(request.id, on: Self.date("2026-11-25"))
        #expect(try vault.accessRequests().isEmpty)
        #expect(try vault.accessRequests(all: true).first?.status == .answered)
    }

    @Test("a practitioner cannot record requests")
    func practitionerRefused() throws {
        let fixture = try VaultFixture(role: .practitioner)
        let error = #expect(throws: CasebookError.self) {
            try fixture.vault.openAccessRequest(client: fixture.client, receivedOn: Self.date("2026-11-01"))
        }
        #expect(error?.code == .notAuthorised)
    }

    @Test("an export from the vault holds the client's records, withholds the sibling and the practitioner, and is audited")
    func exportFromVault() throws {
        let fixture = try VaultFixture(role: .dsl)
        let vault = fixture.vault
        for index in 0..<12 {
            _ = try vault.logSession(fixture.draft(topics: "Talked about friendships and sleep, week \(index)", on: "2026-11-0\(index % 9 + 1)"))
        }
        let key = Curve25519.Signing.PrivateKey()
        let exporter = SubjectAccessExporter(
            writer: BundleWriter(signingKey: key), notice: AccessResponseNotice(organisationName: "Org", contact: "dsl@example.org"),
            softwareVersion: "test")
        let url = fixture.directory.url.appendingPathComponent("sar.zip")
        let request = try vault.openAccessRequest(client: fixture.client, receivedOn: Self.date("2026-11-10"))
        let result = try exporter.export(
            from: vault, client: fixture.client, requestID: request.id.rawValue, to: url,
            extra: .init(accessRequests: try vault.accessRequests()))
        #expect(result.counts["sessions"] == 12)
        #expect(result.counts["consents"] == 1)
        #expect(result.counts["accessRequests"] == 1)
        let report = BundleVerifier(trustedKey: key.publicKey).verify(archiveAt: url)
        #expect(report.isValid, "\(report.problems)")
        #expect(report.manifest?.caseID == fixture.client.rawValue)
        let entries = try Fixture.entries(of: Data(contentsOf: url))
        let everything = entries.map { String(decoding: $0.1, as: UTF8.self) }.joined()
        #expect(everything.contains(Synthetic.clientName))
        #expect(everything.contains("07700 900123"))  // the client's own contact
        #expect(!everything.contains("Barnaby"))
        #expect(!everything.contains("Ottoline"))
        #expect(!everything.contains("Marchbanks"))
        #expect(try vault.auditEntries().contains { $0.action == .export && $0.caseID == fixture.client })
        // The export is in the disclosure log (recipient: the data subject) and released records are audited.
        let logged = try vault.releaseHistory(client: fixture.client).disclosures
        #expect(logged.count == 1)
        #expect(logged.first?.basis == .subjectAccess)
        #expect(logged.first?.status == .released)
        #expect(logged.first?.records.count == 1 + 1 + 12)  // profile, consent, sessions
        #expect(try vault.auditEntries().filter { $0.action == .release && $0.caseID == fixture.client }.count == 1 + 14)
        // A second export lists the first one among the recipients.
        let again = try exporter.export(from: vault, client: fixture.client, requestID: nil,
                                        to: fixture.directory.url.appendingPathComponent("sar2.zip"))
        #expect(again.counts["recipients"] == 1)
    }

    @Test("the client's consents to releases and their withdrawal are in the bundle (records.json, report, cover letter) and released")
    func releaseConsentsAndWithdrawalInTheBundle() throws {
        let fixture = try VaultFixture(role: .dsl)
        let vault = fixture.vault
        let consent = try vault.recordReleaseConsent(client: fixture.client, recipient: "Riverside Surgery",
                                                     purpose: "care plan review", until: nil)
        let withdrawal = try vault.withdrawReleaseConsent(client: fixture.client)
        let key = Curve25519.Signing.PrivateKey()
        let exporter = SubjectAccessExporter(
            writer: BundleWriter(signingKey: key), notice: AccessResponseNotice(organisationName: "Org", contact: "dsl@example.org"),
            softwareVersion: "test")
        let url = fixture.directory.url.appendingPathComponent("sar.zip")
        let result = try exporter.export(from: vault, client: fixture.client, requestID: nil, to: url)
        #expect(result.counts["releaseConsents"] == 1)
        #expect(result.counts["releaseWithdrawals"] == 1)
        #expect(BundleVerifier(trustedKey: key.publicKey).verify(archiveAt: url).isValid)
        let entries = Dictionary(try Fixture.entries(of: Data(contentsOf: url)).map { ($0.0, String(decoding: $0.1, as: UTF8.self)) },
                                 uniquingKeysWith: { a, _ in a })
        let records = try #require(entries.first { $0.key.hasSuffix("records.json") }?.value)
        let document = try JSONDecoder().decode(RecordsDocument.self, from: Data(records.utf8))
        #expect(document.releaseConsents.map(\.id) == [consent.id.rawValue])
        #expect(document.releaseConsents.first?.recipient == "Riverside Surgery")
        #expect(document.releaseConsents.first?.purpose == "care plan review")
        #expect(document.releaseWithdrawals.map(\.id) == [withdrawal.id.rawValue])
        #expect(document.releaseWithdrawals.first?.on == withdrawal.on.iso)
        #expect(try #require(entries.first { $0.key.hasSuffix("report.html") }?.value).contains("Riverside Surgery"))
        let letter = try #require(entries.first { $0.key.hasSuffix("README.txt") }?.value)
        #expect(letter.contains("you withdrew your consent to releases on \(withdrawal.on.iso)"))
        // Both are among the records the export released to the data subject (disclosure log).
        let logged = try #require(try vault.releaseHistory(client: fixture.client).disclosures.first { $0.basis == .subjectAccess })
        #expect(logged.records.contains(consent.id) && logged.records.contains(withdrawal.id))
    }
}

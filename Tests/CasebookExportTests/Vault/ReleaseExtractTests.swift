import CasebookExport
import CasebookModels
import CasebookStorage
import CasebookTestSupport
import Crypto
import Foundation
import Testing

/// A release produces what is released (issue 13, ADR 0024): the extract for the recipient is a
/// signed bundle in the subject-access bundle's format, holding exactly the records released.
@Suite("Release extracts")
struct ReleaseExtractTests {
    let key = Curve25519.Signing.PrivateKey()

    func extractor() -> ReleaseExtractor {
        ReleaseExtractor(writer: BundleWriter(signingKey: key), organisationName: "Org", contact: "dsl@example.org", softwareVersion: "test")
    }

    /// Three finalised sessions (the first amended) and a concern with an action; notes carry markers.
    func seeded(_ fixture: VaultFixture) throws -> (sessions: [SessionRecord], amendment: Amendment, concern: SafeguardingConcern) {
        let vault = fixture.vault
        var sessions: [SessionRecord] = []
        for marker in ["alphamarker", "bravomarker", "charliemarker"] {
            let logged = try vault.logSession(fixture.draft(topics: "Talked about the \(marker) plan", on: "2026-11-0\(sessions.count + 2)"))
            sessions.append(try vault.finaliseSession(logged.session.id))
        }
        let (amendment, _) = try vault.amendSession(sessions[0].id, text: "Correction: the deltamarker date")
        let concern = try vault.raiseConcern(client: fixture.client, category: .abuseOrNeglect, details: "The echomarker worry")
        _ = try vault.recordConcernAction(concern.id, text: "Phoned the foxtrotmarker team")
        return (sessions, amendment, concern)
    }

    static func entries(_ url: URL) throws -> [String: String] {
        Dictionary(try Fixture.entries(of: Data(contentsOf: url)).map { ($0.0, String(decoding: $0.1, as: UTF8.self)) },
                   uniquingKeysWith: { a, _ in a })
    }

    @Test("a consent release's extract holds exactly the session released with its amendment, the basis, and verifies with the tools")
    func consentReleaseExtract() throws {
        let fixture = try VaultFixture(role: .dsl)
        let vault = fixture.vault
        let seeded = try seeded(fixture)
        let consent = try vault.recordReleaseConsent(client: fixture.client, recipient: "Riverside Surgery", purpose: "care plan", until: nil)
        // Naming the session takes its amendment with it.
        let released = try ReleaseExtractor.releasable([seeded.sessions[0].id], from: vault, client: fixture.client)
        #expect(Set(released) == [seeded.sessions[0].id, seeded.amendment.id])
        let disclosure = try vault.disclose(client: fixture.client, recipient: "Riverside Surgery", purpose: "care plan", basis: .consent,
                                            records: released)
        #expect(disclosure.status == .released)
        let directory = TemporaryDirectory("casebook-export")
        let url = directory.url.appendingPathComponent("extract.zip")
        let manifest = try extractor().write(from: vault, disclosure: disclosure, to: url)

        let report = BundleVerifier(trustedKey: key.publicKey).verify(archiveAt: url)
        #expect(report.isValid, "\(report.problems)")
        #expect(report.manifest?.release == ReleaseReference(disclosureID: disclosure.id.rawValue, basis: "consent", reference: nil))
        #expect(manifest.caseID == fixture.client.rawValue)
        let entries = try Self.entries(url)
        #expect(Set(entries.keys) == ["README.txt", "release.json", "records.json", "schema.json", "SHA256SUMS", "manifest.json",
                                      "manifest.sig", "export-key.pem"])
        let document = try JSONDecoder().decode(RecordsDocument.self, from: Data(try #require(entries["records.json"]).utf8))
        #expect(document.sessions.map(\.id) == [seeded.sessions[0].id.rawValue])
        #expect(document.sessions.first?.amendments.map(\.id) == [seeded.amendment.id.rawValue])
        #expect(document.consents.isEmpty && document.safeguardingConcerns.isEmpty && document.recipients.isEmpty)
        #expect(document.profile.name == Synthetic.clientName && document.profile.contacts.isEmpty && document.profile.relatedPeople.isEmpty)
        let statement = try JSONDecoder().decode(ReleaseStatement.self, from: Data(try #require(entries["release.json"]).utf8))
        #expect(statement.records == released.map(\.rawValue).sorted())
        #expect(statement.basis == "consent" && statement.consentID == consent.id.rawValue && statement.recipient == "Riverside Surgery")
        // Nothing else: no other session, no concern, no contact detail, no related person.
        let everything = entries.values.joined()
        #expect(everything.contains("alphamarker") && everything.contains("deltamarker"))
        for absent in ["bravomarker", "charliemarker", "echomarker", "foxtrotmarker", "07700 900123", Synthetic.siblingName] {
            #expect(!everything.contains(absent), "\(absent) is in the extract")
        }
        // The ordinary tools: unzip, sha256sum -c, openssl's signature check.
        let out = directory.url.appendingPathComponent("out")
        let unzip = try Tool.run("unzip", ["-q", url.path, "-d", out.path])
        #expect(unzip?.status == 0, "\(unzip?.output ?? "")")
        let sums = try Tool.run("sha256sum", ["-c", "--strict", "SHA256SUMS"], in: out)
        #expect(sums?.status == 0, "\(sums?.output ?? "")")
        let verify = try Tool.run(
            "openssl", ["pkeyutl", "-verify", "-pubin", "-inkey", "export-key.pem", "-rawin", "-in", "manifest.json", "-sigfile", "manifest.sig"],
            in: out)
        #expect(verify?.output.contains("Signature Verified Successfully") == true, "\(verify?.output ?? "")")
        // The extract is audited as an export of the disclosure; the release as released records.
        #expect(try vault.auditEntries().contains { $0.action == .export && $0.recordID == disclosure.id })
    }

    @Test("a court-order release has no extract until the DSL approves it; then it names the reference and the approval")
    func legalBasisExtractAfterApproval() throws {
        let fixture = try VaultFixture(role: .dsl)
        let vault = fixture.vault
        let seeded = try seeded(fixture)
        let records = try ReleaseExtractor.releasable([seeded.concern.id], from: vault, client: fixture.client)
        #expect(records.count == 2)  // the concern and its action
        let pending = try vault.disclose(client: fixture.client, recipient: "Family court", purpose: "proceedings", basis: .courtOrder,
                                         reference: "ZE12C345", records: records)
        #expect(pending.status == .pendingApproval)
        let directory = TemporaryDirectory("casebook-export")
        let url = directory.url.appendingPathComponent("court.zip")
        #expect(throws: CasebookError.self) { try extractor().write(from: vault, disclosure: pending, to: url) }
        #expect(!FileManager.default.fileExists(atPath: url.path))

        let approved = try vault.approveDisclosure(pending.id)
        try extractor().write(from: vault, disclosure: approved, to: url, password: try BundlePassword(Fixture.password))
        let report = BundleVerifier(trustedKey: key.publicKey).verify(archiveAt: url, password: try BundlePassword(Fixture.password))
        #expect(report.isValid, "\(report.problems)")
        #expect(report.encrypted)
        #expect(report.manifest?.release?.reference == "ZE12C345" && report.manifest?.release?.basis == "court-order")
        let tested = try Tool.run("7z", ["t", "-p\(Fixture.password)", url.path])
        #expect(tested?.status == 0, "\(tested?.output ?? "")")
    }

    @Test("an amendment without its session, a concern action without its concern, another client's record: refused, nothing logged")
    func unreleasableRecordsRefused() throws {
        let fixture = try VaultFixture(role: .dsl)
        let vault = fixture.vault
        let seeded = try seeded(fixture)
        let other = try vault.addClient(name: "Peregrine Ashdown", bornOn: nil, related: [], contacts: [])
        try vault.recordConsent(client: other.id, formVersion: "3", signedOn: LocalDate(iso: "2026-10-01")!, signedBy: .guardian)  // swiftlint:disable:this force_unwrapping
        let otherSession = try vault.logSession(SessionDraft(
            clientID: other.id, on: LocalDate(iso: "2026-11-03")!, minutes: 30, platform: "Microsoft Teams",  // swiftlint:disable:this force_unwrapping
            practitionerPrivate: true, clientPrivate: true, topics: "Other", progress: "Steady", followUp: "Next week")).session
        let actions = try vault.concerns(client: fixture.client).flatMap(\.actions)
        for named in [[seeded.amendment.id], [try #require(actions.first).id], [otherSession.id]] {
            #expect(throws: CasebookError.self) { try ReleaseExtractor.releasable(named, from: vault, client: fixture.client) }
        }
        #expect(try vault.releaseHistory(client: fixture.client).disclosures.isEmpty)
    }

    @Test("a refused consent release (no consent recorded, or withdrawn) leaves the disclosure log and the folder as they were")
    func refusedReleaseLeavesNothing() throws {
        let fixture = try VaultFixture(role: .dsl)
        let vault = fixture.vault
        let directory = TemporaryDirectory("casebook-export")
        let before = try FileManager.default.contentsOfDirectory(atPath: directory.url.path)
        #expect(throws: CasebookError.self) {
            try vault.disclose(client: fixture.client, recipient: "Riverside Surgery", purpose: "care plan", basis: .consent)
        }
        _ = try vault.recordReleaseConsent(client: fixture.client, recipient: "Riverside Surgery", purpose: "care plan", until: nil)
        _ = try vault.withdrawReleaseConsent(client: fixture.client)
        #expect(throws: CasebookError.self) {
            try vault.disclose(client: fixture.client, recipient: "Riverside Surgery", purpose: "care plan", basis: .consent)
        }
        #expect(try vault.releaseHistory(client: fixture.client).disclosures.isEmpty)
        #expect(!(try vault.auditEntries().contains { $0.action == .release }))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.url.path) == before)
    }
}

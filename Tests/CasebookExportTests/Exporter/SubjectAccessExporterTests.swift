import CasebookExport
import CasebookTestSupport
import CasebookModels
import Crypto
import Foundation
import Testing

@Suite("Subject-access exporter")
struct SubjectAccessExporterTests {
    static func date(_ iso: String) -> LocalDate { LocalDate(iso: iso)! }  // test literals are valid

    static let clientID = ClientID(rawValue: "case-7")

    /// A client with 40 sessions whose notes name her sister, her practitioner and another client.
    static func records() -> SubjectAccessRecords {
        let client = Client(
            id: clientID, name: "Amira Khan", bornOn: date("2008-05-04"),
            related: [
                RelatedPerson(name: "Leila Khan", relation: "sister"),
                RelatedPerson(name: "Omar Khan", relation: "father", consentsToDisclosure: true),
            ],
            contacts: ["amira@example.org"])
        let practitioner = PersonID(rawValue: "staff-1")
        let sessions = (0..<40).map { index in
            SessionRecord(
                id: RecordID(rawValue: "s\(index)"), clientID: clientID, practitioner: practitioner,
                on: date("2025-01-01").addingDays(index * 7), minutes: 50, platform: "Microsoft Teams",
                practitionerPrivate: true, clientPrivate: true,
                topics: "Amira talked about exams and about leila khan <script>alert(1)</script> & Rob Brown",
                progress: "Calmer; Omar Khan came to the first part. Practitioner Jo Smith noted progress \(index).",
                followUp: "Follow up with Jo Smith; mentioned another client, Tom Price. Her teacher Mrs Priya Patel called on 07700 900123.",
                status: .finalised)
        }
        let amendments = [
            Amendment(id: RecordID(rawValue: "a1"), sessionID: RecordID(rawValue: "s3"), clientID: clientID,
                      text: "Corrected: Leila, not Leila Khan's friend", author: practitioner, on: date("2025-02-01"))
        ]
        let concerns = [
            SafeguardingConcern(
                id: RecordID(rawValue: "k1"), clientID: clientID, category: .riskToSelf, details: "Leila Khan reported worry",
                raisedBy: practitioner, raisedOn: date("2025-03-01"), clientViews: "Amira agreed to the referral", status: .closed,
                outcome: "Referred to GP"),
            SafeguardingConcern(
                id: RecordID(rawValue: "k2"), clientID: clientID, category: .abuseOrNeglect, details: "withheld by DSL",
                raisedBy: practitioner, raisedOn: date("2025-03-02")),
        ]
        let disclosures = [
            Disclosure(
                id: RecordID(rawValue: "d1"), clientID: clientID, recipient: "Family Court, Leeds", purpose: "court order CO-12",
                basis: .courtOrder, reference: "CO-12", requestedBy: practitioner, requestedOn: date("2025-04-01"), status: .released,
                approvedOn: date("2025-04-02"))
        ]
        let consents = [
            ConsentRecord(id: RecordID(rawValue: "c1"), clientID: clientID, formVersion: "2025-1", signedOn: date("2024-12-20"),
                          signedBy: .client, limitsAcknowledged: true)
        ]
        let requests = [AccessRequest(id: RecordID(rawValue: "sar-1"), clientID: clientID, receivedOn: date("2025-05-31"))]
        return SubjectAccessRecords(
            client: client, consents: consents, sessions: sessions, amendments: amendments, concerns: concerns,
            disclosures: disclosures, accessRequests: requests, staffNames: ["Jo Smith"], otherClientNames: ["Tom Price", "Rob Brown"])
    }

    static let notice = AccessResponseNotice(organisationName: "Example Mentoring", contact: "records@example.org")

    /// Exports to a temporary file, verifies it there, and returns its bytes.
    func export(password: String? = nil) throws -> (zip: Data, report: BundleVerificationReport, result: SubjectAccessExport, key: Curve25519.Signing.PrivateKey) {
        let key = Curve25519.Signing.PrivateKey()
        let exporter = SubjectAccessExporter(writer: BundleWriter(signingKey: key), notice: Self.notice, softwareVersion: "test")
        let directory = TemporaryDirectory("casebook-export")
        let url = directory.url.appendingPathComponent("sar.zip")
        let bundlePassword = try password.map { try BundlePassword($0) }
        let result = try exporter.export(
            Self.records(), requestID: "sar-1", to: url, password: bundlePassword,
            withheldConcerns: [RecordID(rawValue: "k2"): "DSL decision: disclosure likely to cause serious harm"])
        let report = BundleVerifier(trustedKey: key.publicKey).verify(archiveAt: url, password: bundlePassword)
        let zip = try Data(contentsOf: url)
        withExtendedLifetime(directory) {}
        return (zip, report, result, key)
    }

    @Test("no other person's name survives; the client's own data all does")
    func thirdPartiesWithheld() throws {
        let (zip, report, result, _) = try export()
        #expect(report.isValid, "\(report.problems)")
        let entries = try Fixture.entries(of: zip)
        let everything = entries.map { String(decoding: $0.1, as: UTF8.self) }.joined(separator: "\n").lowercased()
        for name in ["leila", "jo smith", "tom price", "rob brown", "priya", "patel", "07700 900123"] {
            #expect(!everything.contains(name), "\(name) survived in the bundle")
        }
        // The client's own data, and a related person who consented, are all there.
        #expect(everything.contains("amira khan"))
        #expect(everything.contains("amira@example.org"))
        #expect(everything.contains("omar khan"))
        let json = try #require(entries.first { $0.0 == "records.json" }?.1)
        let document = try JSONDecoder().decode(RecordsDocument.self, from: json)
        #expect(document.sessions.count == 40)
        #expect(document.sessions.reduce(0) { $0 + $1.amendments.count } == 1)
        #expect(document.consents.count == 1)
        #expect(document.safeguardingConcerns.map(\.id) == ["k1"])
        #expect(document.recipients.map(\.recipient) == ["Family Court, Leeds"])
        #expect(document.accessRequests.first?.dueOn == "2025-06-30")
        #expect(document.counts["sessions"] == 40)
        #expect(result.counts["sessions"] == 40)
        // The manifest names the case, never the client.
        let manifest = try #require(entries.first { $0.0 == "manifest.json" }?.1)
        #expect(!String(decoding: manifest, as: UTF8.self).contains("Amira"))
        #expect(report.manifest?.caseID == "case-7")
        // The redaction log says what was withheld and why, and is not in the bundle.
        #expect(result.redactionLog.contains { $0.label == "concern-withheld" && $0.location == "concern:k2" })
        #expect(result.redactionLog.contains { $0.label == "name" && $0.location == "session:s0" })
        #expect(result.redactionLog.contains { $0.label == "phone" })
        #expect(result.redactionLog.contains { $0.location == "profile.relatedPeople" })
        // A withheld record's legal ground is shown only in the signed manifest, beside its id
        // (ADR 0022); the records, the report and the letter carry neither the record nor the ground.
        #expect(report.manifest?.withheld == [WithheldRecord(id: "k2", kind: "safeguarding-concern",
                                                             ground: "DSL decision: disclosure likely to cause serious harm")])
        for (path, data) in entries where path != "manifest.json" {
            #expect(!String(decoding: data, as: UTF8.self).lowercased().contains("serious harm"), "\(path)")
        }
        #expect(String(decoding: try #require(entries.first { $0.0 == "README.txt" }?.1), as: UTF8.self).contains("RECORDS WITHHELD"))
    }

    @Test("the preview lists what the bundle holds, masks and withholds, and names no third party")
    func preview() throws {
        let records = Self.records()
        let withheld = [RecordID(rawValue: "k2"): "DPA 2018 Sch. 3 Pt 2 para 5", RecordID(rawValue: "s1"): "DPA 2018 Sch. 3 Pt 2 para 5"]
        let preview = SubjectAccessExporter.preview(records, withheld: withheld)
        #expect(preview.counts["sessions"] == 39)
        #expect(preview.items.filter { $0.kind == "session" }.count == 39)
        #expect(!preview.items.contains { $0.id == "s1" || $0.id == "k2" })
        #expect(preview.items.contains { $0.kind == "safeguarding-concern" && $0.id == "k1" })
        #expect(preview.withheld.map(\.id) == ["k2", "s1"])
        #expect(preview.withheld.map(\.kind) == ["safeguarding-concern", "session"])
        #expect(preview.masked.contains { $0.location == "profile.relatedPeople" && $0.label == "third-party-name" })
        #expect(!preview.masked.contains { $0.label.hasSuffix("-withheld") })
        let json = String(decoding: try JSONEncoder().encode(preview), as: UTF8.self).lowercased()
        for name in ["leila", "jo smith", "tom price", "rob brown", "priya", "patel", "amira", "07700 900123"] {
            #expect(!json.contains(name), "\(name) in the preview")
        }
        // A record that is not one of the client's sessions or concerns is refused.
        #expect(throws: CasebookError.self) {
            try SubjectAccessExporter.checkWithheld([RecordID(rawValue: "nope"): "x"], in: records)
        }
        try SubjectAccessExporter.checkWithheld(withheld, in: records)
    }

    @Test("with the known-name masker (no gazetteer), no known third party's name survives either")
    func knownNameMasker() throws {
        let records = Self.records()
        let exporter = SubjectAccessExporter(
            writer: BundleWriter(signingKey: Curve25519.Signing.PrivateKey()), notice: Self.notice, softwareVersion: "test")
        let built = try exporter.contents(
            records, requestID: nil, createdAt: Date(), masker: SubjectAccessExporter.knownNameMasker(for: records), encrypted: false)
        let everything = built.contents.map { String(decoding: $0.data, as: UTF8.self) }.joined().lowercased()
        for name in ["leila", "jo smith", "smith", "tom price", "rob brown"] {
            #expect(!everything.contains(name), "\(name) survived in the bundle")
        }
        #expect(everything.contains("amira khan"))
        #expect(!built.redactionLog.isEmpty)
    }

    @Test("report.html is escaped, has no scripts and no external resources")
    func htmlIsSafe() throws {
        let entries = try Fixture.entries(of: export().zip)
        let html = String(decoding: try #require(entries.first { $0.0 == "report.html" }?.1), as: UTF8.self)
        #expect(!html.lowercased().contains("<script"))
        #expect(html.contains("&lt;script&gt;"))
        for external in ["src=", "href=", "http://", "https://", "@import", "url("] {
            #expect(!html.contains(external), "\(external) in report.html")
        }
        #expect(html.components(separatedBy: "<section class=\"record\"").count - 1 == 1 + 40 + 1 + 1 + 1)
    }

    @Test("README.txt holds the Article 15 information")
    func coverLetter() throws {
        let (zip, _, _, key) = try export()
        let entries = try Fixture.entries(of: zip)
        let readme = String(decoding: try #require(entries.first { $0.0 == "README.txt" }?.1), as: UTF8.self)
        for needle in [
            "WHY WE HOLD", "WHAT KINDS", "Family Court, Leeds", "HOW LONG WE KEEP IT", "rectification", "erasure",
            "restriction", "object", "Information Commissioner", "WHERE IT CAME FROM", "AUTOMATED", "sha256sum -c SHA256SUMS",
            "openssl pkeyutl -verify", BundleSigning.fingerprint(key.publicKey),
        ] {
            #expect(readme.contains(needle), "README.txt lacks \(needle)")
        }
    }

    @Test("the schema is valid JSON declaring draft 2020-12, and records.json uses only its properties")
    func schema() throws {
        let entries = try Fixture.entries(of: export().zip)
        let schemaData = try #require(entries.first { $0.0 == "schema.json" }?.1)
        let schema = try #require(try JSONSerialization.jsonObject(with: schemaData) as? [String: Any])
        #expect(schema["$schema"] as? String == "https://json-schema.org/draft/2020-12/schema")
        let properties = try #require(schema["properties"] as? [String: Any])
        let recordsData = try #require(entries.first { $0.0 == "records.json" }?.1)
        let records = try #require(try JSONSerialization.jsonObject(with: recordsData) as? [String: Any])
        #expect(Set(records.keys).isSubset(of: Set(properties.keys)))
        let required = try #require(schema["required"] as? [String])
        #expect(Set(required).isSubset(of: Set(records.keys)))
    }

    @Test("an encrypted export verifies with the password")
    func encryptedExport() throws {
        let (zip, report, _, _) = try export(password: "sar-password")
        #expect(report.isValid, "\(report.problems)")
        #expect(report.encrypted)
        #expect(zip.range(of: Data("Amira".utf8)) == nil)
    }

    @Test("the records' description never prints client content")
    func redactedDescription() {
        #expect(!String(describing: Self.records()).contains("Amira"))
    }
}

// SubjectAccessExporter: turns every record about one client into a signed bundle.

public import CasebookModels
public import Foundation

/// What an export produced: the manifest (for the audit log), the internal redaction log (for the
/// vault, never the bundle) and the record counts.
public struct SubjectAccessExport: Sendable {
    public var manifest: BundleManifest
    public var redactionLog: [RedactionLogEntry]
    public var counts: [String: Int]
}

/// Builds `records.json`, `schema.json`, `report.html` and `README.txt` from a client's records,
/// withholding third parties, and writes them with `BundleWriter`.
///
/// The caller (vault adapter / CLI) gathers `SubjectAccessRecords`, stores the returned
/// `redactionLog` in the vault, and writes the audit entry and the disclosure-log entry
/// (basis `subject-access`, recipient: the data subject).
public struct SubjectAccessExporter: Sendable {
    public var writer: BundleWriter
    public var notice: AccessResponseNotice
    public var softwareVersion: String

    public init(writer: BundleWriter, notice: AccessResponseNotice, softwareVersion: String) {
        self.writer = writer
        self.notice = notice
        self.softwareVersion = softwareVersion
    }

    /// The default masker: `CasebookRedaction.Redactor` in subject-access mode (see `redactorMasker`).
    public static func defaultMasker(for records: SubjectAccessRecords) -> any ThirdPartyMasker {
        redactorMasker(for: records)
    }

    /// Known names only (no gazetteer, no scanners): related people without consent, staff and other
    /// clients, by full name and by each part of the name; never the client's own name or its parts.
    public static func knownNameMasker(for records: SubjectAccessRecords) -> KnownNameMasker {
        let own = ownNameParts(records)
        var identifiers: [KnownNameMasker.Identifier] = []
        for (name, label) in thirdParties(records) {
            // The full name, then each part of it on its own ("Leila Khan" → "Leila Khan", "Leila").
            for text in [name] + words(name) where !own.contains(text.lowercased()) {
                identifiers.append(KnownNameMasker.Identifier(text: text, label: label))
            }
        }
        return KnownNameMasker(identifiers)
    }

    /// `CasebookRedaction.Redactor` with the third parties as known names and the client's own name
    /// and contacts as the subject (never masked): also catches people the vault does not know.
    public static func redactorMasker(for records: SubjectAccessRecords) -> RedactorMasker {
        let own = ownNameParts(records)
        let names = thirdParties(records).map(\.0).filter { !own.contains($0.lowercased()) }
        return RedactorMasker(names: names, subject: [records.client.name] + records.client.contacts)
    }

    static func words(_ name: String) -> [String] {
        name.split(whereSeparator: { $0 == " " || $0 == "-" }).map { String($0).lowercased() }
    }

    /// The client's own name and its parts: never masked (a shared family name stays).
    static func ownNameParts(_ records: SubjectAccessRecords) -> Set<String> {
        Set(words(records.client.name) + [records.client.name.lowercased()])
    }

    /// Related people without consent, staff and other clients, with the log label for each.
    static func thirdParties(_ records: SubjectAccessRecords) -> [(String, String)] {
        var named: [(String, String)] = records.client.related.filter { !$0.consentsToDisclosure }.map { ($0.name, "third-party-name") }
        named += records.staffNames.map { ($0, "staff-name") }
        named += records.otherClientNames.map { ($0, "other-client") }
        return named
    }

    /// The bundle's content files (without writing anything) and the redaction log.
    public func contents(
        _ records: SubjectAccessRecords, requestID: String?, createdAt: Date, masker: (any ThirdPartyMasker)? = nil,
        withheldConcerns: [RecordID: String] = [:], encrypted: Bool, withheldCount: Int = 0
    ) throws -> (contents: [BundleContent], redactionLog: [RedactionLogEntry], counts: [String: Int]) {
        var log: [RedactionLogEntry] = []
        let document = RecordsDocument.build(
            records, requestID: requestID, generatedAt: BundleManifest.timestamp(createdAt),
            masker: masker ?? Self.defaultMasker(for: records), withheldConcerns: withheldConcerns, log: &log)
        let fingerprint = writer.publicKeyFingerprint
        let contents = [
            BundleContent(
                path: "README.txt",
                data: Data((CoverLetter.text(document, notice: notice, fingerprint: fingerprint, encrypted: encrypted)
                    + CoverLetter.withheldNote(withheldCount)).utf8)),
            BundleContent(path: "records.json", data: try document.jsonData()),
            BundleContent(path: "schema.json", data: Data(RecordsSchema.json.utf8)),
            BundleContent(path: "report.html", data: Data(ReportHTML.render(document, organisation: notice.organisationName).utf8)),
        ]
        return (contents, log, document.counts)
    }

    /// Writes the bundle for `records` to `url` (atomically, 0600).
    public func export(
        _ records: SubjectAccessRecords, requestID: String?, to url: URL, password: BundlePassword? = nil,
        createdAt: Date = Date(), masker: (any ThirdPartyMasker)? = nil, withheldConcerns: [RecordID: String] = [:]
    ) throws -> SubjectAccessExport {
        let built = try contents(
            records, requestID: requestID, createdAt: createdAt, masker: masker, withheldConcerns: withheldConcerns,
            encrypted: password != nil, withheldCount: withheldConcerns.count)
        let metadata = BundleMetadata(
            caseID: records.client.id.rawValue, requestID: requestID, createdAt: createdAt, softwareVersion: softwareVersion,
            withheld: Self.withheldRecords(records, withheldConcerns))
        let manifest = try writer.write(built.contents, metadata: metadata, to: url, password: password)
        return SubjectAccessExport(manifest: manifest, redactionLog: built.redactionLog, counts: built.counts)
    }
}

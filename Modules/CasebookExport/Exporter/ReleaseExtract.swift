// ReleaseExtract: what a release (`casebook disclose`) sends to its recipient: a signed bundle in the
// subject-access bundle's format, written by the same BundleWriter, holding exactly the records
// released and the release itself (ADR 0024).

public import CasebookModels
public import Foundation

/// `release.json`: the release a recipient holds the records under: who to, what for, on which
/// basis and reference, requested and approved when and by whom (staff by id), and the records by id.
public struct ReleaseStatement: Codable, Sendable, Hashable {
    public struct Subject: Codable, Sendable, Hashable {
        /// The client's name and date of birth: a recipient cannot use records without knowing whose they are.
        public var name: String
        public var bornOn: String?
    }

    public var formatVersion: Int
    public var disclosureID: String
    public var caseID: String
    public var subject: Subject
    public var recipient: String
    public var purpose: String
    /// `consent`, `safeguarding`, `court-order` or `legal-obligation`.
    public var basis: String
    public var reference: String?
    public var requestedOn: String
    public var requestedBy: String
    public var approvedOn: String?
    public var approvedBy: String?
    /// The client's consent to this release, when the basis is consent.
    public var consentID: String?
    /// Every record released, by id, sorted: exactly what `records.json` holds.
    public var records: [String]
    public var organisation: String
    public var contact: String
}

/// Writes release extracts. One implementation of the bundle (`BundleWriter`: manifest, SHA256SUMS,
/// Ed25519 signature, export key, optional WinZip AES-256); this type only chooses the content.
///
/// The records go as recorded (no third-party masking): the recipient is the one the release was
/// decided for, on a basis that covers the records named (minimum necessary is the choice of
/// records, `--records`). The profile holds the client's name and date of birth only (no contacts,
/// no related people).
public struct ReleaseExtractor: Sendable {
    public var writer: BundleWriter
    public var organisationName: String
    public var contact: String
    public var softwareVersion: String

    public init(writer: BundleWriter, organisationName: String, contact: String, softwareVersion: String) {
        self.writer = writer
        self.organisationName = organisationName
        self.contact = contact
        self.softwareVersion = softwareVersion
    }

    /// The records a release of `named` covers: each named record, plus a named session's
    /// amendments and a named concern's actions (they are part of the note and of the concern).
    /// Refuses an amendment or action without its session or concern (it cannot be read alone), and
    /// an id that is none of the client's records an extract can hold. Sorted, without duplicates.
    public static func releasable(_ named: [RecordID], in records: SubjectAccessRecords) throws(CasebookError) -> [RecordID] {
        let wanted = Set(named)
        let sessions = Set(records.sessions.map(\.id))
        let concerns = Set(records.concerns.map(\.id))
        let standalone = Set(records.consents.map(\.id) + records.disclosures.map(\.id) + records.releaseConsents.map(\.id)
            + records.releaseWithdrawals.map(\.id) + records.accessRequests.map(\.id))
        let amendmentSession = Dictionary(records.amendments.map { ($0.id, $0.sessionID) }, uniquingKeysWith: { a, _ in a })
        let actionConcern = Dictionary(records.concernActions.map { ($0.id, $0.concernID) }, uniquingKeysWith: { a, _ in a })
        var out = Set<RecordID>()
        for id in wanted.sorted() {
            if sessions.contains(id) || concerns.contains(id) || standalone.contains(id) {
                out.insert(id)
            } else if let session = amendmentSession[id] {
                guard wanted.contains(session) else {
                    throw CasebookError(.invalidInput, "amendment \(id.rawValue.prefix(8)) belongs to session \(session.rawValue.prefix(8)): name the session in --records (its amendments go with it); nothing was released")
                }
            } else if let concern = actionConcern[id] {
                guard wanted.contains(concern) else {
                    throw CasebookError(.invalidInput, "concern action \(id.rawValue.prefix(8)) belongs to concern \(concern.rawValue.prefix(8)): name the concern in --records (its actions go with it); nothing was released")
                }
            } else {
                throw CasebookError(.notFound, "record \(id.rawValue.prefix(8)) is not a record of this client that a release can hold; nothing was released")
            }
        }
        out.formUnion(records.amendments.filter { wanted.contains($0.sessionID) }.map(\.id))
        out.formUnion(records.concernActions.filter { wanted.contains($0.concernID) }.map(\.id))
        return out.sorted()
    }

    /// `records` cut down to exactly `ids` (the profile to name and date of birth).
    public static func subset(_ records: SubjectAccessRecords, _ ids: [RecordID]) -> SubjectAccessRecords {
        let keep = Set(ids)
        var client = records.client
        client.contacts = []
        client.related = []
        client.identifiers = []
        return SubjectAccessRecords(
            client: client, consents: records.consents.filter { keep.contains($0.id) },
            sessions: records.sessions.filter { keep.contains($0.id) },
            amendments: records.amendments.filter { keep.contains($0.id) && keep.contains($0.sessionID) },
            concerns: records.concerns.filter { keep.contains($0.id) },
            concernActions: records.concernActions.filter { keep.contains($0.id) && keep.contains($0.concernID) },
            disclosures: records.disclosures.filter { keep.contains($0.id) },
            releaseConsents: records.releaseConsents.filter { keep.contains($0.id) },
            releaseWithdrawals: records.releaseWithdrawals.filter { keep.contains($0.id) },
            accessRequests: records.accessRequests.filter { keep.contains($0.id) })
    }

    /// The extract's content files: `README.txt`, `release.json`, `records.json`, `schema.json`.
    public func contents(_ records: SubjectAccessRecords, disclosure: Disclosure, createdAt: Date, encrypted: Bool) throws -> [BundleContent] {
        guard disclosure.status == .released else {
            throw CasebookError(.conflict, "release \(disclosure.id.rawValue.prefix(8)) is \(disclosure.status.rawValue), not released: nothing to send")
        }
        let released = Self.subset(records, disclosure.records)
        var log: [RedactionLogEntry] = []
        let document = RecordsDocument.build(
            released, requestID: nil, generatedAt: BundleManifest.timestamp(createdAt), masker: AsRecorded(),
            withheldConcerns: [:], log: &log)
        let statement = ReleaseStatement(
            formatVersion: 1, disclosureID: disclosure.id.rawValue, caseID: disclosure.clientID.rawValue,
            subject: .init(name: records.client.name, bornOn: records.client.bornOn?.iso), recipient: disclosure.recipient,
            purpose: disclosure.purpose, basis: disclosure.basis.rawValue, reference: disclosure.reference,
            requestedOn: disclosure.requestedOn.iso, requestedBy: disclosure.requestedBy.rawValue, approvedOn: disclosure.approvedOn?.iso,
            approvedBy: disclosure.approvedBy?.rawValue, consentID: disclosure.consentID?.rawValue,
            records: disclosure.records.map(\.rawValue).sorted(), organisation: organisationName, contact: contact)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        var statementJSON = try encoder.encode(statement)
        statementJSON.append(0x0A)
        return [
            BundleContent(path: "README.txt", data: Data(Self.coverNote(statement, counts: document.counts, fingerprint: writer.publicKeyFingerprint,
                                                                       encrypted: encrypted).utf8)),
            BundleContent(path: "release.json", data: statementJSON),
            BundleContent(path: "records.json", data: try document.jsonData()),
            BundleContent(path: "schema.json", data: Data(RecordsSchema.json.utf8)),
        ]
    }

    /// Writes the extract of the released `disclosure` to `url` (atomically, 0600): its records taken
    /// from `records` (everything the vault holds about the client), the release in the signed manifest.
    @discardableResult
    public func write(
        _ records: SubjectAccessRecords, disclosure: Disclosure, to url: URL, password: BundlePassword? = nil, createdAt: Date = Date()
    ) throws -> BundleManifest {
        let files = try contents(records, disclosure: disclosure, createdAt: createdAt, encrypted: password != nil)
        let metadata = BundleMetadata(
            caseID: disclosure.clientID.rawValue, requestID: nil, createdAt: createdAt, softwareVersion: softwareVersion,
            release: ReleaseReference(disclosureID: disclosure.id.rawValue, basis: disclosure.basis.rawValue, reference: disclosure.reference))
        return try writer.write(files, metadata: metadata, to: url, password: password)
    }

    static func coverNote(_ s: ReleaseStatement, counts: [String: Int], fingerprint: String, encrypted: Bool) -> String {
        let held = counts.sorted { $0.key < $1.key }.map { "    \($0.key): \($0.value)\n" }.joined()
        let basis = switch s.basis {
        case "consent": "the client's explicit consent to this release (consent record \(s.consentID ?? "?"))"
        case "court-order": "a court order, reference \(s.reference ?? "?")"
        case "safeguarding": "safeguarding (a legal duty to protect), reference \(s.reference ?? "?")"
        default: "a legal obligation, reference \(s.reference ?? "?")"
        }
        return """
            RECORDS RELEASED BY \(s.organisation.uppercased())
            To: \(s.recipient)
            Purpose: \(s.purpose)
            Basis: \(basis)
            Release \(s.disclosureID), case \(s.caseID), requested \(s.requestedOn)\(s.approvedOn.map { ", approved by the Designated Safeguarding Lead on \($0)" } ?? "")

            These records are confidential counselling records, released to you for the purpose above
            only. Do not pass them on except as the law requires. Questions: \(s.contact).

            WHAT IS IN THIS BUNDLE
              README.txt      this note
              release.json    the release: recipient, purpose, basis, reference, and the ids of the records released
              records.json    exactly the records released (schema.json describes the format)
              schema.json     a description of records.json (JSON Schema)
              SHA256SUMS      a fingerprint (SHA-256) of each file above
              manifest.json   the list of files, their sizes and fingerprints, and the release, signed by us
              manifest.sig    our digital signature over manifest.json
              export-key.pem  our public key, to check the signature

            The bundle holds:
            \(held)
            HOW TO CHECK THIS BUNDLE WAS NOT ALTERED
            \(encrypted ? "    The zip is encrypted (AES-256): open it with 7-Zip and the password sent separately.\n" : "")\
                sha256sum -c SHA256SUMS
                openssl pkeyutl -verify -pubin -inkey export-key.pem -rawin -in manifest.json -sigfile manifest.sig
                Our export key's fingerprint: \(fingerprint)
                (openssl pkey -pubin -in export-key.pem -outform DER | sha256sum)

            """
    }

    /// Release extracts keep the records as recorded.
    struct AsRecorded: ThirdPartyMasker {
        func mask(_ text: String, location: String) -> (text: String, withheld: [RedactionLogEntry]) { (text, []) }
    }
}

/// The release a bundle answers, in its signed manifest (absent in subject-access bundles).
public struct ReleaseReference: Codable, Hashable, Sendable {
    public var disclosureID: String
    public var basis: String
    public var reference: String?

    public init(disclosureID: String, basis: String, reference: String?) {
        self.disclosureID = disclosureID
        self.basis = basis
        self.reference = reference
    }
}

// SubjectAccessPreview: what a subject-access bundle would hold, computed exactly as the export
// computes it, without writing anything (issue 13's review step; ADR 0022).

public import CasebookModels
public import Foundation

/// What `export sar --preview` shows: every record that would go (kind, id, date), the counts, each
/// third-party identifier that would be masked (where, what kind, why: never the identifier), and the
/// records withheld with their ground. Ids, dates and labels only: no client content.
public struct SubjectAccessPreview: Sendable, Encodable {
    public struct Item: Sendable, Encodable, Hashable {
        /// `consent`, `session`, `amendment`, `safeguarding-concern`, `concern-action`, `recipient`,
        /// `release-consent`, `release-withdrawal`, `access-request`.
        public var kind: String
        public var id: String
        public var date: String
    }

    public var caseID: String
    public var counts: [String: Int]
    public var items: [Item]
    /// Third-party identifiers that would be masked (location, label, reason).
    public var masked: [RedactionLogEntry]
    public var withheld: [WithheldRecord]
}

extension SubjectAccessExporter {
    /// The preview of the bundle for `records`, built by the same code as the bundle's `records.json`.
    public static func preview(
        _ records: SubjectAccessRecords, masker: (any ThirdPartyMasker)? = nil, withheld: [RecordID: String] = [:]
    ) -> SubjectAccessPreview {
        var log: [RedactionLogEntry] = []
        let document = RecordsDocument.build(
            records, requestID: nil, generatedAt: "", masker: masker ?? defaultMasker(for: records), withheldConcerns: withheld, log: &log)
        var items: [SubjectAccessPreview.Item] = []
        func add(_ kind: String, _ id: String, _ date: String) { items.append(.init(kind: kind, id: id, date: date)) }
        for c in document.consents { add("consent", c.id, c.signedOn) }
        for s in document.sessions {
            add("session", s.id, s.on)
            for a in s.amendments { add("amendment", a.id, a.on) }
        }
        for c in document.safeguardingConcerns {
            add("safeguarding-concern", c.id, c.raisedOn)
            for a in c.actions { add("concern-action", a.id, a.on) }
        }
        for r in document.recipients { add("recipient", r.id, r.requestedOn) }
        for r in document.releaseConsents { add("release-consent", r.id, r.recordedOn) }
        for r in document.releaseWithdrawals { add("release-withdrawal", r.id, r.on) }
        for r in document.accessRequests { add("access-request", r.id, r.receivedOn) }
        let withheldLabels: Set<String> = ["concern-withheld", "session-withheld"]
        return SubjectAccessPreview(
            caseID: document.caseID, counts: document.counts, items: items,
            masked: log.filter { !withheldLabels.contains($0.label) }, withheld: withheldRecords(records, withheld))
    }

    /// The withheld records as the manifest lists them (only sessions and concerns of `records`).
    static func withheldRecords(_ records: SubjectAccessRecords, _ withheld: [RecordID: String]) -> [WithheldRecord] {
        let sessions = records.sessions.filter { withheld[$0.id] != nil }.map {
            WithheldRecord(id: $0.id.rawValue, kind: "session", ground: withheld[$0.id] ?? "")
        }
        let concerns = records.concerns.filter { withheld[$0.id] != nil }.map {
            WithheldRecord(id: $0.id.rawValue, kind: "safeguarding-concern", ground: withheld[$0.id] ?? "")
        }
        return (sessions + concerns).sorted { $0.id < $1.id }
    }

    /// Refuses a withheld id that is not one of the client's sessions or concerns.
    public static func checkWithheld(_ withheld: [RecordID: String], in records: SubjectAccessRecords) throws(CasebookError) {
        let known = Set(records.sessions.map(\.id) + records.concerns.map(\.id))
        for id in withheld.keys.sorted(by: { $0.rawValue < $1.rawValue }) where !known.contains(id) {
            throw CasebookError(.notFound, "record \(String(id.rawValue.prefix(8))) is not a session or safeguarding concern of this client; only those can be withheld (nothing was written)")
        }
    }
}

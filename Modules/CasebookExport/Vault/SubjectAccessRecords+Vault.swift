// SubjectAccessRecords+Vault: gathers every record about one client from the vault.

public import CasebookModels
public import CasebookStorage
public import Foundation

extension SubjectAccessRecords {
    /// Everything the vault holds about `client` that the current user may read: profile, consents,
    /// sessions with amendments; and the names to withhold (staff, other clients).
    ///
    /// Safeguarding concerns with their actions and the disclosure log come from the vault, plus
    /// whatever the caller passes in `extra` (access requests; concerns the DSL decided to include
    /// from elsewhere). Each vault read is audited by the vault itself.
    public static func gather(
        from vault: Vault, client id: ClientID, extra: SubjectAccessRecords.Extra = .init()
    ) throws(CasebookError) -> SubjectAccessRecords {
        let detail = try vault.clientDetail(id)
        let sessions = try vault.sessions(client: id)
        let organisation = try vault.organisation()
        let others = try vault.clients().filter { $0.id != id }.map(\.name)
        let concerns = try vault.concerns(client: id)
        let history = try vault.releaseHistory(client: id)
        return SubjectAccessRecords(
            client: detail.client, consents: detail.consents, sessions: sessions.map(\.session),
            amendments: sessions.flatMap(\.amendments), concerns: concerns.map(\.concern) + extra.concerns,
            concernActions: concerns.flatMap(\.actions) + extra.concernActions,
            disclosures: history.disclosures + extra.disclosures, releaseConsents: history.consents,
            releaseWithdrawals: history.withdrawals, accessRequests: extra.accessRequests,
            staffNames: organisation.people.map(\.name), otherClientNames: others)
    }

    /// Records the vault cannot supply yet.
    public struct Extra: Sendable {
        public var concerns: [SafeguardingConcern]
        public var concernActions: [ConcernAction]
        public var disclosures: [Disclosure]
        public var accessRequests: [AccessRequest]

        public init(
            concerns: [SafeguardingConcern] = [], concernActions: [ConcernAction] = [], disclosures: [Disclosure] = [],
            accessRequests: [AccessRequest] = []
        ) {
            self.concerns = concerns
            self.concernActions = concernActions
            self.disclosures = disclosures
            self.accessRequests = accessRequests
        }
    }
}

extension SubjectAccessExporter {
    /// Gathers the client's records from the vault, writes the bundle, and writes the export to the
    /// audit log (action `export`, the client's case). The disclosure-log entry (basis
    /// `subject-access`, recipient: the data subject) and the redaction log need vault APIs that do
    /// not exist yet: the caller gets `redactionLog` back to store once they do.
    ///
    /// `withheld` (sessions and concerns, by id, with the legal ground; the DSL's decision, checked
    /// by the caller) are left out, listed in the signed manifest, and not logged as released.
    public func export(
        from vault: Vault, client id: ClientID, requestID: String?, to url: URL, password: BundlePassword? = nil,
        extra: SubjectAccessRecords.Extra = .init(), withheld: [RecordID: String] = [:]
    ) throws -> SubjectAccessExport {
        let records = try SubjectAccessRecords.gather(from: vault, client: id, extra: extra)
        try Self.checkWithheld(withheld, in: records)
        let result = try export(records, requestID: requestID, to: url, password: password, withheldConcerns: withheld)
        try vault.audit(.export, recordType: .client, recordID: id.clientRecordID, caseID: id)
        // The disclosure log: recipient is the data subject; the records released are listed by id.
        let released = [id.clientRecordID] + records.consents.map(\.id) + records.sessions.map(\.id) + records.amendments.map(\.id)
            + records.concerns.map(\.id) + records.disclosures.map(\.id) + records.releaseConsents.map(\.id)
            + records.releaseWithdrawals.map(\.id)
        let withheldAmendments = Set(records.amendments.filter { withheld[$0.sessionID] != nil }.map(\.id))
        let withheldConcernActions = Set(records.concernActions.filter { withheld[$0.concernID] != nil }.map(\.id))
        let releasedRecords = released.filter { withheld[$0] == nil && !withheldAmendments.contains($0) && !withheldConcernActions.contains($0) }
        _ = try vault.disclose(client: id, recipient: "the data subject (subject access request)",
                               purpose: requestID.map { "subject access request \($0)" } ?? "subject access request",
                               basis: .subjectAccess, records: releasedRecords)
        return result
    }
}

extension SubjectAccessExporter {
    /// What the bundle for `client` would hold and withhold (`export sar --preview`): gathers the
    /// records as `export` does (reads, audited as reads by the vault) and writes nothing else: no
    /// file, no export or disclosure entry, no change to any request.
    public static func preview(
        from vault: Vault, client id: ClientID, extra: SubjectAccessRecords.Extra = .init(), withheld: [RecordID: String] = [:]
    ) throws(CasebookError) -> SubjectAccessPreview {
        let records = try SubjectAccessRecords.gather(from: vault, client: id, extra: extra)
        try checkWithheld(withheld, in: records)
        return preview(records, withheld: withheld)
    }
}

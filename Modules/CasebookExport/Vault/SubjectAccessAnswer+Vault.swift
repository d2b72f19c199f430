// SubjectAccessAnswer+Vault: who may export a subject-access bundle, and the bundle built in
// memory (for `casebook ui`'s download, ADR 0023), with the same effects as `export(from:…)`.

public import CasebookModels
public import CasebookStorage
public import Foundation

extension SubjectAccessExporter {
    /// The checks `casebook export sar` and the web app make before any effect: only a records
    /// officer or the DSL exports; only the DSL withholds; a request named must be this client's and
    /// still open. Returns the request (nil when none is named).
    public static func authorise(vault: Vault, client id: ClientID, request: RecordID?, withholding: Bool)
        throws(CasebookError) -> AccessRequest?
    {
        try requireExporter(vault, withholding: withholding)
        guard let request else { return nil }
        guard let found = try vault.accessRequests(all: true).first(where: { $0.id == request }), found.clientID == id else {
            throw CasebookError(.notFound, "no subject-access request \(Vault.short(request)) for client \(Vault.short(id))", hint: .list(.accessRequests))
        }
        guard found.status == .open else {
            throw CasebookError(.conflict, "subject-access request \(Vault.short(request)) is \(found.status.rawValue), not open; nothing was written (export without --request to send a further copy)")
        }
        return found
    }

    /// The legal ground of each withheld record, as the bundle's manifest shows it: one line of
    /// 1–200 characters (the same limits `casebook export sar --ground` checks).
    public static func checkGrounds(_ withheld: [RecordID: String]) throws(CasebookError) {
        for ground in withheld.values {
            let text = ground.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !text.isEmpty else {
                throw CasebookError(.invalidInput, "a withheld record needs the legal ground (the exemption relied on); nothing was written")
            }
            guard text.count <= 200, !text.contains(where: \.isNewline) else {
                throw CasebookError(.invalidInput, "the legal ground must be one line of at most 200 characters; nothing was written")
            }
        }
    }

    /// Only a records officer or the DSL exports; only the DSL withholds.
    static func requireExporter(_ vault: Vault, withholding: Bool) throws(CasebookError) {
        let me = try vault.me()
        guard me.roles.contains(.recordsOfficer) || me.roles.contains(.dsl) else {
            throw CasebookError(.notAuthorised, "only records-officer or dsl may export a subject-access bundle")
        }
        if withholding, !me.roles.contains(.dsl) {
            throw CasebookError(.notAuthorised, "only the Designated Safeguarding Lead may withhold a record from a subject-access bundle")
        }
    }

    /// The answer to an open request as zip bytes, never touching the file system: authorised as
    /// above, gathered, audited and logged as released exactly as `export(from:…)` does, and the
    /// request marked answered (as `casebook export sar --request` does after writing the file).
    public func answer(from vault: Vault, request id: RecordID, password: BundlePassword? = nil,
                       withheld: [RecordID: String] = [:]) throws -> (archive: Data, export: SubjectAccessExport) {
        try Self.requireExporter(vault, withholding: !withheld.isEmpty)  // before even saying whether the request exists
        try Self.checkGrounds(withheld)
        guard let request = try vault.accessRequests(all: true).first(where: { $0.id == id }) else {
            throw CasebookError(.notFound, "no subject-access request \(Vault.short(id))", hint: .list(.accessRequests))
        }
        _ = try Self.authorise(vault: vault, client: request.clientID, request: id, withholding: !withheld.isEmpty)
        let client = request.clientID
        let requests = try vault.accessRequests(all: true).filter { $0.clientID == client }
        let records = try SubjectAccessRecords.gather(from: vault, client: client, extra: .init(accessRequests: requests))
        try Self.checkWithheld(withheld, in: records)
        let createdAt = vault.clock.now
        let built = try contents(records, requestID: id.rawValue, createdAt: createdAt, withheldConcerns: withheld,
                                 encrypted: password != nil, withheldCount: withheld.count)
        let metadata = BundleMetadata(caseID: client.rawValue, requestID: id.rawValue, createdAt: createdAt, softwareVersion: softwareVersion,
                                      withheld: Self.withheldRecords(records, withheld))
        let (archive, manifest) = try writer.archiveData(built.contents, metadata: metadata, password: password)
        try vault.audit(.export, recordType: .client, recordID: client.clientRecordID, caseID: client)
        let released = [client.clientRecordID] + records.consents.map(\.id) + records.sessions.map(\.id) + records.amendments.map(\.id)
            + records.concerns.map(\.id) + records.disclosures.map(\.id) + records.releaseConsents.map(\.id)
            + records.releaseWithdrawals.map(\.id)
        // A withheld session or concern (with its amendments or actions) is not logged as released, as in `export(from:…)`.
        let withheldAmendments = Set(records.amendments.filter { withheld[$0.sessionID] != nil }.map(\.id))
        let withheldConcernActions = Set(records.concernActions.filter { withheld[$0.concernID] != nil }.map(\.id))
        let releasedRecords = released.filter { withheld[$0] == nil && !withheldAmendments.contains($0) && !withheldConcernActions.contains($0) }
        _ = try vault.disclose(client: client, recipient: "the data subject (subject access request)",
                               purpose: "subject access request \(id.rawValue)", basis: .subjectAccess, records: releasedRecords)
        _ = try vault.answerAccessRequest(id, on: vault.clock.today)
        return (archive, SubjectAccessExport(manifest: manifest, redactionLog: built.redactionLog, counts: built.counts))
    }
}

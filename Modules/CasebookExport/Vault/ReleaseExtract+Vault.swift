// ReleaseExtract+Vault: the release extract gathered from the vault (ADR 0024).

public import CasebookModels
public import CasebookStorage
public import Foundation

extension ReleaseExtractor {
    /// Everything the vault holds about `client` that an extract may hold (reads audited as reads).
    static func gather(from vault: Vault, client id: ClientID) throws(CasebookError) -> SubjectAccessRecords {
        let requests = try vault.accessRequests(all: true).filter { $0.clientID == id }
        return try SubjectAccessRecords.gather(from: vault, client: id, extra: .init(accessRequests: requests))
    }

    /// The records a release of `named` covers (see `releasable(_:in:)`), checked against the vault
    /// before anything is logged.
    public static func releasable(_ named: [RecordID], from vault: Vault, client id: ClientID) throws(CasebookError) -> [RecordID] {
        if named.isEmpty { return [] }
        return try releasable(named, in: gather(from: vault, client: id))
    }

    /// Writes the extract of a released disclosure to `url` and audits it (`export` of the
    /// disclosure in the client's case). Writing an extract again logs no new release: the release
    /// is the disclosure record, logged when it was decided or approved.
    @discardableResult
    public func write(from vault: Vault, disclosure: Disclosure, to url: URL, password: BundlePassword? = nil) throws -> BundleManifest {
        let records = try Self.gather(from: vault, client: disclosure.clientID)
        let manifest = try write(records, disclosure: disclosure, to: url, password: password, createdAt: vault.clock.now)
        try vault.audit(.export, recordType: .disclosure, recordID: disclosure.id, caseID: disclosure.clientID)
        return manifest
    }
}

extension ReleaseExtractor {
    /// The extract of a released disclosure as zip bytes, never touching the file system (the web
    /// app's download, ADR 0023); audited as `write(from:…)` is. Refused unless released.
    public func archive(from vault: Vault, disclosure: Disclosure, password: BundlePassword? = nil) throws -> Data {
        let records = try Self.gather(from: vault, client: disclosure.clientID)
        let createdAt = vault.clock.now
        let files = try contents(records, disclosure: disclosure, createdAt: createdAt, encrypted: password != nil)
        let metadata = BundleMetadata(
            caseID: disclosure.clientID.rawValue, requestID: nil, createdAt: createdAt, softwareVersion: softwareVersion,
            release: ReleaseReference(disclosureID: disclosure.id.rawValue, basis: disclosure.basis.rawValue, reference: disclosure.reference))
        let (archive, _) = try writer.archiveData(files, metadata: metadata, password: password)
        try vault.audit(.export, recordType: .disclosure, recordID: disclosure.id, caseID: disclosure.clientID)
        return archive
    }
}

import Synchronization
import Foundation
public import CasebookModels
import GRDB

/// A client with the records a practitioner sees on `client show`.
public struct ClientDetail: Sendable {
    public var client: Client
    public var consents: [ConsentRecord]
    public var sessionCount: Int
}

extension Vault {
    /// P7 + P10: opening a client's records needs current training and a key for the case.
    func requireCaseAccess(_ db: Database, _ caseID: CaseID) throws {
        let org = try organisationState(db)
        try TrainingPolicy.requireCurrent(for: person, records: org.training, on: clock.today)
        guard try holdsKey(db, for: caseID) else {
            let known = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM revisions WHERE case_id = ?", arguments: [caseID.rawValue]) ?? 0
            if known > 0 {
                throw CasebookError(.notAuthorised, "you are not granted access to client \(caseID); ask the Designated Safeguarding Lead")
            }
            throw CasebookError(.notFound, "no client \(caseID)", hint: .list(.clients))
        }
    }

    /// Adds a client and creates their case key.
    public func addClient(name: String, bornOn: LocalDate?, related: [RelatedPerson], contacts: [String]) throws(CasebookError) -> Client {
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { throw CasebookError(.invalidInput, "--name must not be empty") }
        if let bornOn, bornOn > clock.today { throw CasebookError(.invalidInput, "--born is in the future") }
        return try write("adding a client") { db in
            try TrainingPolicy.requireCurrent(for: person, records: try organisationState(db).training, on: clock.today)
            let client = Client(id: .random(), name: trimmed, bornOn: bornOn, related: related, contacts: contacts)
            _ = try createCaseKey(db, for: client.id)
            try commit(db, [.init(record: client.id.clientRecordID, type: .client, caseID: client.id,
                                  fields: try FieldCoding.fields(of: client))], action: .create)
            return client
        }
    }

    func client(_ db: Database, _ id: ClientID) throws -> Client {
        if let cached = cache.withLock({ $0.clients[id] }) { return cached }
        guard let record = try mergedRecord(db, id: id.clientRecordID), record.recordType == .client else {
            throw CasebookError(.notFound, "no client \(id) that you are granted", hint: .list(.clients))
        }
        let client = try record.decode(Client.self)
        cache.withLock { $0.clients[id] = client }
        return client
    }

    func consents(_ db: Database, _ id: ClientID) throws -> [ConsentRecord] {
        if let cached = cache.withLock({ $0.consents[id] }) { return cached }
        let consents = try mergedRecords(db, caseID: id, type: .consent).map { r throws(CasebookError) in try r.decode(ConsentRecord.self) }
        cache.withLock { $0.consents[id] = consents }
        return consents
    }

    /// Every client this device holds a key for. Each listed case is audited as read.
    public func clients() throws(CasebookError) -> [Client] {
        return try write("listing clients") { db in
            try TrainingPolicy.requireCurrent(for: person, records: try organisationState(db).training, on: clock.today)
            let clients = try mergedRecords(db, type: .client).map { record throws(CasebookError) in try record.decode(Client.self) }
            for client in clients { try appendAudit(db, action: .read, recordType: .client, caseID: client.id) }
            return clients.sorted { ($0.name.lowercased(), $0.id) < ($1.name.lowercased(), $1.id) }
        }
    }

    public func clientDetail(_ id: ClientID) throws(CasebookError) -> ClientDetail {
        return try write("reading a client") { db in
            try requireCaseAccess(db, id)
            let client = try client(db, id)
            let consents = try consents(db, id)
            let sessions = try Int.fetchOne(db, sql: "SELECT COUNT(DISTINCT record_id) FROM revisions WHERE case_id = ? AND record_type = ?",
                                            arguments: [id.rawValue, RecordType.session.rawValue]) ?? 0
            try appendAudit(db, action: .read, recordType: .client, recordID: id.clientRecordID, caseID: id)
            return ClientDetail(client: client, consents: consents, sessionCount: sessions)
        }
    }

    /// P3: records the signed informed-consent form.
    @discardableResult
    public func recordConsent(client id: ClientID, formVersion: String, signedOn: LocalDate, signedBy: Signatory,
                              limitsAcknowledged: Bool = true) throws(CasebookError) -> ConsentRecord {
        let version = formVersion.trimmingCharacters(in: .whitespaces)
        guard !version.isEmpty, version.count <= 40 else { throw CasebookError(.invalidInput, "--form-version must be 1 to 40 characters") }
        guard signedOn <= clock.today else { throw CasebookError(.invalidInput, "--signed-on \(signedOn) is in the future") }
        return try write("recording consent") { db in
            try requireCaseAccess(db, id)
            _ = try client(db, id)
            let consent = ConsentRecord(id: .random(), clientID: id, formVersion: version, signedOn: signedOn, signedBy: signedBy,
                                        limitsAcknowledged: limitsAcknowledged)
            try commit(db, [.init(record: consent.id, type: .consent, caseID: id, fields: try FieldCoding.fields(of: consent))],
                       action: .create)
            return consent
        }
    }
}

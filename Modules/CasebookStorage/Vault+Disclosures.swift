import Synchronization
public import CasebookModels
import Foundation
import GRDB

/// Everything about releases for one client: what goes into their subject-access bundle (recipients,
/// consents to release and their withdrawals).
public struct ReleaseHistory: Sendable {
    public var consents: [ReleaseConsent]
    public var withdrawals: [ReleaseWithdrawal]
    public var disclosures: [Disclosure]
}

extension Vault {
    func releaseRecords(_ db: Database, client id: ClientID) throws -> ReleaseHistory {
        let consents = try mergedRecords(db, caseID: id, type: .releaseConsent).map { r throws(CasebookError) in try r.decode(ReleaseConsent.self) }
        let withdrawals = try mergedRecords(db, caseID: id, type: .releaseWithdrawal).map { r throws(CasebookError) in try r.decode(ReleaseWithdrawal.self) }
        let disclosures = try mergedRecords(db, caseID: id, type: .disclosure).map { r throws(CasebookError) in try r.decode(Disclosure.self) }
        return ReleaseHistory(consents: consents, withdrawals: withdrawals, disclosures: disclosures)
    }

    /// P2: records the client's explicit consent to one release (who to, what for, until when).
    @discardableResult
    public func recordReleaseConsent(client id: ClientID, recipient: String, purpose: String,
                                     until: LocalDate?) throws(CasebookError) -> ReleaseConsent {
        let to = recipient.trimmingCharacters(in: .whitespacesAndNewlines)
        let what = purpose.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !to.isEmpty else { throw CasebookError(.invalidInput, "--to must name the recipient") }
        guard !what.isEmpty else { throw CasebookError(.invalidInput, "--purpose must say what the release is for") }
        if let until, until < clock.today { throw CasebookError(.invalidInput, "--until \(until) is in the past") }
        return try write("recording consent to a release") { db in
            try requireCaseAccess(db, id)
            _ = try client(db, id)
            let consent = ReleaseConsent(id: .random(), clientID: id, recipient: to, purpose: what, until: until, recordedOn: clock.today)
            try commit(db, [.init(record: consent.id, type: .releaseConsent, caseID: id, fields: try FieldCoding.fields(of: consent))],
                       action: .create)
            return consent
        }
    }

    /// P12: the client withdraws consent to release. From today, consent-based releases are refused on
    /// this replica, and on every other one once the withdrawal reaches it by sync.
    @discardableResult
    public func withdrawReleaseConsent(client id: ClientID) throws(CasebookError) -> ReleaseWithdrawal {
        return try write("recording a withdrawal of consent") { db in
            try requireCaseAccess(db, id)
            _ = try client(db, id)
            let withdrawal = ReleaseWithdrawal(id: .random(), clientID: id, on: clock.today, recordedBy: person)
            try commit(db, [.init(record: withdrawal.id, type: .releaseWithdrawal, caseID: id,
                                  fields: try FieldCoding.fields(of: withdrawal))], action: .create)
            return withdrawal
        }
    }

    /// P2, P9, P12: requests a release. A consent-based release is decided at once (released, or
    /// refused); any other legal basis is recorded as pending until the DSL approves it. Every
    /// release is written to the disclosure log (a disclosure record in the case) and to the audit log
    /// as `release` entries: one for the disclosure and one per record released (minimum necessary:
    /// only the records named).
    @discardableResult
    public func disclose(client id: ClientID, recipient: String, purpose: String, basis: DisclosureBasis,
                         reference: String? = nil, records: [RecordID] = []) throws(CasebookError) -> Disclosure {
        return try write("recording a release") { db in
            try requireCaseAccess(db, id)
            _ = try client(db, id)
            for record in records {
                guard let (caseID, _) = try caseOf(db, record: record), caseID == id else {
                    throw CasebookError(.notFound, "record \(record) is not in client \(id)'s case; --records names only records of this client")
                }
            }
            let history = try releaseRecords(db, client: id)
            let today = clock.today
            let decision = try ReleasePolicy.decide(basis: basis, recipient: recipient, purpose: purpose, reference: reference,
                                                    consents: history.consents, withdrawals: history.withdrawals, on: today)
            let ref = reference?.trimmingCharacters(in: .whitespacesAndNewlines)
            var disclosure = Disclosure(id: .random(), clientID: id, recipient: recipient.trimmingCharacters(in: .whitespacesAndNewlines),
                                        purpose: purpose.trimmingCharacters(in: .whitespacesAndNewlines), basis: basis,
                                        reference: ref?.isEmpty == false ? ref : nil, records: Array(Set(records)).sorted(),
                                        requestedBy: person, requestedOn: today, status: .pendingApproval)
            if case .release(let consentID) = decision {
                disclosure.status = .released
                disclosure.consentID = consentID
            }
            try commit(db, [.init(record: disclosure.id, type: .disclosure, caseID: id, fields: try FieldCoding.fields(of: disclosure))],
                       action: .create)
            if disclosure.status == .released { try auditRelease(db, disclosure) }
            return disclosure
        }
    }

    func auditRelease(_ db: Database, _ disclosure: Disclosure) throws {
        try appendAudit(db, action: .release, recordType: .disclosure, recordID: disclosure.id, caseID: disclosure.clientID)
        for record in disclosure.records {
            try appendAudit(db, action: .release, recordType: try caseOf(db, record: record)?.1, recordID: record, caseID: disclosure.clientID)
        }
    }

    /// P2, P9: the DSL approves a legal-basis release; only then is it released (and audited as such).
    @discardableResult
    public func approveDisclosure(_ id: RecordID) throws(CasebookError) -> Disclosure {
        return try write("approving a release") { db in
            guard let (caseID, type) = try caseOf(db, record: id), type == .disclosure else {
                throw CasebookError(.notFound, "no disclosure \(id)", hint: .list(.disclosures))
            }
            try requireCaseAccess(db, caseID)
            guard let record = try mergedRecord(db, id: id) else { throw CasebookError(.notFound, "no disclosure \(id) that you can open") }
            let old = try record.decode(Disclosure.self)
            try ReleasePolicy.requireApprovable(old, approver: try currentPerson(db))
            var new = old
            new.status = .released
            new.approvedBy = person
            new.approvedOn = clock.today
            let patch = FieldCoding.changes(from: try FieldCoding.fields(of: old), to: try FieldCoding.fields(of: new))
            try commit(db, [.init(record: id, type: .disclosure, caseID: caseID, fields: patch)], action: .update)
            try auditRelease(db, new)
            return new
        }
    }

    /// One disclosure by id (to write its extract: `casebook disclose extract`, ADR 0024). Audited as a read.
    public func disclosure(_ id: RecordID) throws(CasebookError) -> Disclosure {
        return try write("reading a disclosure") { db in
            guard let (caseID, type) = try caseOf(db, record: id), type == .disclosure else {
                throw CasebookError(.notFound, "no disclosure \(Vault.short(id))", hint: .list(.disclosures))
            }
            try requireCaseAccess(db, caseID)
            guard let record = try mergedRecord(db, id: id) else { throw CasebookError(.notFound, "no disclosure \(Vault.short(id)) that you can open") }
            try appendAudit(db, action: .read, recordType: .disclosure, recordID: id, caseID: caseID)
            return try record.decode(Disclosure.self)
        }
    }

    /// The client's release history (consents, withdrawals, the disclosure log). Audited as a read.
    /// The export issue puts this into the subject-access bundle (recipients, Art. 15(1)(c)).
    public func releaseHistory(client id: ClientID) throws(CasebookError) -> ReleaseHistory {
        return try write("reading the disclosure log") { db in
            try requireCaseAccess(db, id)
            _ = try client(db, id)
            let history = try releaseRecords(db, client: id)
            try appendAudit(db, action: .read, recordType: .disclosure, caseID: id)
            return history
        }
    }
}

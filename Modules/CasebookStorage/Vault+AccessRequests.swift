import Foundation
public import CasebookModels
import GRDB

/// P11: subject-access requests, stored like every other record of the client's case (sealed,
/// synced, audited). Only a records officer or the Designated Safeguarding Lead records them.
extension Vault {
    static let accessRoles: Set<Role> = [.recordsOfficer, .dsl]

    /// Records a request received on `receivedOn` (and, when known, the day identity was verified).
    @discardableResult
    public func openAccessRequest(client id: ClientID, receivedOn: LocalDate, identityVerifiedOn: LocalDate? = nil)
        throws(CasebookError) -> AccessRequest
    {
        let today = clock.today
        guard receivedOn <= today else { throw CasebookError(.invalidInput, "--received \(receivedOn) is in the future") }
        if let verified = identityVerifiedOn, verified > today {
            throw CasebookError(.invalidInput, "--identity-verified \(verified) is in the future")
        }
        return try write("recording a subject-access request") { db in
            try requireRole(db, Self.accessRoles, to: "record subject-access requests")
            try requireCaseAccess(db, id)
            _ = try client(db, id)
            let request = AccessRequest(id: .random(), clientID: id, receivedOn: receivedOn, identityVerifiedOn: identityVerifiedOn)
            try commit(db, [.init(record: request.id, type: .accessRequest, caseID: id, fields: try FieldCoding.fields(of: request))],
                       action: .create)
            return request
        }
    }

    /// Extends an open request by two further months; the requester must be told by the original deadline.
    @discardableResult
    public func extendAccessRequest(_ id: RecordID, reason: String) throws(CasebookError) -> AccessRequest {
        let text = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty, text.count <= 500 else { throw CasebookError(.invalidInput, "--reason must be 1 to 500 characters") }
        return try updateAccessRequest(id, action: "extending a subject-access request") { request throws(CasebookError) in
            guard request.status == .open else { throw CasebookError(.finalised, "request \(id) is \(request.status.rawValue), not open") }
            guard !request.extended else { throw CasebookError(.invalidInput, "request \(id) is already extended") }
            request.extended = true
            request.extensionReason = text
        }
    }

    /// Marks a request answered (the bundle was sent) on `on`.
    @discardableResult
    public func answerAccessRequest(_ id: RecordID, on date: LocalDate) throws(CasebookError) -> AccessRequest {
        try updateAccessRequest(id, action: "answering a subject-access request") { request throws(CasebookError) in
            guard request.status == .open else { throw CasebookError(.finalised, "request \(id) is \(request.status.rawValue), not open") }
            request.status = .answered
            request.answeredOn = date
        }
    }

    func updateAccessRequest(_ id: RecordID, action: String, _ change: (inout AccessRequest) throws(CasebookError) -> Void)
        throws(CasebookError) -> AccessRequest
    {
        return try write(action) { db in
            try requireRole(db, Self.accessRoles, to: "change subject-access requests")
            guard let (caseID, type) = try caseOf(db, record: id), type == .accessRequest else {
                throw CasebookError(.notFound, "no subject-access request \(id)", hint: .list(.accessRequests))
            }
            try requireCaseAccess(db, caseID)
            guard let record = try mergedRecord(db, id: id) else { throw CasebookError(.notFound, "no subject-access request \(id)") }
            var request = try record.decode(AccessRequest.self)
            try change(&request)
            try commit(db, [.init(record: id, type: .accessRequest, caseID: caseID, fields: try FieldCoding.fields(of: request))],
                       action: .update)
            return request
        }
    }

    /// Requests in every case this device holds a key for; open ones only unless `all`.
    public func accessRequests(all: Bool = false) throws(CasebookError) -> [AccessRequest] {
        return try read("listing subject-access requests") { db in
            let requests = try mergedRecords(db, type: .accessRequest).map { r throws(CasebookError) in try r.decode(AccessRequest.self) }
            return requests.filter { all || $0.status == .open }
        }
    }

    /// One line per open request within seven days of its deadline or past it (shown by every command).
    public func accessRequestWarnings() -> [String] {
        let today = clock.today
        let requests = (try? accessRequests()) ?? []
        return requests.filter { $0.needsWarning(on: today) }.sorted { $0.deadline < $1.deadline }.map { request in
            let left = request.daysLeft(on: today)
            let when = left < 0 ? "is \(-left) day\(left == -1 ? "" : "s") OVERDUE (due \(request.deadline))"
                : left == 0 ? "is due TODAY" : "is due in \(left) day\(left == 1 ? "" : "s") (\(request.deadline))"
            return "subject-access request \(Self.short(request.id)) for client \(Self.short(request.clientID)) \(when); see 'casebook sar list'"
        }
    }
}

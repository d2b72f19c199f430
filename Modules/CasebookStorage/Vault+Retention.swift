import Synchronization
public import CasebookModels
import Foundation
import GRDB

/// One case against its retention rule.
public struct RetentionItem: Sendable {
    public var clientID: ClientID
    public var lastContact: LocalDate
    public var bornOnUnknown: Bool
    public var status: RetentionStatus
    public var holds: [RetentionHold]
}

extension Vault {
    /// The last contact: the latest session, or the case's closing date, or (no contact at all) the day
    /// the client was added.
    func lastContact(_ db: Database, client: Client, createdAt: HLCTimestamp) throws -> LocalDate {
        let sessions = try mergedRecords(db, caseID: client.id, type: .session).map { r throws(CasebookError) in try r.decode(SessionRecord.self) }
        let dates = sessions.map(\.on) + [client.closedOn].compactMap { $0 }
        return dates.max() ?? LocalDate(createdAt.date)
    }

    func retentionHolds(_ db: Database, client id: ClientID) throws -> [RetentionHold] {
        try mergedRecords(db, caseID: id, type: .retentionHold).map { r throws(CasebookError) in try r.decode(RetentionHold.self) }
    }

    /// Every case this device holds, against its retention rule (admin, DSL or records officer).
    /// `dueOnly` keeps the cases whose destruction is due or held past its due date.
    public func retention(dueOnly: Bool = true) throws(CasebookError) -> [RetentionItem] {
        return try write("reviewing retention") { db in
            try requireRole(db, [.admin, .dsl, .recordsOfficer], to: "review retention")
            try TrainingPolicy.requireCurrent(for: person, records: try organisationState(db).training, on: clock.today)
            let today = clock.today
            var items: [RetentionItem] = []
            for record in try mergedRecords(db, type: .client) {
                let client = try record.decode(Client.self)
                let holds = try retentionHolds(db, client: client.id)
                let last = try lastContact(db, client: client, createdAt: record.createdAt)
                let status = RetentionRule.status(bornOn: client.bornOn, lastContact: last, holds: holds, on: today)
                if dueOnly && status.dueOn > today { continue }
                try appendAudit(db, action: .read, recordType: .client, recordID: client.id.clientRecordID, caseID: client.id)
                items.append(RetentionItem(clientID: client.id, lastContact: last, bornOnUnknown: client.bornOn == nil,
                                           status: status, holds: holds.filter(\.isActive)))
            }
            return items.sorted { ($0.status.dueOn, $0.clientID) < ($1.status.dueOn, $1.clientID) }
        }
    }

    /// Places a hold (safeguarding, litigation) that stops a case's destruction (admin or DSL).
    @discardableResult
    public func placeRetentionHold(client id: ClientID, reason: RetentionHoldReason) throws(CasebookError) -> RetentionHold {
        return try write("placing a retention hold") { db in
            try requireRole(db, [.admin, .dsl], to: "place a retention hold")
            try requireCaseAccess(db, id)
            _ = try client(db, id)
            let hold = RetentionHold(id: .random(), clientID: id, reason: reason, placedBy: person, placedOn: clock.today)
            try commit(db, [.init(record: hold.id, type: .retentionHold, caseID: id, fields: try FieldCoding.fields(of: hold))],
                       action: .create)
            return hold
        }
    }

    /// Lifts a hold (admin or DSL).
    @discardableResult
    public func liftRetentionHold(_ id: RecordID) throws(CasebookError) -> RetentionHold {
        return try write("lifting a retention hold") { db in
            try requireRole(db, [.admin, .dsl], to: "lift a retention hold")
            guard let (caseID, type) = try caseOf(db, record: id), type == .retentionHold else {
                throw CasebookError(.notFound, "no retention hold \(id)")
            }
            try requireCaseAccess(db, caseID)
            guard let record = try mergedRecord(db, id: id) else { throw CasebookError(.notFound, "no retention hold \(id) that you can open") }
            let old = try record.decode(RetentionHold.self)
            guard old.isActive else { throw CasebookError(.conflict, "retention hold \(id) was already lifted on \(old.liftedOn?.iso ?? "?")") }
            var new = old
            new.liftedBy = person
            new.liftedOn = clock.today
            let patch = FieldCoding.changes(from: try FieldCoding.fields(of: old), to: try FieldCoding.fields(of: new))
            try commit(db, [.init(record: id, type: .retentionHold, caseID: caseID, fields: patch)], action: .update)
            return new
        }
    }
}

/// Who needs training within a window (P10), for `casebook training due`.
public struct TrainingDueItem: Sendable {
    public enum State: String, Sendable { case missing, expired, expiring }
    public var person: PersonID
    public var name: String
    public var course: TrainingCourse
    public var expiresOn: LocalDate?
    public var state: State
}

extension Vault {
    /// Every active person whose confidentiality or data-protection training is missing, expired or
    /// expires within `days` days. Names are staff names from the organisation case, not client content.
    public func trainingDue(within days: Int = 30) throws(CasebookError) -> [TrainingDueItem] {
        let org = try organisation()
        let today = clock.today
        var items: [TrainingDueItem] = []
        for person in org.people where person.active {
            for course in TrainingPolicy.dueSoon(for: person.id, records: org.training, on: today, within: days) {
                let latest = org.training.filter { $0.person == person.id && $0.course == course }.map(\.expiresOn).max()
                let state: TrainingDueItem.State = if let latest { latest < today ? .expired : .expiring } else { .missing }
                items.append(TrainingDueItem(person: person.id, name: person.name, course: course, expiresOn: latest, state: state))
            }
        }
        return items.sorted { ($0.expiresOn?.daysSinceEpoch ?? Int.min, $0.name, $0.course.rawValue)
            < ($1.expiresOn?.daysSinceEpoch ?? Int.min, $1.name, $1.course.rawValue) }
    }
}

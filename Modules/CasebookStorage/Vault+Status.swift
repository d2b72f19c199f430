public import CasebookModels
public import Foundation
import GRDB

/// One thing that needs the vault owner (issue 13): `casebook status` and the top of `sync` show
/// them; the local web app's inbox lists the same items. Each item names ids only; the App layer
/// adds names. Items go only to people who can act on them.
public struct StatusItem: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, Codable {
        /// A safeguarding concern the DSL has not acknowledged (P8), with its escalation clock.
        case unacknowledgedConcern = "unacknowledged-concern"
        /// A legal-basis release waiting for the DSL's approval (P2, P9).
        case releaseAwaitingApproval = "release-awaiting-approval"
        /// An open subject-access request and its legal deadline (P11).
        case subjectAccessDeadline = "subject-access-deadline"
        /// The confidentiality policy's annual review is overdue, or no policy is recorded (P13).
        case policyReview = "policy-review"
        /// One of the owner's own session drafts, older than two days, not finalised.
        case staleDraft = "stale-draft"
        /// Training (the owner's, or for an administrator anyone's) expired or expiring within 30 days (P10).
        case training
        /// A breach (a lost or stolen device) not yet reported to the ICO nor assessed, with its 72-hour deadline (ADR 0022).
        case breach
    }

    public var kind: Kind
    /// The record concerned (concern, disclosure, request, session, training record), if any.
    public var record: RecordID?
    public var client: ClientID?
    public var person: PersonID?
    /// When it falls due: escalation time, legal deadline, review date, training expiry.
    public var due: Date?
    /// Whether it is already past due (escalated, overdue, expired).
    public var overdue: Bool
    /// A short description with ids only (no client content).
    public var summary: String
}

/// What `casebook status` shows: sync state, and what needs the owner.
public struct StatusReport: Sendable {
    public var serverConfigured: Bool
    public var lastSync: Date?
    /// Revisions written here and not yet acknowledged by the server.
    public var unsent: Int
    public var items: [StatusItem]
}

extension Vault {
    /// Days a draft may stay unfinalised before it is shown; days ahead training expiry is shown.
    static let staleDraftDays = 2, trainingNoticeDays = 30

    /// The owner's status: last sync, unsent changes and what needs them, most urgent first.
    /// Reading the DSL's inbox opens client records, so it needs current training (P10) for those
    /// items; without it, the training item itself is what is shown. Audited as reads.
    public func status() throws(CasebookError) -> StatusReport {
        let connectivity = try connectivity()
        let unsent = try outboxCount()
        let items = try write("reading what needs you") { db in try statusItems(db) }
        return StatusReport(serverConfigured: connectivity.serverConfigured, lastSync: connectivity.lastSync,
                            unsent: unsent, items: items)
    }

    private func statusItems(_ db: Database) throws -> [StatusItem] {
        let org = try organisationState(db)
        let today = clock.today, now = clock.now
        guard let me = org.person(person), me.active else { return [] }
        var items: [StatusItem] = []
        let isAdmin = me.has(.admin), isDSL = me.has(.dsl)

        // P13: only those who adopt the policy are asked to.
        if isAdmin || isDSL {
            if let policy = org.policyInForce(on: today) {
                if policy.isReviewOverdue(on: today) {
                    items.append(StatusItem(kind: .policyReview, record: nil, client: nil, person: nil, due: policy.reviewDue.midnight,
                                            overdue: true, summary: "policy \(policy.version) was due for review on \(policy.reviewDue)"))
                }
            } else {
                items.append(StatusItem(kind: .policyReview, record: nil, client: nil, person: nil, due: nil, overdue: true,
                                        summary: "no confidentiality policy version is recorded"))
            }
        }

        // P10: one's own training; an administrator sees everyone's.
        let watched = org.training.filter { isAdmin || $0.person == person }
        let latest = Dictionary(grouping: watched, by: { "\($0.person.rawValue)#\($0.course.rawValue)" })
            .compactMapValues { $0.max { $0.expiresOn < $1.expiresOn } }
        for record in latest.values.sorted(by: { ($0.expiresOn, $0.person) < ($1.expiresOn, $1.person) })
        where today.days(until: record.expiresOn) <= Self.trainingNoticeDays {
            let expired = record.expiresOn < today
            items.append(StatusItem(kind: .training, record: record.id, client: nil, person: record.person, due: record.expiresOn.midnight,
                                    overdue: expired,
                                    summary: "\(record.course.rawValue) training \(expired ? "expired" : "expires") on \(record.expiresOn)"))
        }
        // Art. 33 (ADR 0022): open breaches, to those who may decide them. Staff data only, so no training gate.
        if isAdmin || isDSL {
            for breach in try breachRecords(db) where breach.status == .open {
                let left = breach.hoursLeft(at: now)
                items.append(StatusItem(kind: .breach, record: breach.id, client: nil, person: breach.devicePerson, due: breach.deadline,
                                        overdue: breach.isOverdue(at: now),
                                        summary: (left < 0 ? "\(breach.cause.rawValue) device \(Self.short(breach.device)): ICO deadline passed \(-left) hour(s) ago"
                                                  : "\(breach.cause.rawValue) device \(Self.short(breach.device)): \(left) hour(s) left to report to the ICO")
                                            + "; 'casebook breach report' or 'casebook breach assess'"))
            }
        }
        guard TrainingPolicy.missingCourses(for: person, records: org.training, on: today).isEmpty else { return items }

        // The owner's own drafts left unfinalised.
        for record in try mergedRecords(db, type: .session) where record.createdBy == person {
            let session = try record.decode(SessionRecord.self)
            guard session.status == .draft, session.on.days(until: today) >= Self.staleDraftDays else { continue }
            items.append(StatusItem(kind: .staleDraft, record: session.id, client: session.clientID, person: nil, due: nil, overdue: true,
                                    summary: "session of \(session.on) is still a draft; finalise it or edit it"))
        }

        if isDSL || org.settings.deputyDSL == person {
            let hours = org.settings.concernEscalationHours
            for view in try concernViews(db) where view.concern.status == .open {
                let escalatesAt = view.raisedAt.addingTimeInterval(Double(max(0, hours)) * 3600)
                items.append(StatusItem(kind: .unacknowledgedConcern, record: view.concern.id, client: view.concern.clientID,
                                        person: view.concern.raisedBy, due: escalatesAt, overdue: view.escalated,
                                        summary: "\(view.concern.category.rawValue) concern not acknowledged"))
                try appendAudit(db, action: .read, recordType: .concern, recordID: view.concern.id, caseID: view.concern.clientID)
            }
        }
        if isDSL {
            for record in try mergedRecords(db, type: .disclosure) {
                let disclosure = try record.decode(Disclosure.self)
                guard disclosure.status == .pendingApproval else { continue }
                items.append(StatusItem(kind: .releaseAwaitingApproval, record: disclosure.id, client: disclosure.clientID,
                                        person: record.createdBy, due: nil, overdue: false,
                                        summary: "\(disclosure.basis.rawValue) release awaiting your approval"))
                try appendAudit(db, action: .read, recordType: .disclosure, recordID: disclosure.id, caseID: disclosure.clientID)
            }
        }
        if isDSL || isAdmin {
            for record in try mergedRecords(db, type: .accessRequest) {
                let request = try record.decode(AccessRequest.self)
                guard request.status == .open else { continue }
                let left = request.daysLeft(on: today)
                items.append(StatusItem(kind: .subjectAccessDeadline, record: request.id, client: request.clientID, person: nil,
                                        due: request.deadline.midnight, overdue: left < 0,
                                        summary: left < 0 ? "subject-access request \(-left) day(s) overdue (due \(request.deadline))"
                                            : "subject-access request due \(request.deadline) (\(left) day(s) left)"))
            }
        }
        return items.sorted { a, b in
            if a.overdue != b.overdue { return a.overdue }
            return (a.due ?? .distantFuture, a.kind.rawValue) < (b.due ?? .distantFuture, b.kind.rawValue)
        }
    }
}

extension LocalDate {
    /// The start of this day (UTC), for ordering deadlines among moments.
    var midnight: Date { Date(timeIntervalSince1970: Double(daysSinceEpoch) * 86_400) }
}

import Synchronization
public import CasebookModels
public import Foundation
import GRDB

/// A concern with its history, as the DSL sees it.
public struct ConcernView: Sendable {
    public var concern: SafeguardingConcern
    public var actions: [ConcernAction]
    /// When it was raised (the signed HLC time of its first revision).
    public var raisedAt: Date
    /// Unacknowledged for longer than the organisation's escalation hours.
    public var escalated: Bool
}

/// What the CLI needs to decide whether to tell a practitioner to phone the DSL now.
public struct ConnectivityState: Sendable {
    public var serverConfigured: Bool
    public var lastSync: Date?

    public init(serverConfigured: Bool, lastSync: Date?) {
        self.serverConfigured = serverConfigured
        self.lastSync = lastSync
    }

    /// Offline for safeguarding purposes: no server, never synced, or last sync older than `minutes`.
    public func isOffline(now: Date, minutes: Int) -> Bool {
        guard serverConfigured, let lastSync else { return true }
        return now.timeIntervalSince(lastSync) > Double(minutes) * 60
    }
}

extension Vault {
    /// P8: raises a safeguarding concern.
    ///
    /// Never blocked by a withdrawn consent, nor by missing or expired training (mandatory reporting
    /// comes first; the training gap is still shown by `warnings()`). It needs only the case key:
    /// a device cannot write to a case it was never granted.
    @discardableResult
    public func raiseConcern(client id: ClientID, category: ConcernCategory, details: String, session: RecordID? = nil,
                             clientViews: String? = nil, actionTaken: String? = nil) throws(CasebookError) -> SafeguardingConcern {
        let text = details.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw CasebookError(.invalidInput, "--details must describe the concern") }
        return try write("raising a concern") { db in
            try raiseConcern(db, client: id, category: category, details: text, session: session,
                             clientViews: clientViews, actionTaken: actionTaken)
        }
    }

    /// The transaction of `raiseConcern` (also run for a queued concern, with its removal from the queue: ADR 0024).
    func raiseConcern(_ db: Database, client id: ClientID, category: ConcernCategory, details text: String, session: RecordID?,
                      clientViews: String?, actionTaken: String?, queuedAt: Date? = nil) throws -> SafeguardingConcern {
        guard try holdsKey(db, for: id) else {
            throw CasebookError(.notAuthorised, "no client \(id) that you are granted (if it is urgent, phone the Designated Safeguarding Lead)",
                                hint: .list(.clients))
        }
        _ = try client(db, id)
        if let session {
            guard let found = try caseOf(db, record: session), found.0 == id, found.1 == .session else {
                throw CasebookError(.notFound, "no session \(session) in client \(id)'s case")
            }
        }
        let views = clientViews?.trimmingCharacters(in: .whitespacesAndNewlines)
        let concern = SafeguardingConcern(id: .random(), clientID: id, category: category, details: text, sessionID: session,
                                          raisedBy: person, raisedOn: clock.today,
                                          clientViews: views?.isEmpty == false ? views : nil)
        var changes: [PendingChange] = [.init(record: concern.id, type: .concern, caseID: id,
                                              fields: try FieldCoding.fields(of: concern))]
        if let action = actionTaken?.trimmingCharacters(in: .whitespacesAndNewlines), !action.isEmpty {
            let entry = ConcernAction(id: .random(), concernID: concern.id, clientID: id, by: person, on: clock.today,
                                      kind: "initial", text: action)
            changes.append(.init(record: entry.id, type: .concernAction, caseID: id, fields: try FieldCoding.fields(of: entry)))
        }
        if let queuedAt {
            // The DSL sees when it was really written (ADR 0024): the escalation clock runs from the raise.
            let written = queuedAt.formatted(Date.ISO8601FormatStyle(timeZone: .gmt))
            let entry = ConcernAction(id: .random(), concernID: concern.id, clientID: id, by: person, on: clock.today, kind: "queued",
                                      text: "Written at \(written) on a laptop that held no key for this client yet; raised when the key arrived.")
            changes.append(.init(record: entry.id, type: .concernAction, caseID: id, fields: try FieldCoding.fields(of: entry)))
        }
        try commit(db, changes, action: .create)
        return concern
    }

    func concernViews(_ db: Database, client: ClientID? = nil) throws -> [ConcernView] {
        let settings = try organisationState(db).settings
        let concerns = try mergedRecords(db, caseID: client, type: .concern)
        let actions = try mergedRecords(db, caseID: client, type: .concernAction)
            .map { r throws(CasebookError) in try r.decode(ConcernAction.self) }
        let byConcern = Dictionary(grouping: actions, by: \.concernID)
        let now = clock.now
        return try concerns.map { record throws(CasebookError) in
            let concern = try record.decode(SafeguardingConcern.self)
            let raisedAt = record.createdAt.date
            return ConcernView(concern: concern, actions: (byConcern[concern.id] ?? []).sorted { ($0.on, $0.id) < ($1.on, $1.id) },
                               raisedAt: raisedAt,
                               escalated: ConcernWorkflow.needsEscalation(status: concern.status, raisedAt: raisedAt, now: now,
                                                                          hours: settings.concernEscalationHours))
        }.sorted { ($0.raisedAt, $0.concern.id) < ($1.raisedAt, $1.concern.id) }
    }

    /// Concerns in every case this device holds (the DSL holds every case), optionally one client's.
    /// Opening them is reading client records: training must be current (P10). Audited as reads.
    public func concerns(client: ClientID? = nil, includeClosed: Bool = true) throws(CasebookError) -> [ConcernView] {
        return try write("listing concerns") { db in
            try TrainingPolicy.requireCurrent(for: person, records: try organisationState(db).training, on: clock.today)
            if let client { try requireCaseAccess(db, client) }
            let views = try concernViews(db, client: client).filter { includeClosed || $0.concern.status != .closed }
            for view in views {
                try appendAudit(db, action: .read, recordType: .concern, recordID: view.concern.id, caseID: view.concern.clientID)
            }
            return views
        }
    }

    func concernRecord(_ db: Database, _ id: RecordID) throws -> SafeguardingConcern {
        guard let (caseID, type) = try caseOf(db, record: id), type == .concern else {
            throw CasebookError(.notFound, "no concern \(id)", hint: .list(.concerns))
        }
        try requireCaseAccess(db, caseID)
        guard let record = try mergedRecord(db, id: id) else { throw CasebookError(.notFound, "no concern \(id) that you can open") }
        return try record.decode(SafeguardingConcern.self)
    }

    func currentPerson(_ db: Database) throws -> Person {
        guard let me = try organisationState(db).person(person) else {
            throw CasebookError(.vaultCorrupt, "the vault holds no record of its owner")
        }
        return me
    }

    func updateConcern(_ db: Database, from old: SafeguardingConcern, to new: SafeguardingConcern) throws {
        let patch = FieldCoding.changes(from: try FieldCoding.fields(of: old), to: try FieldCoding.fields(of: new))
        try commit(db, [.init(record: new.id, type: .concern, caseID: new.clientID, fields: patch)], action: .update)
    }

    /// P8: the DSL acknowledges a concern (it stops showing as unacknowledged on every command).
    @discardableResult
    public func acknowledgeConcern(_ id: RecordID) throws(CasebookError) -> SafeguardingConcern {
        return try write("acknowledging a concern") { db in
            let old = try concernRecord(db, id)
            let new = try ConcernWorkflow.acknowledge(old, by: try currentPerson(db), on: clock.today)
            try updateConcern(db, from: old, to: new)
            return new
        }
    }

    /// P8: appends what was done (a referral, a call, a meeting) to a concern's history.
    @discardableResult
    public func recordConcernAction(_ id: RecordID, kind: String = "action", text: String) throws(CasebookError) -> ConcernAction {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw CasebookError(.invalidInput, "--text must say what was done") }
        let kindText = kind.trimmingCharacters(in: .whitespaces).lowercased()
        guard !kindText.isEmpty, kindText.count <= 40 else { throw CasebookError(.invalidInput, "--kind must be 1 to 40 characters") }
        return try write("recording a concern action") { db in
            let concern = try concernRecord(db, id)
            try ConcernWorkflow.requireCanRecordAction(on: concern)
            let action = ConcernAction(id: .random(), concernID: id, clientID: concern.clientID, by: person, on: clock.today,
                                       kind: kindText, text: trimmed)
            try commit(db, [.init(record: action.id, type: .concernAction, caseID: concern.clientID,
                                  fields: try FieldCoding.fields(of: action))], action: .create)
            return action
        }
    }

    /// P8: the DSL closes a concern with its outcome.
    @discardableResult
    public func closeConcern(_ id: RecordID, outcome: String) throws(CasebookError) -> SafeguardingConcern {
        return try write("closing a concern") { db in
            let old = try concernRecord(db, id)
            let new = try ConcernWorkflow.close(old, outcome: outcome, by: try currentPerson(db), on: clock.today)
            try updateConcern(db, from: old, to: new)
            return new
        }
    }

    /// Sets the deputy DSL and the escalation delay (administrators: these are organisation settings, and
    /// replicas accept settings revisions only from administrators).
    public func configureEscalation(deputy: PersonID?, hours: Int?) throws(CasebookError) {
        if let hours, !(1...168).contains(hours) {
            throw CasebookError(.invalidInput, "--escalation-hours must be 1 to 168")
        }
        try write("configuring escalation") { db in
            try requireRole(db, [.admin], to: "configure safeguarding escalation")
            let org = try organisationState(db)
            if let deputy {
                guard let person = org.person(deputy), person.active else { throw CasebookError(.notFound, "no active person \(deputy) in this vault") }
                guard person.has(.dsl) else {
                    throw CasebookError(.invalidInput, "the deputy must hold the dsl role (so that they receive every case key)")
                }
            }
            let old = org.settings
            var new = old
            if let deputy { new.deputyDSL = deputy }
            if let hours { new.concernEscalationHours = hours }
            let patch = FieldCoding.changes(from: try FieldCoding.fields(of: old), to: try FieldCoding.fields(of: new))
            guard !patch.isEmpty else { return }
            try commit(db, [.init(record: OrganisationSettings.recordID, type: .settings, caseID: .organisation, fields: patch)],
                       action: .update)
        }
    }

    /// P8 warnings shown on every command: to a DSL, every unacknowledged concern; to the deputy DSL,
    /// those unacknowledged for longer than the escalation hours. Ids and ages only, never content.
    public func safeguardingWarnings() throws(CasebookError) -> [String] {
        return try read("checking safeguarding concerns") { db in
            let org = try organisationState(db)
            guard let me = org.person(person), me.active else { return [] }
            let isDeputy = org.settings.deputyDSL == person
            guard me.has(.dsl) || isDeputy else { return [] }
            let open = try concernViews(db).filter { $0.concern.status == .open }
            let shown = isDeputy ? open.filter(\.escalated) : open
            return shown.map { view in
                let hours = Int(clock.now.timeIntervalSince(view.raisedAt) / 3600)
                let prefix = isDeputy ? "ESCALATED to you as deputy DSL: " : (view.escalated ? "ESCALATED: " : "")
                return "\(prefix)safeguarding concern \(Self.short(view.concern.id)) (\(view.concern.category.rawValue), client \(Self.short(view.concern.clientID)), raised \(hours)h ago) is not acknowledged; run 'casebook concern acknowledge \(Self.short(view.concern.id))'"
            }
        }
    }

    /// Whether a server is configured and when this vault last synced (`replica_settings.last_sync_at_ms`, written by `recordSyncCompleted`).
    public func connectivity() throws(CasebookError) -> ConnectivityState {
        return try read("reading the sync state") { db in
            let server = try Meta.get(db, .server)
            let last = try Int64.fetchOne(db, sql: "SELECT last_sync_at_ms FROM replica_settings WHERE id = 1")
            return ConnectivityState(serverConfigured: server != nil,
                                     lastSync: last.map { Date(timeIntervalSince1970: Double($0) / 1000) })
        }
    }
}

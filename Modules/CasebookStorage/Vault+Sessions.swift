import Synchronization
import Foundation
public import CasebookModels
public import CasebookRedaction
import GRDB

/// What redaction did to one field of a session note, for showing the practitioner.
public struct MaskedField: Sendable {
    public var field: String
    public var redactedText: String
    public var labels: [String: Int]
}

public struct SessionLogResult: Sendable {
    public var session: SessionRecord
    /// Fields in which identifying details were masked (empty when nothing was found).
    public var masked: [MaskedField]
}

/// A session with its amendments.
public struct SessionEntry: Sendable {
    public var session: SessionRecord
    public var amendments: [Amendment]
    public var policyVersion: String?
}

extension Vault {
    /// Known identifiers for redaction: the client's own, plus every other client's and person's names.
    func redactor(_ db: Database, for clientID: ClientID) throws -> Redactor {
        if let cached = cache.withLock({ $0.redactors[clientID] }) { return cached }
        let client = try client(db, clientID)
        var names = cache.withLock { $0.knownNames }
        if names == nil {
            var all = try organisationState(db).people.map(\.name)
            for record in try mergedRecords(db, type: .client) {
                let other = try record.decode(Client.self)
                all.append(other.name)
                all.append(contentsOf: other.related.map(\.name))
            }
            names = all
            cache.withLock { $0.knownNames = all }
        }
        let known = KnownIdentifiers(names: names ?? [], dates: client.bornOn.map { [$0.iso] } ?? [], contacts: client.contacts,
                                     people: client.knownPeople, terms: client.identifiers)
        let redactor = Redactor(known: known)
        cache.withLock { $0.redactors[clientID] = redactor }
        return redactor
    }

    /// P6: passes narrative text through redaction according to the organisation's setting.
    func redactNarrative(_ fields: [(String, String)], redactor: Redactor, policy: RedactionPolicy) throws -> ([String], [MaskedField]) {
        var texts: [String] = []
        var masked: [MaskedField] = []
        for (name, text) in fields {
            let result = redactor.redact(text)
            texts.append(result.text)
            if !result.spans.isEmpty {
                let labels = Dictionary(grouping: result.spans, by: \.label.rawValue).mapValues(\.count)
                masked.append(MaskedField(field: name, redactedText: result.text, labels: labels))
            }
        }
        if policy == .refuse, !masked.isEmpty {
            let summary = masked.map { field in
                "\(field.field): " + field.labels.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
            }.joined(separator: "; ")
            throw CasebookError(.identifyingDetails,
                "the note contains identifying details (\(summary)); rewrite it in general terms (the organisation refuses rather than masks)")
        }
        return (texts, masked)
    }

    /// Logs a session after the policy checks (P3, P4, P5) and redaction (P6).
    public func logSession(_ draft: SessionDraft) throws(CasebookError) -> SessionLogResult {
        return try write("logging a session") { db in try logSession(db, draft) }
    }

    /// Logs many sessions in one transaction (bulk import): each passes the same checks and
    /// redaction as `logSession`; any refusal rolls the whole batch back.
    public func logSessions(_ drafts: [SessionDraft]) throws(CasebookError) -> [SessionLogResult] {
        // Every draft is checked and redacted in order, then all are sealed and audited in one
        // `commit`, which looks the case key, device number, rule signers and audit head up once
        // instead of once per session (ADR 0031); the revisions and audit rows are the same.
        return try write("importing sessions") { db in
            let prepared = try drafts.map { try prepareSession(db, $0) }
            try commit(db, prepared.map(\.change), action: .create)
            return prepared.map(\.result)
        }
    }

    func logSession(_ db: Database, _ draft: SessionDraft) throws -> SessionLogResult {
        let prepared = try prepareSession(db, draft)
        try commit(db, [prepared.change], action: .create)
        return prepared.result
    }

    /// The checks (P3, P4, P5) and redaction (P6) of a session draft, and the change that logs it.
    func prepareSession(_ db: Database, _ draft: SessionDraft) throws -> (change: PendingChange, result: SessionLogResult) {
        try requireCaseAccess(db, draft.clientID)
        _ = try client(db, draft.clientID)
        let org = try organisationState(db)
        let consents = try consents(db, draft.clientID)
        let platform = try SessionPolicy.check(draft, consents: consents, settings: org.settings, today: clock.today)
        let (texts, masked) = try redactNarrative(
            [("topics", draft.topics), ("progress", draft.progress), ("follow-up", draft.followUp)],
            redactor: try redactor(db, for: draft.clientID), policy: org.settings.redaction)
        var counts: [String: Int] = [:]
        for field in masked { counts.merge(field.labels, uniquingKeysWith: +) }
        let session = SessionRecord(id: .random(), clientID: draft.clientID, practitioner: person, on: draft.on,
                                    minutes: draft.minutes, platform: platform, practitionerPrivate: true, clientPrivate: true,
                                    topics: texts[0], progress: texts[1], followUp: texts[2], masked: counts)
        return (PendingChange(record: session.id, type: .session, caseID: draft.clientID, fields: try FieldCoding.fields(of: session)),
                SessionLogResult(session: session, masked: masked))
    }

    /// Sessions of a client with their amendments, oldest first. Audited as a read of the case.
    public func sessions(client id: ClientID) throws(CasebookError) -> [SessionEntry] {
        return try write("listing sessions") { db in
            try requireCaseAccess(db, id)
            _ = try client(db, id)
            let amendments = try mergedRecords(db, caseID: id, type: .amendment).map { r throws(CasebookError) in try r.decode(Amendment.self) }
            let byID = Dictionary(grouping: amendments, by: \.sessionID)
            let all: [SessionEntry] = try mergedRecords(db, caseID: id, type: .session).map { record throws(CasebookError) in
                let session = try record.decode(SessionRecord.self)
                return SessionEntry(session: session, amendments: (byID[session.id] ?? []).sorted { $0.on < $1.on },
                                    policyVersion: record.policyVersion)
            }
            let entries = all.filter { (entry: SessionEntry) in entry.session.status != SessionStatus.discarded }
            try appendAudit(db, action: .read, recordType: .session, caseID: id)
            return entries.sorted { ($0.session.on, $0.session.id) < ($1.session.on, $1.session.id) }
        }
    }

    func sessionRecord(_ db: Database, _ id: RecordID) throws -> (SessionRecord, CaseID) {
        guard let (caseID, type) = try caseOf(db, record: id), type == .session else {
            throw CasebookError(.notFound, "no session \(id)", hint: .list(.sessions))
        }
        try requireCaseAccess(db, caseID)
        guard let record = try mergedRecord(db, id: id) else {
            throw CasebookError(.notFound, "no session \(id) that you can read")
        }
        return (try record.decode(SessionRecord.self), caseID)
    }

    /// Finalises a draft: from then on it is never edited, only amended.
    @discardableResult
    public func finaliseSession(_ id: RecordID) throws(CasebookError) -> SessionRecord {
        return try write("finalising a session") { db in
            var (session, caseID) = try sessionRecord(db, id)
            if session.status == .discarded { throw CasebookError(.finalised, "session \(Self.short(id)) was discarded") }
            guard session.status == .draft else {
                throw CasebookError(.finalised, "session \(id) is already finalised", hint: .amendSession(id))
            }
            session.status = .finalised
            // The finalising revision carries the whole note (ADR 0012): the merge takes it as
            // the final state, so no revision stamped before it can rewrite a field.
            try commit(db, [.init(record: id, type: .session, caseID: caseID,
                                  fields: try FieldCoding.fields(of: session))], action: .update)
            return session
        }
    }

    /// Adds an amendment linked to a session. The text passes through redaction like the note.
    public func amendSession(_ id: RecordID, text: String) throws(CasebookError) -> (Amendment, [MaskedField]) {
        guard !text.allSatisfy(\.isWhitespace) else { throw CasebookError(.invalidInput, "--text must not be empty") }
        return try write("amending a session") { db in
            let (session, caseID) = try sessionRecord(db, id)
            if session.status == .discarded { throw CasebookError(.finalised, "session \(Self.short(id)) was discarded; there is nothing to amend") }
            let org = try organisationState(db)
            let (texts, masked) = try redactNarrative([("text", text)], redactor: try redactor(db, for: session.clientID),
                                                      policy: org.settings.redaction)
            let amendment = Amendment(id: .random(), sessionID: id, clientID: caseID, text: texts[0], author: person, on: clock.today)
            try commit(db, [.init(record: amendment.id, type: .amendment, caseID: caseID,
                                  fields: try FieldCoding.fields(of: amendment))], action: .create)
            return (amendment, masked)
        }
    }
}

extension Vault {
    /// A client's known identifiers (for `casebook redact --client`). Audited as a read of the case.
    public func knownIdentifiers(for id: ClientID) throws(CasebookError) -> KnownIdentifiers {
        return try write("reading a client's identifiers") { db in
            try requireCaseAccess(db, id)
            let client = try client(db, id)
            try appendAudit(db, action: .read, recordType: .client, recordID: id.clientRecordID, caseID: id)
            return KnownIdentifiers(dates: client.bornOn.map { [$0.iso] } ?? [], contacts: client.contacts,
                                    people: client.knownPeople, terms: client.identifiers)
        }
    }
}

public import CasebookModels
import Foundation
import GRDB

/// Drafts are the practitioner's own until finalised (issue 13): edited as often as needed,
/// discarded if not wanted. A finalised note is only ever amended. The rulebook (ADR 0012) holds
/// the same line on every replica: only the session's practitioner changes a draft, and a
/// finalised or discarded session never changes.
extension Vault {
    /// Replaces a draft's date, duration, platform and text after the same checks and redaction
    /// as `logSession` (P3–P6). Only the draft's own practitioner may edit it.
    public func editDraft(_ id: RecordID, to draft: SessionDraft) throws(CasebookError) -> SessionLogResult {
        return try write("editing a draft") { db in
            let (current, caseID) = try ownDraft(db, id, doing: "edit")
            guard draft.clientID == caseID else {
                throw CasebookError(.invalidInput, "a draft stays with its client; log a new session for another client")
            }
            let org = try organisationState(db)
            let platform = try SessionPolicy.check(draft, consents: try consents(db, caseID), settings: org.settings, today: clock.today)
            let (texts, masked) = try redactNarrative(
                [("topics", draft.topics), ("progress", draft.progress), ("follow-up", draft.followUp)],
                redactor: try redactor(db, for: caseID), policy: org.settings.redaction)
            var counts: [String: Int] = [:]
            for field in masked { counts.merge(field.labels, uniquingKeysWith: +) }
            var edited = current
            edited.on = draft.on
            edited.minutes = draft.minutes
            edited.platform = platform
            edited.topics = texts[0]
            edited.progress = texts[1]
            edited.followUp = texts[2]
            edited.masked = counts
            let patch = FieldCoding.changes(from: try FieldCoding.fields(of: current), to: try FieldCoding.fields(of: edited))
            if !patch.isEmpty {
                try commit(db, [.init(record: id, type: .session, caseID: caseID, fields: patch)], action: .update)
            }
            return SessionLogResult(session: edited, masked: masked)
        }
    }

    /// Discards a draft: its text is cleared and it leaves every list. Only its practitioner may.
    @discardableResult
    public func discardDraft(_ id: RecordID) throws(CasebookError) -> SessionRecord {
        return try write("discarding a draft") { db in
            let (current, caseID) = try ownDraft(db, id, doing: "discard")
            var discarded = current
            discarded.status = .discarded
            discarded.topics = ""
            discarded.progress = ""
            discarded.followUp = ""
            discarded.masked = [:]
            let patch = FieldCoding.changes(from: try FieldCoding.fields(of: current), to: try FieldCoding.fields(of: discarded))
            try commit(db, [.init(record: id, type: .session, caseID: caseID, fields: patch)], action: .update)
            return discarded
        }
    }

    /// Runs every check `logSession` runs before the text (consent, platform, both
    /// confidentiality confirmations, training, access) without writing anything, so a note is
    /// not written in an editor only to be refused afterwards.
    public func precheckSession(_ draft: SessionDraft) throws(CasebookError) {
        var draft = draft  // the text is not written yet: stand-ins let the other checks run
        if draft.topics.isEmpty { draft.topics = "-" }
        if draft.progress.isEmpty { draft.progress = "-" }
        if draft.followUp.isEmpty { draft.followUp = "-" }
        try read("checking the session") { db in
            try requireCaseAccess(db, draft.clientID)
            _ = try SessionPolicy.check(draft, consents: try consents(db, draft.clientID),
                                        settings: try organisationState(db).settings, today: clock.today)
        }
    }

    /// The duration of this practitioner's most recent session, to prefill the next note.
    public func lastSessionMinutes() -> Int? {
        try? read("reading sessions") { db in
            try mergedRecords(db, type: .session).compactMap { try? $0.decode(SessionRecord.self) }
                .filter { $0.practitioner == person && $0.status != .discarded }.max { ($0.on, $0.id) < ($1.on, $1.id) }?.minutes
        }
    }

    private func ownDraft(_ db: Database, _ id: RecordID, doing action: String) throws -> (SessionRecord, CaseID) {
        let (session, caseID) = try sessionRecord(db, id)
        switch session.status {
        case .finalised:
            throw CasebookError(.finalised, "session \(Self.short(id)) is finalised; correct it with an amendment")
        case .discarded:
            throw CasebookError(.finalised, "session \(Self.short(id)) was discarded")
        case .draft:
            break
        }
        guard session.practitioner == person else {
            throw CasebookError(.notAuthorised, "session \(Self.short(id)) is another practitioner's draft; only they may \(action) it")
        }
        return (session, caseID)
    }

    /// Sessions across every case this device holds, newest first, with filters for "my sessions
    /// this week" and "my unfinished drafts". Discarded drafts are left out. Each case listed is
    /// audited as read.
    public func sessions(mine: Bool, since: LocalDate?, draftsOnly: Bool) throws(CasebookError) -> [SessionEntry] {
        return try write("listing sessions") { db in
            try TrainingPolicy.requireCurrent(for: person, records: try organisationState(db).training, on: clock.today)
            var entries: [SessionEntry] = []
            var cases: Set<CaseID> = []
            for record in try mergedRecords(db, type: .session) where try holdsKey(db, for: record.caseID) {
                let session = try record.decode(SessionRecord.self)
                guard session.status != .discarded, !mine || session.practitioner == person,
                      !draftsOnly || session.status == .draft, since.map({ session.on >= $0 }) ?? true else { continue }
                entries.append(SessionEntry(session: session, amendments: [], policyVersion: record.policyVersion))
                cases.insert(record.caseID)
            }
            for caseID in cases.sorted() { try appendAudit(db, action: .read, recordType: .session, caseID: caseID) }
            return entries.sorted { ($0.session.on, $0.session.id) > ($1.session.on, $1.session.id) }
        }
    }
}

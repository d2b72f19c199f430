/// What the sync server needs to know about one person's training (P10): for each required
/// course, the last day it is valid; a course not listed is missing. Staff data (a person id and
/// dates), never client content. The training records themselves stay in the encrypted
/// organisation case; an administrator's replica derives this summary and sends it to the server.
public struct TrainingSummary: Hashable, Sendable {
    public var person: PersonID
    public var validUntil: [TrainingCourse: LocalDate]

    public init(person: PersonID, validUntil: [TrainingCourse: LocalDate] = [:]) {
        self.person = person
        self.validUntil = validUntil
    }

    /// The summary of a person's records as of `today`: per course, the latest expiry among the
    /// courses completed on or before `today` (a record dated later counts once its day comes).
    public init(person: PersonID, records: [TrainingRecord], on today: LocalDate) {
        var latest: [TrainingCourse: LocalDate] = [:]
        for record in records where record.person == person && record.completedOn <= today {
            if latest[record.course].map({ $0 < record.expiresOn }) ?? true { latest[record.course] = record.expiresOn }
        }
        self.init(person: person, validUntil: latest)
    }

    /// Required courses (`TrainingCourse.allCases`) missing or expired on `today`.
    public func missingCourses(on today: LocalDate) -> [TrainingCourse] {
        TrainingCourse.allCases.filter { course in validUntil[course].map { today > $0 } ?? true }
    }

    /// A stable text form (`confidentiality=2027-01-31,data-protection=`), used by a replica to
    /// remember what the server was last told.
    public var fingerprint: String {
        TrainingCourse.allCases.map { "\($0.rawValue)=\(validUntil[$0]?.iso ?? "")" }.joined(separator: ",")
    }
}

extension TrainingPolicy {
    /// P10 applied to sharing: a client's records are granted only to a person whose required
    /// training is current on `today` (the DSL and administrators included: a grant names a person).
    /// Refused with `releaseRefused`: granting a case releases the client's records to that person.
    public static func requireGrantable(to grantee: PersonID, records: [TrainingRecord], on today: LocalDate) throws(CasebookError) {
        let missing = missingCourses(for: grantee, records: records, on: today)
        guard missing.isEmpty else { throw grantRefusal(grantee, missing: missing, on: today, where: "this vault's training records") }
    }

    /// The refusal the client and the server give when a grantee's training is not current.
    public static func grantRefusal(_ grantee: PersonID, missing: [TrainingCourse], on today: LocalDate, where source: String,
                                    code: CasebookError.Code = .releaseRefused) -> CasebookError {
        let names = missing.map(\.title).joined(separator: " and ")
        return CasebookError(code,
            "refused: person \(grantee) has no current \(names) training on \(today) (per \(source)); an administrator records it with 'casebook training record --person \(grantee) --course \(missing[0].rawValue) --completed YYYY-MM-DD' and syncs")
    }
}

/// The sync server's training gate (P10), pure: shared by the HTTP server and the in-memory one.
///
/// - Not engaged until the organisation has published a training summary for anyone (`published`
///   false): a server that has never been told about training cannot tell "untrained" from
///   "not reported yet". The administrator's replica publishes at its first sync after recording
///   training; from then on a person without a summary is untrained.
/// - A grant names a person: refused unless their required courses are current on the server's date.
/// - A new wrapped key: refused for a person whose training is not current, unless the key is the
///   organisation case's, addressed to the recovery key (no person's device), to a DSL (who receives every
///   case: safeguarding must never wait on training records; their own replica still enforces P10),
///   or to a person who already reads the case (holds a key of it, or created it): rotations and
///   their new devices are never blocked by the gate.
public enum TrainingGate {
    public static func refusal(for person: PersonID, summary: TrainingSummary?, published: Bool,
                               on today: LocalDate) -> CasebookError? {
        guard published else { return nil }
        let missing = (summary ?? TrainingSummary(person: person)).missingCourses(on: today)
        guard !missing.isEmpty else { return nil }
        return TrainingPolicy.grantRefusal(person, missing: missing, on: today, where: "the sync server's training summary",
                                           code: .trainingMissing)
    }

    /// Whether a new wrapped key needs its recipient's training to be current. `recipientRole` is
    /// nil when the key is addressed to no registered person's device (the organisation recovery key).
    public static func keyNeedsTraining(caseID: CaseID, recipientRole: Role?, alreadyReads: Bool) -> Bool {
        guard caseID != .organisation, let recipientRole else { return false }
        return recipientRole != .dsl && !alreadyReads
    }
}

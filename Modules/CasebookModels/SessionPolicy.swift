/// What a practitioner submits to log a session, before redaction.
public struct SessionDraft: Sendable {
    public var clientID: ClientID
    public var on: LocalDate
    public var minutes: Int
    public var platform: String
    public var practitionerPrivate: Bool
    public var clientPrivate: Bool
    public var topics: String
    public var progress: String
    public var followUp: String

    public init(clientID: ClientID, on: LocalDate, minutes: Int, platform: String, practitionerPrivate: Bool,
                clientPrivate: Bool, topics: String, progress: String, followUp: String) {
        self.clientID = clientID
        self.on = on
        self.minutes = minutes
        self.platform = platform
        self.practitionerPrivate = practitionerPrivate
        self.clientPrivate = clientPrivate
        self.topics = topics
        self.progress = progress
        self.followUp = followUp
    }
}

/// The policy rules a session must satisfy before it is stored (P3, P4, P5, and the P6 fields).
/// Pure: callers pass in everything the rules look at.
public enum SessionPolicy {
    public static let maximumMinutes = 8 * 60

    /// Checks the draft and returns the canonical platform name from the approved list.
    public static func check(_ draft: SessionDraft, consents: [ConsentRecord], settings: OrganisationSettings,
                             today: LocalDate) throws(CasebookError) -> String {
        // P3: a signed informed-consent form, with the limits of confidentiality acknowledged.
        let signed = consents.filter { $0.clientID == draft.clientID && $0.signedOn <= draft.on && $0.limitsAcknowledged }
        guard !signed.isEmpty else {
            let any = consents.contains { $0.clientID == draft.clientID }
            throw CasebookError(.consentMissing, any
                ? "client \(draft.clientID) has no consent form signed on or before \(draft.on) acknowledging the limits of confidentiality"
                : "client \(draft.clientID) has no signed consent form, which a session needs first", hint: .recordConsent)
        }
        // P4: approved platforms only.
        guard let platform = settings.approvedPlatform(named: draft.platform) else {
            throw CasebookError(.platformNotApproved,
                "platform is not on the organisation's approved list; approved platforms: \(settings.approvedPlatforms.joined(separator: ", "))")
        }
        // P5: confidential environment on both sides.
        var missing: [String] = []
        if !draft.practitionerPrivate { missing.append("--practitioner-private (you were in a confidential location)") }
        if !draft.clientPrivate { missing.append("--client-private (the client was encouraged to use a private space)") }
        guard missing.isEmpty else {
            throw CasebookError(.environmentNotConfirmed, "confirm the confidential environment: \(missing.joined(separator: " and "))")
        }
        // P6: date, duration and the three narrative fields.
        guard (1...maximumMinutes).contains(draft.minutes) else {
            throw CasebookError(.invalidInput, "--minutes must be between 1 and \(maximumMinutes)")
        }
        guard draft.on <= today else {
            throw CasebookError(.invalidInput, "--on \(draft.on) is in the future; log sessions after they happen")
        }
        for (name, value) in [("--topics", draft.topics), ("--progress", draft.progress), ("--follow-up", draft.followUp)]
        where value.allSatisfy(\.isWhitespace) {
            throw CasebookError(.invalidInput, "\(name) must not be empty")
        }
        return platform
    }
}

/// P10: who may open client records.
public enum TrainingPolicy {
    /// Courses that are missing or expired for a person on a date.
    public static func missingCourses(for person: PersonID, records: [TrainingRecord], on today: LocalDate) -> [TrainingCourse] {
        TrainingCourse.allCases.filter { course in
            !records.contains { $0.person == person && $0.course == course && $0.completedOn <= today && today <= $0.expiresOn }
        }
    }

    public static func requireCurrent(for person: PersonID, records: [TrainingRecord], on today: LocalDate) throws(CasebookError) {
        let missing = missingCourses(for: person, records: records, on: today)
        guard missing.isEmpty else {
            let names = missing.map(\.title).joined(separator: " and ")
            throw CasebookError(.trainingMissing,
                "client records are closed to you: your \(names) training is missing or expired",
                hint: .recordTraining(person: nil, course: missing[0]))
        }
    }

    /// Courses that expire within `days` of `today` (or already have).
    public static func dueSoon(for person: PersonID, records: [TrainingRecord], on today: LocalDate, within days: Int) -> [TrainingCourse] {
        TrainingCourse.allCases.filter { course in
            let latest = records.filter { $0.person == person && $0.course == course }.map(\.expiresOn).max()
            guard let latest else { return true }
            return today.days(until: latest) <= days
        }
    }
}

/// A session note is a draft until finalised; a draft its practitioner no longer wants is
/// discarded (its text is cleared; the record stays, as every record does). Both ends are final.
public enum SessionStatus: String, Hashable, Codable, Sendable { case draft, finalised, discarded }

/// A mentoring or counselling session (policy 3.1). Topics, progress and follow-up have passed
/// through redaction before they reach this type on the way to storage.
public struct SessionRecord: Hashable, Codable, Sendable {
    public var id: RecordID
    public var clientID: ClientID
    public var practitioner: PersonID
    public var on: LocalDate
    public var minutes: Int
    public var platform: String
    /// P5: the practitioner was in a confidential location.
    public var practitionerPrivate: Bool
    /// P5: the client was encouraged to use a private space.
    public var clientPrivate: Bool
    public var topics: String
    public var progress: String
    public var followUp: String
    public var status: SessionStatus
    /// Counts of masked identifiers by label (never the masked text).
    public var masked: [String: Int]

    public init(id: RecordID, clientID: ClientID, practitioner: PersonID, on: LocalDate, minutes: Int, platform: String,
                practitionerPrivate: Bool, clientPrivate: Bool, topics: String, progress: String, followUp: String,
                status: SessionStatus = .draft, masked: [String: Int] = [:]) {
        self.id = id
        self.clientID = clientID
        self.practitioner = practitioner
        self.on = on
        self.minutes = minutes
        self.platform = platform
        self.practitionerPrivate = practitionerPrivate
        self.clientPrivate = clientPrivate
        self.topics = topics
        self.progress = progress
        self.followUp = followUp
        self.status = status
        self.masked = masked
    }
}

extension SessionRecord {
    /// Every stored field: a finalising revision carries them all (see `RecordMerge`).
    public static let fieldNames = ["id", "clientID", "practitioner", "on", "minutes", "platform", "practitionerPrivate",
                                    "clientPrivate", "topics", "progress", "followUp", "status", "masked"]
}

extension SessionRecord: CustomStringConvertible, CustomDebugStringConvertible {
    public var description: String { "SessionRecord(\(id), \(on), \(minutes) min, \(status.rawValue), <redacted>)" }
    public var debugDescription: String { description }
}

/// A correction to a finalised session record. Append-only: never edited once written.
public struct Amendment: Hashable, Codable, Sendable {
    public var id: RecordID
    public var sessionID: RecordID
    public var clientID: ClientID
    public var text: String
    public var author: PersonID
    public var on: LocalDate

    public init(id: RecordID, sessionID: RecordID, clientID: ClientID, text: String, author: PersonID, on: LocalDate) {
        self.id = id
        self.sessionID = sessionID
        self.clientID = clientID
        self.text = text
        self.author = author
        self.on = on
    }
}

extension Amendment: CustomStringConvertible {
    public var description: String { "Amendment(\(id) of \(sessionID), <redacted>)" }
}

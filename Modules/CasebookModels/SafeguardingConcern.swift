/// P8: the categories the law requires a practitioner to report.
public enum ConcernCategory: String, Hashable, Codable, Sendable, CaseIterable {
    case riskToSelf = "risk-to-self"
    case riskToOthers = "risk-to-others"
    case abuseOrNeglect = "abuse-or-neglect"
    case threatToLife = "threat-to-life"
}

public enum ConcernStatus: String, Hashable, Codable, Sendable, CaseIterable {
    case open, acknowledged, closed
}

/// A safeguarding concern, escalated to the Designated Safeguarding Lead and tracked to an outcome.
/// Never blocked by a withdrawn consent.
public struct SafeguardingConcern: Hashable, Codable, Sendable {
    public var id: RecordID
    public var clientID: ClientID
    public var category: ConcernCategory
    public var details: String
    public var sessionID: RecordID?
    public var raisedBy: PersonID
    public var raisedOn: LocalDate
    public var clientViews: String?
    public var status: ConcernStatus
    public var acknowledgedBy: PersonID?
    public var outcome: String?
    // Added by the safeguarding issue (optional, so records written before decode).
    public var acknowledgedOn: LocalDate?
    public var closedBy: PersonID?
    public var closedOn: LocalDate?

    public init(id: RecordID, clientID: ClientID, category: ConcernCategory, details: String, sessionID: RecordID? = nil,
                raisedBy: PersonID, raisedOn: LocalDate, clientViews: String? = nil, status: ConcernStatus = .open,
                acknowledgedBy: PersonID? = nil, outcome: String? = nil, acknowledgedOn: LocalDate? = nil,
                closedBy: PersonID? = nil, closedOn: LocalDate? = nil) {
        self.id = id
        self.clientID = clientID
        self.category = category
        self.details = details
        self.sessionID = sessionID
        self.raisedBy = raisedBy
        self.raisedOn = raisedOn
        self.clientViews = clientViews
        self.status = status
        self.acknowledgedBy = acknowledgedBy
        self.outcome = outcome
        self.acknowledgedOn = acknowledgedOn
        self.closedBy = closedBy
        self.closedOn = closedOn
    }
}

extension SafeguardingConcern: CustomStringConvertible {
    public var description: String { "SafeguardingConcern(\(id), \(category.rawValue), \(status.rawValue), <redacted>)" }
}

/// An action taken on a concern (append-only history).
public struct ConcernAction: Hashable, Codable, Sendable {
    public var id: RecordID
    public var concernID: RecordID
    public var clientID: ClientID
    public var by: PersonID
    public var on: LocalDate
    public var kind: String
    public var text: String

    public init(id: RecordID, concernID: RecordID, clientID: ClientID, by: PersonID, on: LocalDate, kind: String, text: String) {
        self.id = id
        self.concernID = concernID
        self.clientID = clientID
        self.by = by
        self.on = on
        self.kind = kind
        self.text = text
    }
}

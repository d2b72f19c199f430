public enum AccessRequestStatus: String, Hashable, Codable, Sendable { case open, answered, closed }

/// A subject-access request (P11) with the dates its legal deadline runs from.
public struct AccessRequest: Hashable, Codable, Sendable {
    public var id: RecordID
    public var clientID: ClientID
    public var receivedOn: LocalDate
    public var identityVerifiedOn: LocalDate?
    public var extended: Bool
    public var extensionReason: String?
    public var status: AccessRequestStatus
    public var answeredOn: LocalDate?

    public init(id: RecordID, clientID: ClientID, receivedOn: LocalDate, identityVerifiedOn: LocalDate? = nil,
                extended: Bool = false, extensionReason: String? = nil, status: AccessRequestStatus = .open,
                answeredOn: LocalDate? = nil) {
        self.id = id
        self.clientID = clientID
        self.receivedOn = receivedOn
        self.identityVerifiedOn = identityVerifiedOn
        self.extended = extended
        self.extensionReason = extensionReason
        self.status = status
        self.answeredOn = answeredOn
    }

    /// The clock starts at the later of receipt and identity verification.
    public var clockStarts: LocalDate { max(receivedOn, identityVerifiedOn ?? receivedOn) }
    /// One calendar month (same day number, else the month's last day).
    public var originalDeadline: LocalDate { clockStarts.addingMonths(1) }
    /// Extended by two further months for complex or numerous requests, counted from the original
    /// deadline (31 Jan → 28 Feb → 28 Apr): never later than three months from the start, so never
    /// past the legal limit. Same rule as `CasebookExport.SubjectAccessDeadline`.
    public var deadline: LocalDate { extended ? originalDeadline.addingMonths(2) : originalDeadline }
    /// When extended, the requester must be told within the first month.
    public var tellRequesterBy: LocalDate? { extended ? originalDeadline : nil }

    public func daysLeft(on today: LocalDate) -> Int { today.days(until: deadline) }
    /// Warn when within seven days of the deadline or past it.
    public func needsWarning(on today: LocalDate) -> Bool { status == .open && daysLeft(on: today) <= 7 }
}

/// The confidentiality policy in force (P13). Records carry the version in force when written.
public struct PolicyVersion: Hashable, Codable, Sendable {
    public var id: RecordID
    public var version: String
    public var adoptedOn: LocalDate
    public var reviewDue: LocalDate

    public init(id: RecordID, version: String, adoptedOn: LocalDate, reviewDue: LocalDate? = nil) {
        self.id = id
        self.version = version
        self.adoptedOn = adoptedOn
        self.reviewDue = reviewDue ?? adoptedOn.addingYears(1)
    }

    public func isReviewOverdue(on today: LocalDate) -> Bool { today > reviewDue }

    /// The version in force on a date: the latest adopted on or before it.
    public static func inForce(_ versions: [PolicyVersion], on today: LocalDate) -> PolicyVersion? {
        versions.filter { $0.adoptedOn <= today }.max { ($0.adoptedOn, $0.version) < ($1.adoptedOn, $1.version) }
    }
}

/// Why destruction of a case is on hold.
public enum RetentionHoldReason: String, Hashable, Codable, Sendable, CaseIterable {
    case safeguarding, litigation
}

/// A hold on a case's destruction (retention-hold record in the client's case). A hold stops the
/// retention rule until it is lifted.
public struct RetentionHold: Hashable, Codable, Sendable {
    public var id: RecordID
    public var clientID: ClientID
    public var reason: RetentionHoldReason
    public var placedBy: PersonID
    public var placedOn: LocalDate
    public var liftedBy: PersonID?
    public var liftedOn: LocalDate?

    public init(id: RecordID, clientID: ClientID, reason: RetentionHoldReason, placedBy: PersonID, placedOn: LocalDate,
                liftedBy: PersonID? = nil, liftedOn: LocalDate? = nil) {
        self.id = id
        self.clientID = clientID
        self.reason = reason
        self.placedBy = placedBy
        self.placedOn = placedOn
        self.liftedBy = liftedBy
        self.liftedOn = liftedOn
    }

    public var isActive: Bool { liftedOn == nil }
}

/// Where a case stands against its retention rule.
public enum RetentionStatus: Hashable, Sendable {
    /// Keep until the day before `dueOn`.
    case retain(dueOn: LocalDate)
    /// Destruction has been due since `dueOn`.
    case due(dueOn: LocalDate)
    /// Due or not, active holds stop destruction.
    case held(dueOn: LocalDate, reasons: [RetentionHoldReason])

    public var dueOn: LocalDate {
        switch self { case .retain(let d), .due(let d), .held(let d, _): d }
    }

    public var label: String {
        switch self { case .retain: "retain"; case .due: "due"; case .held: "held" }
    }
}

/// How long counselling records are kept (UK practice, CLAUSES.md): seven years after the last
/// contact for adults; for a child (under 18 at the last contact) until their 25th birthday, or their
/// 26th if they were 17 at the last contact. Pure.
///
/// Anniversaries of 29 February fall on 1 March in common years (as a UK birthday does), so the
/// rule never makes a case due a day early.
public enum RetentionRule {
    public static let adultYears = 7

    /// `date` plus whole years; 29 February rolls forward to 1 March in a common year.
    public static func anniversary(of date: LocalDate, years: Int) -> LocalDate {
        let target = date.year + years
        if date.month == 2, date.day == 29, !LocalDate.isLeap(target) {
            return LocalDate(year: target, month: 3, day: 1) ?? date.addingYears(years)
        }
        return LocalDate(year: target, month: date.month, day: date.day) ?? date.addingYears(years)
    }

    /// The first day on which the case may be destroyed. An unknown date of birth is treated as an
    /// adult (the caller flags it: see `RetentionItem.bornOnUnknown`).
    public static func dueOn(bornOn: LocalDate?, lastContact: LocalDate) -> LocalDate {
        guard let bornOn else { return anniversary(of: lastContact, years: adultYears) }
        let age = bornOn.age(on: lastContact)
        if age >= 18 { return anniversary(of: lastContact, years: adultYears) }
        return anniversary(of: bornOn, years: age == 17 ? 26 : 25)
    }

    public static func status(bornOn: LocalDate?, lastContact: LocalDate, holds: [RetentionHold], on today: LocalDate) -> RetentionStatus {
        let due = dueOn(bornOn: bornOn, lastContact: lastContact)
        let active = holds.filter(\.isActive).map(\.reason)
        if !active.isEmpty { return .held(dueOn: due, reasons: Array(Set(active)).sorted { $0.rawValue < $1.rawValue }) }
        return today >= due ? .due(dueOn: due) : .retain(dueOn: due)
    }
}

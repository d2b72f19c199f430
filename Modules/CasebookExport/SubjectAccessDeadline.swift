// SubjectAccessDeadline: the legal deadline of a subject-access request (UK GDPR Art. 12(3), ICO guidance).
// Pure: no clock, no I/O; "today" is always passed in.

public import CasebookModels

/// The deadline of one subject-access request.
///
/// Rules (docs/export.md, "Deadlines"):
/// - the clock starts on the later of the day the request was received and the day the requester's
///   identity was verified;
/// - the response is due one calendar month later: the same day number in the next month, or that
///   month's last day when it has no such day (31 January → 28 or 29 February);
/// - an extension adds two further months counted from the original deadline (same clamping). This
///   never falls after "three months from the start", so it is the safe reading of "a further two
///   months"; the requester must be told of the extension by the original deadline;
/// - a warning is due when 7 or fewer days are left, or the deadline has passed.
public struct SubjectAccessDeadline: Hashable, Sendable, Codable {
    public static let warningDays = 7

    public var received: LocalDate
    public var identityVerified: LocalDate?
    public var isExtended: Bool

    public init(received: LocalDate, identityVerified: LocalDate? = nil, isExtended: Bool = false) {
        self.received = received
        self.identityVerified = identityVerified
        self.isExtended = isExtended
    }

    /// The deadline of a recorded request.
    public init(_ request: AccessRequest) {
        self.init(received: request.receivedOn, identityVerified: request.identityVerifiedOn, isExtended: request.extended)
    }

    /// The day the one-month period starts from.
    public var startsOn: LocalDate { max(received, identityVerified ?? received) }

    /// One calendar month from the start.
    public var original: LocalDate { startsOn.addingMonths(1) }

    /// The deadline in force: the original, or two further months after it when extended.
    public var due: LocalDate { isExtended ? original.addingMonths(2) : original }

    /// When extended, the requester must be told (with the reasons) by this day: the original deadline.
    public var mustTellRequesterBy: LocalDate? { isExtended ? original : nil }

    /// The same request with the two-month extension applied (idempotent).
    public func extended() -> SubjectAccessDeadline {
        var copy = self
        copy.isExtended = true
        return copy
    }

    /// Days from `today` to the deadline: 0 on the day itself, negative once overdue.
    public func daysLeft(today: LocalDate) -> Int {
        today.days(until: due)
    }

    public func isOverdue(today: LocalDate) -> Bool {
        daysLeft(today: today) < 0
    }

    /// True when 7 or fewer days are left, or the deadline has passed: every command then warns.
    public func needsWarning(today: LocalDate) -> Bool {
        daysLeft(today: today) <= Self.warningDays
    }
}

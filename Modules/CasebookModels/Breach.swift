public import Foundation

/// Why a device left the organisation. `lost` and `stolen` are personal-data breaches (UK GDPR
/// Art. 33) until assessed otherwise; `retired` (a leaver's laptop handed back) is not.
public enum DeviceRemovalReason: String, Hashable, Codable, Sendable, CaseIterable {
    case lost, stolen, retired

    /// Whether removing a device for this reason opens a breach record.
    public var opensBreach: Bool { self != .retired }
}

public enum BreachStatus: String, Hashable, Codable, Sendable, CaseIterable {
    /// The 72-hour clock is running: neither reported nor assessed.
    case open
    /// Reported to the ICO (with the ICO's reference).
    case reported
    /// Assessed as unlikely to result in a risk to people's rights and freedoms (Art. 33(1)), with the reason.
    case noRisk = "no-risk"
}

/// A personal-data breach opened by removing a lost or stolen device (ADR 0022). An organisation
/// record: it names a device, people (staff) and times, never a client or client content.
public struct BreachRecord: Hashable, Codable, Sendable {
    /// Art. 33(1): report to the supervisory authority within 72 hours of becoming aware.
    public static let reportingWindow: TimeInterval = 72 * 3600

    public var id: RecordID
    public var device: DeviceID
    /// Whose device it was, when known.
    public var devicePerson: PersonID?
    public var cause: DeviceRemovalReason
    public var openedBy: PersonID
    /// When the organisation became aware (the removal): the clock starts here.
    public var openedAt: Date
    public var deadline: Date
    public var status: BreachStatus
    public var decidedBy: PersonID?
    public var decidedAt: Date?
    /// The ICO's reference, when reported.
    public var reference: String?
    /// Why no report is needed, when assessed as no risk (no client content: say what, not whose).
    public var assessment: String?

    public init(id: RecordID, device: DeviceID, devicePerson: PersonID?, cause: DeviceRemovalReason, openedBy: PersonID, openedAt: Date) {
        self.id = id
        self.device = device
        self.devicePerson = devicePerson
        self.cause = cause
        self.openedBy = openedBy
        self.openedAt = openedAt
        self.deadline = openedAt.addingTimeInterval(Self.reportingWindow)
        self.status = .open
    }

    /// Whole hours left until the deadline (whole hours past it, negative, once it has passed).
    public func hoursLeft(at now: Date) -> Int {
        let seconds = deadline.timeIntervalSince(now)
        return Int((seconds / 3600).rounded(.towardZero))
    }

    public func isOverdue(at now: Date) -> Bool { status == .open && now > deadline }
}

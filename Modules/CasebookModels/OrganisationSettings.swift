import Foundation

public enum RedactionPolicy: String, Hashable, Codable, Sendable {
    /// Identifying details are masked and the practitioner is shown what was masked.
    case mask
    /// A note containing identifying details is refused; the practitioner rewrites it.
    case refuse
}

/// Organisation-wide settings, one record in the organisation case.
public struct OrganisationSettings: Hashable, Codable, Sendable {
    public static let recordID = RecordID(rawValue: "settings")

    public var organisationName: String
    /// P4: platforms sessions may be held on.
    public var approvedPlatforms: [String]
    public var redaction: RedactionPolicy
    public var trainingValidityMonths: Int
    /// Designated Safeguarding Lead's contact details, shown when a concern is raised offline.
    public var dslContact: String
    /// An unacknowledged concern older than this is escalated to the deputy.
    public var concernEscalationHours: Int
    /// The deputy DSL: unacknowledged concerns older than `concernEscalationHours` are shown to them.
    /// Must hold the dsl role (so that they are a recipient of every case key).
    public var deputyDSL: PersonID?

    public init(organisationName: String = "Casebook organisation", approvedPlatforms: [String] = ["Microsoft Teams"],
                redaction: RedactionPolicy = .mask, trainingValidityMonths: Int = 12,
                dslContact: String = "Ask your administrator to set the DSL's contact details",
                concernEscalationHours: Int = 24, deputyDSL: PersonID? = nil) {
        self.organisationName = organisationName
        self.approvedPlatforms = approvedPlatforms
        self.redaction = redaction
        self.trainingValidityMonths = trainingValidityMonths
        self.dslContact = dslContact
        self.concernEscalationHours = concernEscalationHours
        self.deputyDSL = deputyDSL
    }

    /// The approved platform matching `name`, compared without case or surrounding space.
    public func approvedPlatform(named name: String) -> String? {
        let wanted = name.trimmingCharacters(in: .whitespaces).lowercased()
        return approvedPlatforms.first { $0.lowercased() == wanted }
    }
}

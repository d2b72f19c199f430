public enum TrainingCourse: String, Hashable, Codable, Sendable, CaseIterable {
    case confidentiality
    case dataProtection = "data-protection"

    public var title: String {
        switch self {
        case .confidentiality: "confidentiality"
        case .dataProtection: "data protection"
        }
    }
}

/// Completion of a course (P10). Valid for `OrganisationSettings.trainingValidityMonths`.
public struct TrainingRecord: Hashable, Codable, Sendable {
    public var id: RecordID
    public var person: PersonID
    public var course: TrainingCourse
    public var completedOn: LocalDate
    public var expiresOn: LocalDate

    public init(id: RecordID, person: PersonID, course: TrainingCourse, completedOn: LocalDate, expiresOn: LocalDate) {
        self.id = id
        self.person = person
        self.course = course
        self.completedOn = completedOn
        self.expiresOn = expiresOn
    }
}

public import CasebookModels

/// One course in a `TrainingUpdate`: the last day it is valid, or no date when it is missing.
public struct TrainingCourseStatus: Codable, Sendable, Hashable {
    public var course: TrainingCourse
    public var validUntil: LocalDate?
    public init(course: TrainingCourse, validUntil: LocalDate?) {
        self.course = course
        self.validUntil = validUntil
    }
}

/// `PUT /v1/people/{person_id}/training` (administrators): replaces what the server knows of one
/// person's training. Every required course is stored; one not listed (or listed without a date)
/// is missing. Staff data only: the records stay in the encrypted organisation case.
public struct TrainingUpdate: Codable, Sendable, Hashable {
    public var courses: [TrainingCourseStatus]
    public init(courses: [TrainingCourseStatus]) { self.courses = courses }

    public init(_ summary: TrainingSummary) {
        courses = TrainingCourse.allCases.map { TrainingCourseStatus(course: $0, validUntil: summary.validUntil[$0]) }
    }

    /// The summary this update describes; a course named twice is refused.
    public func summary(for person: PersonID) throws(CasebookError) -> TrainingSummary {
        var validUntil: [TrainingCourse: LocalDate] = [:]
        var seen: Set<TrainingCourse> = []
        for status in courses {
            guard seen.insert(status.course).inserted else {
                throw CasebookError(.invalidInput, "course \(status.course.rawValue) is listed more than once")
            }
            if let date = status.validUntil { validUntil[status.course] = date }
        }
        return TrainingSummary(person: person, validUntil: validUntil)
    }
}

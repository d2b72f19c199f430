public import CasebookModels
public import Foundation
import PostgresNIO

extension PostgresServerStore {
    // MARK: Training (the P10 gate)

    public func putTraining(_ summary: TrainingSummary, now: Date) async throws {
        try await transaction { conn in
            for course in TrainingCourse.allCases {
                try await conn.query("""
                    INSERT INTO training_status (person, course, valid_until, updated_ms)
                    VALUES (\(summary.person.rawValue), \(course.rawValue), \(summary.validUntil[course]?.iso), \(millis(now)))
                    ON CONFLICT (person, course) DO UPDATE SET valid_until = excluded.valid_until, updated_ms = excluded.updated_ms
                    """, logger: logger)
            }
        }
    }

    public func trainingFacts(_ person: PersonID) async throws -> TrainingFacts {
        try await client.withConnection { conn in
            let published = try await Self.first(conn.query("SELECT EXISTS (SELECT 1 FROM training_status)", logger: logger), Bool.self) ?? false
            var found = false
            var validUntil: [TrainingCourse: LocalDate] = [:]
            let rows = try await conn.query("SELECT course, valid_until FROM training_status WHERE person = \(person.rawValue)", logger: logger)
            for try await (course, text) in rows.decode((String, String?).self) {
                found = true
                if let course = TrainingCourse(rawValue: course), let date = text.flatMap(LocalDate.init(iso:)) { validUntil[course] = date }
            }
            return TrainingFacts(published: published, summary: found ? TrainingSummary(person: person, validUntil: validUntil) : nil)
        }
    }

    public func holdsKey(_ caseID: CaseID, person: PersonID) async throws -> Bool {
        let rows = try await client.query("""
            SELECT EXISTS (SELECT 1 FROM wrapped_keys WHERE case_id = \(caseID.rawValue)
                AND recipient_device IN (SELECT device_id FROM devices WHERE person = \(person.rawValue)))
            """, logger: logger)
        return try await Self.first(rows, Bool.self) ?? false
    }
}

public import CasebookModels
public import Foundation
import GRDB

extension SQLiteServerStore {
    // MARK: Training (the P10 gate)

    public func putTraining(_ summary: TrainingSummary, now: Date) async throws {
        try await write { db in
            for course in TrainingCourse.allCases {
                try db.execute(sql: """
                    INSERT INTO training_status (person, course, valid_until, updated_ms) VALUES (?, ?, ?, ?)
                    ON CONFLICT (person, course) DO UPDATE SET valid_until = excluded.valid_until, updated_ms = excluded.updated_ms
                    """, arguments: [summary.person.rawValue, course.rawValue, summary.validUntil[course]?.iso, millis(now)])
            }
        }
    }

    public func trainingFacts(_ person: PersonID) async throws -> TrainingFacts {
        try await pool.read { db in
            let published = try Int.fetchOne(db, sql: "SELECT 1 FROM training_status LIMIT 1") != nil
            let rows = try Row.fetchAll(db, sql: "SELECT course, valid_until FROM training_status WHERE person = ?",
                                        arguments: [person.rawValue])
            guard !rows.isEmpty else { return TrainingFacts(published: published, summary: nil) }
            var validUntil: [TrainingCourse: LocalDate] = [:]
            for row in rows {
                let text: String? = row["valid_until"]
                if let course = TrainingCourse(rawValue: row["course"]), let date = text.flatMap(LocalDate.init(iso:)) {
                    validUntil[course] = date
                }
            }
            return TrainingFacts(published: published, summary: TrainingSummary(person: person, validUntil: validUntil))
        }
    }

    public func holdsKey(_ caseID: CaseID, person: PersonID) async throws -> Bool {
        try await pool.read { db in
            try Int.fetchOne(db, sql: """
                SELECT 1 FROM wrapped_keys WHERE case_id = ? AND recipient_device IN (SELECT device_id FROM devices WHERE person = ?) LIMIT 1
                """, arguments: [caseID.rawValue, person.rawValue]) != nil
        }
    }
}

import CasebookModels
import Testing

/// P10 beyond one replica: the grant rule (client) and the server's training gate, both pure.
@Suite struct TrainingGateTests {
    static let person = PersonID(rawValue: "p-grantee")
    static let today = LocalDate(iso: "2026-11-25")!

    static func record(_ course: TrainingCourse, completed: String, expires: String, person: PersonID = person) -> TrainingRecord {
        TrainingRecord(id: .random(), person: person, course: course, completedOn: LocalDate(iso: completed)!, expiresOn: LocalDate(iso: expires)!)
    }

    static let both = [record(.confidentiality, completed: "2026-01-10", expires: "2027-01-10"),
                       record(.dataProtection, completed: "2026-02-01", expires: "2027-02-01")]

    @Test("a grant needs the grantee's current training; refusals name the person and the courses", arguments: [
        ("current", both, nil as String?),
        ("never trained", [], "confidentiality and data protection"),
        ("confidentiality only", [both[0]], "data protection"),
        ("expired yesterday", [record(.confidentiality, completed: "2025-11-24", expires: "2026-11-24"), both[1]], "confidentiality"),
        ("valid through today", [record(.confidentiality, completed: "2025-11-25", expires: "2026-11-25"), both[1]], nil),
        ("someone else's training", both.map { var r = $0; r.person = PersonID(rawValue: "p-other"); return r },
         "confidentiality and data protection"),
        ("an old expired record beside a current one", both + [record(.confidentiality, completed: "2023-01-01", expires: "2024-01-01")], nil),
    ])
    func grantRule(label: String, records: [TrainingRecord], missing: String?) {
        do throws(CasebookError) {
            try TrainingPolicy.requireGrantable(to: Self.person, records: records, on: Self.today)
            #expect(missing == nil, "\(label): expected a refusal")
        } catch {
            #expect(missing != nil, "\(label): unexpected refusal \(error.message)")
            #expect(error.code == .releaseRefused)
            #expect(error.message.contains("person \(Self.person) has no current \(missing ?? "?") training on 2026-11-25"))
            #expect(error.message.contains("casebook training record --person \(Self.person)"))
        }
    }

    @Test("the summary keeps each course's latest expiry, and only courses completed by then")
    func summaryFromRecords() {
        let records = Self.both + [
            Self.record(.confidentiality, completed: "2024-01-01", expires: "2025-01-01"),
            Self.record(.dataProtection, completed: "2026-12-01", expires: "2027-12-01"),  // not completed yet
            Self.record(.dataProtection, completed: "2026-05-01", expires: "2027-05-01", person: PersonID(rawValue: "p-other")),
        ]
        let summary = TrainingSummary(person: Self.person, records: records, on: Self.today)
        #expect(summary.validUntil == [.confidentiality: LocalDate(iso: "2027-01-10")!, .dataProtection: LocalDate(iso: "2027-02-01")!])
        #expect(summary.missingCourses(on: Self.today).isEmpty)
        #expect(summary.missingCourses(on: LocalDate(iso: "2027-01-11")!) == [.confidentiality])
        #expect(summary.fingerprint == "confidentiality=2027-01-10,data-protection=2027-02-01")
        #expect(TrainingSummary(person: Self.person).fingerprint == "confidentiality=,data-protection=")
    }

    @Test("the server's gate: off until training is published, then missing or expired courses refuse", arguments: [
        ("nothing published yet", false, nil as [TrainingCourse: String]?, nil as String?),
        ("published, no summary for the person", true, nil, "confidentiality and data protection"),
        ("both current", true, [.confidentiality: "2026-12-01", .dataProtection: "2026-11-25"], nil),
        ("data protection expired", true, [.confidentiality: "2026-12-01", .dataProtection: "2026-11-24"], "data protection"),
        ("confidentiality missing", true, [.dataProtection: "2027-01-01"], "confidentiality"),
    ])
    func serverGate(label: String, published: Bool, dates: [TrainingCourse: String]?, missing: String?) {
        let summary = dates.map { TrainingSummary(person: Self.person, validUntil: $0.mapValues { LocalDate(iso: $0)! }) }
        let refusal = TrainingGate.refusal(for: Self.person, summary: summary, published: published, on: Self.today)
        #expect((refusal == nil) == (missing == nil), "\(label)")
        if let refusal, let missing {
            #expect(refusal.code == .trainingMissing)
            #expect(refusal.message.contains("no current \(missing) training on 2026-11-25 (per the sync server's training summary)"))
        }
    }

    @Test("which new keys need the recipient's training", arguments: [
        ("organisation case", CaseID.organisation, Role.practitioner as Role?, false, false),
        ("recovery key (no person)", CaseID(rawValue: "c1"), nil, false, false),
        ("DSL receives every case", CaseID(rawValue: "c1"), .dsl, false, false),
        ("already reads the case (rotation, new device)", CaseID(rawValue: "c1"), .practitioner, true, false),
        ("a practitioner new to the case", CaseID(rawValue: "c1"), .practitioner, false, true),
        ("an administrator new to the case", CaseID(rawValue: "c1"), .admin, false, true),
    ])
    func keyGate(label: String, caseID: CaseID, role: Role?, alreadyReads: Bool, needs: Bool) {
        #expect(TrainingGate.keyNeedsTraining(caseID: caseID, recipientRole: role, alreadyReads: alreadyReads) == needs, "\(label)")
    }
}

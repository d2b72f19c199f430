import CasebookExport
import CasebookModels
import Testing

@Suite("Subject-access deadlines")
struct DeadlineTests {
    static func date(_ iso: String) -> LocalDate {
        guard let date = LocalDate(iso: iso) else { fatalError("bad test date \(iso)") }
        return date
    }

    // (received, identity verified, original deadline, extended deadline)
    static let table: [(String, String?, String, String)] = [
        ("2025-01-31", nil, "2025-02-28", "2025-04-28"),  // no 31 February; extension counts from 28 February
        ("2024-01-31", nil, "2024-02-29", "2024-04-29"),  // leap year
        ("2028-01-30", nil, "2028-02-29", "2028-04-29"),  // leap year
        ("2100-01-29", nil, "2100-02-28", "2100-04-28"),  // 2100 is not a leap year
        ("2000-01-31", nil, "2000-02-29", "2000-04-29"),  // 2000 is
        ("2025-03-31", nil, "2025-04-30", "2025-06-30"),
        ("2025-03-15", nil, "2025-04-15", "2025-06-15"),
        ("2025-12-05", nil, "2026-01-05", "2026-03-05"),  // across the year end
        ("2025-12-31", nil, "2026-01-31", "2026-03-31"),
        ("2025-11-30", nil, "2025-12-30", "2026-02-28"),  // extension lands on a short February
        ("2023-11-30", nil, "2023-12-30", "2024-02-29"),
        ("2025-10-31", nil, "2025-11-30", "2026-01-30"),
        ("2025-01-10", "2025-01-31", "2025-02-28", "2025-04-28"),  // identity verified later: clock starts then
        ("2025-01-31", "2025-01-10", "2025-02-28", "2025-04-28"),  // verified before receipt: receipt counts
        ("2025-02-28", "2025-03-03", "2025-04-03", "2025-06-03"),
    ]

    @Test("one calendar month, clamped to the month's last day; extension adds two months", arguments: table)
    func deadline(_ row: (String, String?, String, String)) {
        let deadline = SubjectAccessDeadline(received: Self.date(row.0), identityVerified: row.1.map(Self.date))
        #expect(deadline.original.iso == row.2)
        #expect(deadline.due.iso == row.2)
        #expect(deadline.mustTellRequesterBy == nil)
        let extended = deadline.extended()
        #expect(extended.due.iso == row.3)
        #expect(extended.mustTellRequesterBy?.iso == row.2)
        #expect(extended.extended() == extended)
        // The extension never falls after three months from the start.
        #expect(extended.due <= deadline.startsOn.addingMonths(3))
    }

    // (due, today, days left, warn)
    static let daysTable: [(String, String, Int, Bool)] = [
        ("2025-03-01", "2025-02-01", 28, false),
        ("2025-03-01", "2025-02-21", 8, false),
        ("2025-03-01", "2025-02-22", 7, true),
        ("2025-03-01", "2025-03-01", 0, true),
        ("2025-03-01", "2025-03-02", -1, true),
        ("2024-03-01", "2024-02-28", 2, true),  // 29 February counts
        ("2026-01-02", "2025-12-30", 3, true),
    ]

    @Test("days left and the 7-day warning", arguments: daysTable)
    func daysLeft(_ row: (String, String, Int, Bool)) {
        // A request received one month before `due` has `due` as its deadline.
        let due = Self.date(row.0)
        let deadline = SubjectAccessDeadline(received: due.addingMonths(-1))
        #expect(deadline.due == due)
        #expect(deadline.daysLeft(today: Self.date(row.1)) == row.2)
        #expect(deadline.needsWarning(today: Self.date(row.1)) == row.3)
        #expect(deadline.isOverdue(today: Self.date(row.1)) == (row.2 < 0))
    }

    @Test("dates are parsed strictly", arguments: ["2025-02-29", "2025-13-01", "2025-1-01", "25-01-01", "2025/01/01", "2025-01-01T00:00", " 2025-01-01", "2025-00-10", "2025-04-31", ""])
    func strictParsing(_ text: String) {
        #expect(LocalDate(iso: text) == nil)
    }

    @Test("a recorded AccessRequest gives the same deadline")
    func fromAccessRequest() {
        let request = AccessRequest(
            id: RecordID(rawValue: "r1"), clientID: ClientID(rawValue: "c1"), receivedOn: Self.date("2025-01-10"),
            identityVerifiedOn: Self.date("2025-01-31"))
        #expect(SubjectAccessDeadline(request).due.iso == "2025-02-28")
        var extended = request
        extended.extended = true
        #expect(SubjectAccessDeadline(extended).due.iso == "2025-04-28")
        #expect(SubjectAccessDeadline(extended).mustTellRequesterBy?.iso == "2025-02-28")
    }

    @Test func isoRoundTrip() {
        for iso in ["2024-02-29", "0001-01-01", "9999-12-31", "2025-10-05"] {
            #expect(LocalDate(iso: iso)?.iso == iso)
        }
        #expect(Self.date("1970-01-01").daysSinceEpoch == 0)
        #expect(Self.date("2000-03-01").daysSinceEpoch == 11_017)
        #expect(Self.date("2024-03-01").days(until: Self.date("2024-02-28")) == -2)
    }
}

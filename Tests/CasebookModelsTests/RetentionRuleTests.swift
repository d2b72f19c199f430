import CasebookModels
import Testing

/// Retention arithmetic (CLAUSES.md, UK law facts), across leap days.
@Suite("Retention rule")
struct RetentionRuleTests {
    static func d(_ text: String) -> LocalDate { LocalDate(iso: text)! }

    @Test("due date", arguments: [
        // adult: seven years after the last contact
        (nil as String?, "2020-06-15", "2027-06-15"),
        ("1990-01-01", "2020-06-15", "2027-06-15"),
        // 18 exactly at the last contact counts as an adult
        ("2002-06-15", "2020-06-15", "2027-06-15"),
        // 17 at the last contact: the 26th birthday
        ("2002-06-16", "2020-06-15", "2028-06-16"),
        // under 17: the 25th birthday
        ("2010-03-01", "2020-06-15", "2035-03-01"),
        ("2004-01-01", "2020-06-15", "2029-01-01"),
        // leap days: anniversaries of 29 February fall on 1 March in common years
        (nil, "2024-02-29", "2031-03-01"),
        (nil, "2021-02-28", "2028-02-28"),
        ("2008-02-29", "2020-06-15", "2033-03-01"),
        ("2008-02-29", "2025-06-15", "2034-03-01"),
        ("2000-02-29", "2016-06-15", "2025-03-01"),
        ("2012-02-29", "2020-01-01", "2037-03-01"),
        // birthday at the leap day of the last contact year
        ("2007-02-28", "2024-02-29", "2033-02-28"),
    ])
    func dueOn(born: String?, lastContact: String, expected: String) {
        #expect(RetentionRule.dueOn(bornOn: born.map(Self.d), lastContact: Self.d(lastContact)) == Self.d(expected))
    }

    @Test("status: retain before, due on and after, held whenever a hold is active", arguments: [
        ("2027-06-14", false, false, "retain"),
        ("2027-06-15", false, false, "due"),
        ("2030-01-01", false, false, "due"),
        ("2030-01-01", true, false, "held"),
        ("2027-06-14", true, false, "held"),
        ("2030-01-01", true, true, "due"),
    ])
    func status(today: String, hold: Bool, lifted: Bool, expected: String) {
        var holds: [RetentionHold] = []
        if hold {
            holds.append(RetentionHold(id: .random(), clientID: ClientID(rawValue: "c"), reason: .litigation,
                                       placedBy: PersonID(rawValue: "p"), placedOn: Self.d("2021-01-01"),
                                       liftedBy: lifted ? PersonID(rawValue: "p") : nil, liftedOn: lifted ? Self.d("2029-01-01") : nil))
        }
        let status = RetentionRule.status(bornOn: nil, lastContact: Self.d("2020-06-15"), holds: holds, on: Self.d(today))
        #expect(status.label == expected)
        #expect(status.dueOn == Self.d("2027-06-15"))
    }

    @Test("a child's date is never earlier than the adult date")
    func childNeverEarlier() {
        var born = Self.d("2000-01-01")
        while born < Self.d("2010-01-01") {
            let last = Self.d("2020-02-29")
            if born.age(on: last) < 18 {
                #expect(RetentionRule.dueOn(bornOn: born, lastContact: last) > last.addingYears(7))
            }
            born = born.addingDays(37)
        }
    }
}

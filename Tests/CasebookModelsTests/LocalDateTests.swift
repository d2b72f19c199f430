import CasebookModels
import Testing

@Suite struct LocalDateTests {
    @Test(arguments: ["2026-02-29", "2026-13-01", "2026-1-01", "26-01-01", "2026-01-32", "", "2026/01/01", "2026-01-01T00"])
    func rejectsMalformedDates(_ text: String) {
        #expect(LocalDate(iso: text) == nil)
    }

    @Test(arguments: [
        ("2026-01-31", 1, "2026-02-28"),
        ("2028-01-31", 1, "2028-02-29"),
        ("2026-03-31", 1, "2026-04-30"),
        ("2026-12-15", 1, "2027-01-15"),
        ("2026-08-31", 3, "2026-11-30"),
        ("2024-02-29", 12, "2025-02-28"),
        ("2100-01-29", 1, "2100-02-28"),
        ("2000-01-29", 1, "2000-02-29"),
    ])
    func addingMonthsClampsToTheLastDay(_ start: String, _ months: Int, _ expected: String) throws {
        let date = try #require(LocalDate(iso: start))
        #expect(date.addingMonths(months).iso == expected)
    }

    @Test func dayArithmeticRoundTrips() throws {
        let start = try #require(LocalDate(iso: "1999-12-31"))
        for offset in stride(from: -800, through: 12_000, by: 37) {
            let moved = start.addingDays(offset)
            #expect(start.days(until: moved) == offset)
        }
        #expect(try #require(LocalDate(iso: "1970-01-01")).daysSinceEpoch == 0)
        #expect(try #require(LocalDate(iso: "2026-11-25")).addingDays(7).iso == "2026-12-02")
    }

    @Test(arguments: [("2012-04-01", "2029-03-31", 16), ("2012-04-01", "2029-04-01", 17), ("2008-02-29", "2026-02-28", 17)])
    func ageInWholeYears(_ born: String, _ on: String, _ age: Int) throws {
        #expect(try #require(LocalDate(iso: born)).age(on: try #require(LocalDate(iso: on))) == age)
    }
}

@Suite struct HybridLogicalClockTests {
    @Test func ticksAreStrictlyIncreasingEvenWhenTheWallClockStallsOrGoesBack() {
        var clock = HybridLogicalClock()
        var last = HLCTimestamp.zero
        for wall: UInt64 in [1000, 1000, 999, 1005, 1005, 10, 2000] {
            let stamp = clock.tick(wallMillis: wall)
            #expect(stamp > last)
            last = stamp
        }
    }

    @Test func receivingAdvancesPastRemoteStamps() throws {
        var clock = HybridLogicalClock()
        try clock.receive(HLCTimestamp(physical: 5000, logical: 3), wallMillis: 4900)
        #expect(clock.tick(wallMillis: 4900) > HLCTimestamp(physical: 5000, logical: 3))
    }

    @Test func refusesStampsTooFarInTheFuture() {
        var clock = HybridLogicalClock()
        let wall: UInt64 = 1_000_000
        #expect(throws: CasebookError.self) {
            try clock.receive(HLCTimestamp(physical: wall + HybridLogicalClock.maximumDrift + 1, logical: 0), wallMillis: wall)
        }
        #expect(HybridLogicalClock.isAcceptable(HLCTimestamp(physical: wall + HybridLogicalClock.maximumDrift, logical: 0), wallMillis: wall))
    }

    @Test func textFormSortsLikeTheValue() throws {
        let a = HLCTimestamp(physical: 0x18c, logical: 0xffff)
        let b = HLCTimestamp(physical: 0x18d, logical: 0)
        #expect(a.description < b.description)
        #expect(HLCTimestamp(parsing: a.description) == a)
    }
}

import CasebookModels
import CasebookTestSupport
import Foundation
import Testing

/// The shared test support every suite builds on (ADR 0026). Replaces the target's placeholder
/// (`#expect(Bool(true))`): a property test can only replay from its printed seed if the
/// generator is the documented one, and a clock or directory that misbehaves would make every
/// test built on it meaningless.
@Suite("Shared test support")
struct TestSupportTests {
    @Test("SeededGenerator is SplitMix64 with state = seed (the reference sequence for seed 1234567)")
    func generatorIsTheDocumentedSplitMix64() {
        var rng = SeededGenerator(seed: 1_234_567)
        let first = (0..<5).map { _ in rng.next() }
        #expect(first == [6_457_827_717_110_365_317, 3_203_168_211_198_807_973, 9_817_491_932_198_370_423,
                          4_593_380_528_125_082_431, 16_408_922_859_458_223_821])
    }

    @Test("identifiers drawn from a seed are the same on replay, well formed, and differ between seeds")
    func seededIdentifiersReplay() {
        var a = SeededGenerator(seed: 7), b = SeededGenerator(seed: 7), c = SeededGenerator(seed: 8)
        let fromA = (0..<20).map { _ in CaseID.random(using: &a) }
        let fromB = (0..<20).map { _ in CaseID.random(using: &b) }
        let fromC = (0..<20).map { _ in CaseID.random(using: &c) }
        #expect(fromA == fromB)
        #expect(fromA != fromC)
        #expect(Set(fromA).count == 20)
        for id in fromA {
            #expect(CaseID(parsing: id.rawValue) == id)
            #expect(UUID(uuidString: id.rawValue) != nil, "\(id) is not a UUID")
        }
    }

    @Test("TestClock starts where it is told and moves only when moved")
    func clockMovesByHand() throws {
        let clock = TestClock(on: try #require(LocalDate(year: 2026, month: 11, day: 2)))
        let start = clock.now
        #expect(clock.today == LocalDate(year: 2026, month: 11, day: 2))
        #expect(clock.now == start)
        clock.advance(hours: 1.5)
        #expect(clock.now.timeIntervalSince(start) == 5_400)
        clock.advance(days: 2)
        clock.advance(by: 60)
        #expect(clock.now.timeIntervalSince(start) == 5_400 + 2 * 86_400 + 60)
        #expect(clock.today == LocalDate(year: 2026, month: 11, day: 4))
    }

    @Test("a TemporaryDirectory exists while held and is removed with its files when released")
    func temporaryDirectoryIsRemoved() throws {
        var directory: TemporaryDirectory? = TemporaryDirectory("casebook-support")
        let url = try #require(directory?.url)
        try Data("x".utf8).write(to: URL(fileURLWithPath: try #require(directory?.path("file"))))
        #expect(FileManager.default.fileExists(atPath: url.path))
        #expect(directory?.allFiles().count == 1)
        directory = nil
        #expect(!FileManager.default.fileExists(atPath: url.path))
    }
}

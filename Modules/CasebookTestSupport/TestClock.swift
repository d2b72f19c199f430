public import CasebookModels
public import Foundation
import Synchronization

/// The one wall clock tests move by hand (ADR 0026): vaults, servers and sync clients all take a
/// `WallClock`, so a test gives each the same `TestClock` and moves time for all of them.
public final class TestClock: WallClock, Sendable {
    private let current: Mutex<Date>

    /// A clock at `start`; by default a fixed instant (2026-09-21), so runs do not depend on the day
    /// they are made. Pass `Date()` for a clock that starts at the real time (servers whose tokens
    /// are checked against a client's real clock).
    public init(_ start: Date = Date(timeIntervalSince1970: 1_790_000_000)) { current = Mutex(start) }

    /// A clock set to noon UTC on a date.
    public convenience init(on date: LocalDate) { self.init(TestClock.midday(date)) }

    /// Noon UTC on a date.
    public static func midday(_ date: LocalDate) -> Date {
        Date(timeIntervalSince1970: Double(date.daysSinceEpoch) * 86_400 + 43_200)
    }

    public var now: Date { current.withLock { $0 } }

    public func advance(by seconds: TimeInterval) { current.withLock { $0 += seconds } }
    public func advance(hours: Double) { advance(by: hours * 3600) }
    public func advance(days: Int) { advance(by: Double(days) * 86_400) }
    public func set(_ date: Date) { current.withLock { $0 = date } }
}

public import CasebookModels
public import Foundation
import Synchronization

/// A wall clock that tests move by hand.
public final class TestClock: WallClock, Sendable {
    private let current: Mutex<Date>

    public init(_ start: Date = Date(timeIntervalSince1970: 1_790_000_000)) { current = Mutex(start) }

    /// A clock set to noon UTC on a date.
    public convenience init(on date: LocalDate) {
        self.init(Date(timeIntervalSince1970: Double(date.daysSinceEpoch) * 86_400 + 43_200))
    }

    public var now: Date { current.withLock { $0 } }

    public func advance(by seconds: TimeInterval) { current.withLock { $0 += seconds } }
    public func set(_ date: Date) { current.withLock { $0 = date } }
}

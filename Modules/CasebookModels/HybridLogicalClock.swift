public import Foundation

/// A hybrid logical clock stamp: wall-clock milliseconds plus a logical counter.
/// Ordered by `(physical, logical)`; ties between devices are broken by device id at merge time.
public struct HLCTimestamp: Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    public var physical: UInt64
    public var logical: UInt32

    public init(physical: UInt64, logical: UInt32) {
        self.physical = physical
        self.logical = logical
    }

    public static let zero = HLCTimestamp(physical: 0, logical: 0)

    public static func < (lhs: Self, rhs: Self) -> Bool { (lhs.physical, lhs.logical) < (rhs.physical, rhs.logical) }

    /// Fixed-width text form that sorts like the value: `0000018c2a3b4c5d-00000001`.
    public var description: String {
        let p = String(physical, radix: 16), l = String(logical, radix: 16)
        return String(repeating: "0", count: 16 - p.count) + p + "-" + String(repeating: "0", count: 8 - l.count) + l
    }

    public init?(parsing text: String) {
        let parts = text.split(separator: "-")
        guard parts.count == 2, let p = UInt64(parts[0], radix: 16), let l = UInt32(parts[1], radix: 16) else { return nil }
        self.init(physical: p, logical: l)
    }

    public var date: Date { Date(timeIntervalSince1970: Double(physical) / 1000) }
}

/// The source of wall-clock time. Injected everywhere so that tests and simulations control time.
public protocol WallClock: Sendable {
    var now: Date { get }
}

public struct SystemWallClock: WallClock {
    public init() {}
    public var now: Date { Date() }
}

extension WallClock {
    public var nowMillis: UInt64 { UInt64(max(0, now.timeIntervalSince1970 * 1000)) }
    public var today: LocalDate { LocalDate(now) }
}

/// The HLC state machine (Kulkarni et al.). Pure: the caller passes the wall time in.
public struct HybridLogicalClock: Sendable {
    /// Stamps further than this ahead of local wall time are refused (a device with a wrong clock
    /// would otherwise win every last-writer-wins comparison).
    public static let maximumDrift: UInt64 = 5 * 60 * 1000

    public private(set) var last: HLCTimestamp

    public init(last: HLCTimestamp = .zero) { self.last = last }

    /// A stamp for a local event.
    public mutating func tick(wallMillis: UInt64) -> HLCTimestamp {
        if wallMillis > last.physical {
            last = HLCTimestamp(physical: wallMillis, logical: 0)
        } else {
            last = HLCTimestamp(physical: last.physical, logical: last.logical &+ 1)
        }
        return last
    }

    /// Folds in a stamp received from another device. Throws when it is too far in the future.
    public mutating func receive(_ remote: HLCTimestamp, wallMillis: UInt64) throws(CasebookError) {
        guard remote.physical <= wallMillis &+ Self.maximumDrift else {
            throw CasebookError(.clockSkew, "a revision is stamped more than five minutes in the future; check this device's clock")
        }
        if remote > last { last = remote }
    }

    /// Whether a stamp is acceptable relative to a wall time (used by the server and replicas).
    public static func isAcceptable(_ stamp: HLCTimestamp, wallMillis: UInt64) -> Bool {
        stamp.physical <= wallMillis &+ maximumDrift
    }
}

public import CasebookModels

/// The one seeded generator of the tests (ADR 0026): SplitMix64 exactly as in Vigna's reference
/// (`state = seed`; each call adds the golden gamma 0x9E3779B97F4A7C15 and mixes), so a seed
/// printed by a failing property test names one run, on every machine and every process. Nothing
/// in a property test may draw from another source (no `hashValue`, which Swift randomises per
/// process, no `UUID()` or `.random()` without `using:`).
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension Identifier {
    /// A random identifier (a version-4 UUID in lower case, like `random()`) drawn from `rng`, so
    /// a seeded test makes the same identifiers on every replay.
    public static func random(using rng: inout some RandomNumberGenerator) -> Self {
        let hex = Array("0123456789abcdef")
        var digits = (0..<32).map { _ in hex[Int(rng.next() & 0xf)] }
        digits[12] = "4"
        digits[16] = hex[8 + Int(rng.next() & 0x3)]
        let s = String(digits)
        func part(_ a: Int, _ b: Int) -> Substring { s.dropFirst(a).prefix(b - a) }
        return Self(rawValue: [part(0, 8), part(8, 12), part(12, 16), part(16, 20), part(20, 32)].joined(separator: "-"))
    }
}

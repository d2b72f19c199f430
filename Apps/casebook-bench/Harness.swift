import Foundation

/// Times operations and prints each figure beside its same-run baseline, as a ratio.
enum Harness {
    /// Median duration of `runs` calls, in seconds.
    static func median(runs: Int, warmup: Int = 3, _ body: () throws -> Void) rethrows -> Double {
        for _ in 0..<warmup { try body() }
        var samples: [Double] = []
        samples.reserveCapacity(runs)
        let clock = ContinuousClock()
        for _ in 0..<runs {
            let elapsed = try clock.measure(body)
            samples.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
        }
        samples.sort()
        return samples[samples.count / 2]
    }

    static func once(_ body: () throws -> Void) rethrows -> Double {
        let elapsed = try ContinuousClock().measure(body)
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    static func format(_ seconds: Double) -> String {
        if seconds < 1e-3 { return String(format: "%.1f µs", seconds * 1e6) }
        if seconds < 1 { return String(format: "%.2f ms", seconds * 1e3) }
        return String(format: "%.2f s", seconds)
    }

    static func row(_ name: String, _ value: Double, baselineName: String, _ baseline: Double, goal: String? = nil) -> String {
        let ratio = value / baseline
        var line = "\(name): \(format(value)) | baseline (\(baselineName)): \(format(baseline)) | ratio \(String(format: "%.2f", ratio))x"
        if let goal { line += " | goal \(goal)" }
        return line
    }
}

import ArgumentParser
import Foundation

@main
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "casebook-bench",
        abstract: "Casebook's benchmarks: each figure printed beside its same-run baseline, as a ratio.",
        discussion: "Build in release mode: Scripts/bench [suite...]. Timed figures never run in the test suite.")

    @Argument(help: "Suites to run: vault (default: all).")
    var suites: [String] = []

    @Option(help: "Revisions in the sync suite's large replica (smaller for a quick look; the documented figures use the default).")
    var syncRevisions = 100_000

    @Option(help: "Measured no-op syncs per replica size in the sync suite.")
    var noOpRuns = 41

    @Option(help: "Minutes the soak suite runs (200 clients syncing every 4 s; not part of the default suites).")
    var soakMinutes = 10

    func run() async throws {
        let all = ["vault", "redaction", "export", "sync", "server"]
        let chosen = suites.isEmpty ? all : suites
        print("casebook-bench \(ISO8601DateFormatter().string(from: Date())) on \(ProcessInfo.processInfo.activeProcessorCount) cores")
        for suite in chosen {
            switch suite {
            case "vault": try VaultBench.run().forEach { print($0) }
            case "redaction": runRedactionBenchmark().forEach { print($0) }
            case "export": try runExportBenchmark().forEach { print($0) }
            case "sync":
                let lines = try await runSyncBenchmark(revisions: syncRevisions, noOpRuns: noOpRuns, progress: { FileHandle.standardError.write(Data(("  " + $0 + "\n").utf8)) })
                lines.forEach { print($0) }
            case "server": try await runServerBenchmark().forEach { print($0) }
            case "soak": try await runServerBenchmark(pacedRounds: max(1, soakMinutes * 15), soak: true).forEach { print($0) }
            default: throw ValidationError("unknown suite '\(suite)'; choose from \(all.joined(separator: ", ")), soak")
            }
        }
    }
}

// Every log line (level, message, metadata sorted as key=value) kept in memory, at every level:
// for tests that prove what a component does NOT log (client content, tokens, codes).

public import Logging
import Synchronization

public final class LogCapture: Sendable {
    private let captured = Mutex<[String]>([])

    public init() {}

    /// The lines logged so far.
    public var lines: [String] { captured.withLock { $0 } }
    /// All lines joined by newlines.
    public var text: String { lines.joined(separator: "\n") }

    /// A logger at `.trace` whose every event lands here.
    public var logger: Logger {
        var logger = Logger(label: "capture") { _ in Handler(capture: self) }
        logger.logLevel = .trace
        return logger
    }

    struct Handler: LogHandler {
        let capture: LogCapture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            let all = metadata.merging(event.metadata ?? [:]) { $1 }
            let error = event.error.map { " \($0)" } ?? ""
            let line = "\(event.level) \(event.message) \(all.map { "\($0)=\($1)" }.sorted().joined(separator: " "))\(error)"
            capture.captured.withLock { $0.append(line) }
        }
    }
}

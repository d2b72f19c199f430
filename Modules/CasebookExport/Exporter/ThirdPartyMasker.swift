// ThirdPartyMasker: the seam through which other people's identifiers are withheld from a bundle.
// CasebookRedaction.Redactor will sit behind it once it lands on main; KnownNameMasker is the
// built-in fallback that masks the exact names the vault knows.

import Foundation

/// One thing withheld from the bundle: kept in the vault's internal redaction log, never in the bundle.
public struct RedactionLogEntry: Hashable, Sendable, Codable {
    /// The record it was withheld from (`session:ID`, `profile.related`, …).
    public var location: String
    /// The label of what was withheld (`third-party-name`, `staff-name`, `other-client`, `concern-withheld`).
    public var label: String
    /// Why (`no consent recorded`, `DSL decision: serious harm`, …).
    public var reason: String

    public init(location: String, label: String, reason: String) {
        self.location = location
        self.label = label
        self.reason = reason
    }
}

/// Masks other people's identifiers in free text.
public protocol ThirdPartyMasker: Sendable {
    /// `text` with every third-party identifier replaced, and one log entry per replacement.
    func mask(_ text: String, location: String) -> (text: String, withheld: [RedactionLogEntry])
}

/// Masks known names (case-insensitive, whole words) with `[withheld]`. Longest names first, so that
/// "Sam Jones" is masked whole before "Sam".
public struct KnownNameMasker: ThirdPartyMasker {
    public struct Identifier: Sendable, Hashable {
        public var text: String
        public var label: String

        public init(text: String, label: String) {
            self.text = text
            self.label = label
        }
    }

    /// Lower-cased identifier text → label.
    let labels: [String: String]
    /// One case-insensitive, whole-word alternation of every identifier, longest first; nil when there are none.
    /// NSRegularExpression is immutable once built and documented as safe to share between threads.
    let regex: NSRegularExpression?
    public static let replacement = "[withheld]"

    public init(_ identifiers: [Identifier]) {
        let usable = identifiers
            .filter { $0.text.trimmingCharacters(in: .whitespaces).count >= 2 }
            .sorted { $0.text.count > $1.text.count }
        var labels: [String: String] = [:]
        for identifier in usable where labels[identifier.text.lowercased()] == nil {
            labels[identifier.text.lowercased()] = identifier.label
        }
        self.labels = labels
        if usable.isEmpty {
            self.regex = nil
        } else {
            let alternatives = usable.map { NSRegularExpression.escapedPattern(for: $0.text) }.joined(separator: "|")
            self.regex = try? NSRegularExpression(
                pattern: "(?<![\\p{L}\\p{N}])(?:" + alternatives + ")(?![\\p{L}\\p{N}])", options: [.caseInsensitive])
        }
    }

    public func mask(_ text: String, location: String) -> (text: String, withheld: [RedactionLogEntry]) {
        guard let regex else { return (text, []) }
        let source = text as NSString
        let matches = regex.matches(in: text, range: NSRange(location: 0, length: source.length))
        guard !matches.isEmpty else { return (text, []) }
        var result = ""
        var log: [RedactionLogEntry] = []
        var cursor = 0
        for match in matches {
            result += source.substring(with: NSRange(location: cursor, length: match.range.location - cursor))
            result += Self.replacement
            let label = labels[source.substring(with: match.range).lowercased()] ?? "third-party-name"
            log.append(RedactionLogEntry(location: location, label: label, reason: "no consent recorded"))
            cursor = match.range.location + match.range.length
        }
        result += source.substring(from: cursor)
        return (result, log)
    }
}

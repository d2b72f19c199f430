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

    let identifiers: [Identifier]
    public static let replacement = "[withheld]"

    public init(_ identifiers: [Identifier]) {
        self.identifiers = identifiers
            .filter { $0.text.trimmingCharacters(in: .whitespaces).count >= 2 }
            .sorted { $0.text.count > $1.text.count }
    }

    public func mask(_ text: String, location: String) -> (text: String, withheld: [RedactionLogEntry]) {
        var result = text
        var log: [RedactionLogEntry] = []
        for identifier in identifiers {
            let pattern = "(?<![\\p{L}\\p{N}])" + NSRegularExpression.escapedPattern(for: identifier.text) + "(?![\\p{L}\\p{N}])"
            guard let regex = try? NSRegularExpression(pattern: pattern, options: [.caseInsensitive]) else { continue }
            let range = NSRange(result.startIndex..., in: result)
            let matches = regex.numberOfMatches(in: result, range: range)
            guard matches > 0 else { continue }
            result = regex.stringByReplacingMatches(
                in: result, range: range, withTemplate: NSRegularExpression.escapedTemplate(for: Self.replacement))
            log += Array(repeating: RedactionLogEntry(location: location, label: identifier.label, reason: "no consent recorded"), count: matches)
        }
        return (result, log)
    }
}

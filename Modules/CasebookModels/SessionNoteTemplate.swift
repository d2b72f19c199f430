import Foundation

/// The text a practitioner writes a session note in, in an editor or a file (issue 13): one
/// section per field, each headed by the field's name on its own line followed by a colon; lines
/// starting with `#` are comments. For example:
///
///     # Lines starting with # are ignored. Leave everything empty to cancel.
///     Date: 2026-12-03
///     Minutes: 50
///     Platform: Microsoft Teams
///     Topics:
///     Friendships and sleep.
///     Progress:
///     Settling in at the new school.
///     Follow-up:
///     Check in next week.
///
/// A heading's value may follow the colon on the same line or fill the lines below it, until the
/// next heading. Headings are matched case-insensitively; unknown headings are refused, so a typo
/// never silently drops a paragraph.
public struct SessionNoteTemplate: Hashable, Sendable {
    public var on: LocalDate?
    public var minutes: Int?
    public var platform: String?
    public var topics: String
    public var progress: String
    public var followUp: String

    public init(on: LocalDate? = nil, minutes: Int? = nil, platform: String? = nil, topics: String = "", progress: String = "",
                followUp: String = "") {
        self.on = on
        self.minutes = minutes
        self.platform = platform
        self.topics = topics
        self.progress = progress
        self.followUp = followUp
    }

    /// Headings in the order they are written.
    public static let headings = ["Date", "Minutes", "Platform", "Topics", "Progress", "Follow-up"]

    /// Whether nothing was written (the practitioner cancelled by emptying the file).
    public var isEmpty: Bool { topics.isEmpty && progress.isEmpty && followUp.isEmpty }

    /// The file's text, with guidance comments, for an editor.
    public func render(guidance: [String] = []) -> String {
        var lines = guidance.map { "# " + $0 }
        lines.append("Date: \(on?.iso ?? "")")
        lines.append("Minutes: \(minutes.map(String.init) ?? "")")
        lines.append("Platform: \(platform ?? "")")
        for (heading, text) in [("Topics", topics), ("Progress", progress), ("Follow-up", followUp)] {
            lines.append("\(heading):")
            lines.append(text)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Parses what the practitioner wrote. Errors name the line, never its text.
    public static func parse(_ text: String) throws(CasebookError) -> SessionNoteTemplate {
        var sections: [String: [String]] = [:]
        var current: String?
        for (number, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.hasSuffix("\r") ? String(raw.dropLast()) : String(raw)
            if line.hasPrefix("#") { continue }
            if let colon = line.firstIndex(of: ":") {
                let name = line[..<colon].trimmingCharacters(in: .whitespaces)
                if let heading = headings.first(where: { $0.caseInsensitiveCompare(name) == .orderedSame }) {
                    guard sections[heading] == nil else {
                        throw CasebookError(.invalidInput, "line \(number + 1): the heading '\(heading):' appears twice")
                    }
                    current = heading
                    let rest = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                    sections[heading] = rest.isEmpty ? [] : [rest]
                    continue
                }
            }
            guard let current else {
                if line.trimmingCharacters(in: .whitespaces).isEmpty { continue }
                throw CasebookError(.invalidInput, "line \(number + 1): text before the first heading; start each part with 'Topics:', 'Progress:' or 'Follow-up:'")
            }
            sections[current, default: []].append(line)
        }
        func value(_ heading: String) -> String {
            (sections[heading] ?? []).joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
        }
        var note = SessionNoteTemplate(topics: value("Topics"), progress: value("Progress"), followUp: value("Follow-up"))
        let date = value("Date"), minutes = value("Minutes"), platform = value("Platform")
        if !date.isEmpty {
            guard let parsed = LocalDate(iso: date) else {
                throw CasebookError(.invalidInput, "'Date:' must be a date in the form YYYY-MM-DD")
            }
            note.on = parsed
        }
        if !minutes.isEmpty {
            guard let parsed = Int(minutes), parsed > 0 else { throw CasebookError(.invalidInput, "'Minutes:' must be a whole number of minutes") }
            note.minutes = parsed
        }
        if !platform.isEmpty { note.platform = platform }
        return note
    }
}

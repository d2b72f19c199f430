// TEMPORARY: the minimal redaction contract used until the redaction branch (issue 3) lands.
// Deleted when that branch is merged; the API below is the agreed one.
import Foundation

public enum RedactionLabel: String, Sendable, Codable, CaseIterable {
    case name = "NAME", phone = "PHONE", email = "EMAIL", date = "DATE", address = "ADDRESS"
}
public enum DetectionSource: String, Sendable, Codable { case knownIdentifier, pattern, gazetteer, context }
public struct RedactionSpan: Sendable, Hashable, Codable {
    public var label: RedactionLabel
    public var range: Range<Int>
    public var source: DetectionSource
    public var confidence: Double
}
public struct KnownIdentifiers: Sendable {
    public var names: [String]
    public var dates: [String]
    public var contacts: [String]
    public init(names: [String] = [], dates: [String] = [], contacts: [String] = []) {
        self.names = names
        self.dates = dates
        self.contacts = contacts
    }
}
public enum RedactionMode: String, Sendable, Codable { case maskAndReport = "mask", refuse }
public struct RedactionResult: Sendable {
    public var text: String
    public var spans: [RedactionSpan]
}
public struct Redactor: Sendable {
    let known: KnownIdentifiers
    public init(known: KnownIdentifiers = KnownIdentifiers()) { self.known = known }

    public func detect(_ text: String) -> [RedactionSpan] {
        let scalars = Array(text.unicodeScalars)
        let lower = scalars.map { Character($0).lowercased().unicodeScalars.first ?? $0 }
        var spans: [RedactionSpan] = []
        let words = known.names.flatMap { $0.split(separator: " ").map(String.init) } + known.names
        for word in Set(words) where word.count >= 2 {
            let w = Array(word.lowercased().unicodeScalars)
            var i = 0
            while i + w.count <= lower.count {
                if Array(lower[i..<i + w.count]) == w,
                   i == 0 || !CharacterSet.letters.contains(lower[i - 1]),
                   i + w.count == lower.count || !CharacterSet.letters.contains(lower[i + w.count]) {
                    spans.append(RedactionSpan(label: .name, range: i..<i + w.count, source: .knownIdentifier, confidence: 1))
                    i += w.count
                } else { i += 1 }
            }
        }
        var i = 0
        while i < scalars.count {
            if scalars[i] == "@" {
                var s = i, e = i + 1
                while s > 0, !CharacterSet.whitespaces.contains(scalars[s - 1]) { s -= 1 }
                while e < scalars.count, !CharacterSet.whitespaces.contains(scalars[e]) { e += 1 }
                if s < i { spans.append(RedactionSpan(label: .email, range: s..<e, source: .pattern, confidence: 0.9)) }
                i = e
            } else if CharacterSet.decimalDigits.contains(scalars[i]) || scalars[i] == "+" {
                var e = i, digits = 0
                while e < scalars.count, CharacterSet.decimalDigits.contains(scalars[e]) || " +().-".unicodeScalars.contains(scalars[e]) {
                    if CharacterSet.decimalDigits.contains(scalars[e]) { digits += 1 }
                    e += 1
                }
                while e > i, !CharacterSet.decimalDigits.contains(scalars[e - 1]) { e -= 1 }
                if digits >= 10 { spans.append(RedactionSpan(label: .phone, range: i..<e, source: .pattern, confidence: 0.9)) }
                i = max(e, i + 1)
            } else { i += 1 }
        }
        spans.sort { $0.range.lowerBound < $1.range.lowerBound }
        var merged: [RedactionSpan] = []
        for s in spans {
            if let last = merged.last, s.range.lowerBound < last.range.upperBound { continue }
            merged.append(s)
        }
        return merged
    }

    public func redact(_ text: String) -> RedactionResult {
        let spans = detect(text)
        let scalars = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView()
        var i = 0
        for s in spans {
            out.append(contentsOf: scalars[i..<s.range.lowerBound])
            out.append(contentsOf: "[\(s.label.rawValue)]".unicodeScalars)
            i = s.range.upperBound
        }
        out.append(contentsOf: scalars[i...])
        return RedactionResult(text: String(out), spans: spans)
    }
}

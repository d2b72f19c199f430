// A detected identifier: a label and a range of Unicode-scalar offsets. Never the text itself.

/// One detected identifier.
///
/// Invariant: a span carries offsets only, never the matched text, so printing or logging a span
/// can never leak the confidential substring.
public struct RedactionSpan: Sendable, Hashable, Codable {
    public var label: RedactionLabel
    /// Unicode-scalar (code point) offsets into the original text, end exclusive.
    public var range: Range<Int>
    public var source: DetectionSource
    /// 0...1, a rough belief that the span is an identifier (not a calibrated probability).
    public var confidence: Double

    public init(label: RedactionLabel, range: Range<Int>, source: DetectionSource, confidence: Double) {
        self.label = label
        self.range = range
        self.source = source
        self.confidence = confidence
    }
}

extension RedactionSpan: CustomStringConvertible, CustomDebugStringConvertible {
    public var description: String {
        "\(label.rawValue)@\(range.lowerBound)..<\(range.upperBound) (\(source.rawValue), \(confidence))"
    }
    public var debugDescription: String { "RedactionSpan(\(description))" }
}

/// The outcome of `Redactor.redact`: the masked text and the spans masked.
public struct RedactionResult: Sendable {
    /// The input with every span replaced by its label's placeholder.
    public var text: String
    /// Offsets into the ORIGINAL text, sorted and non-overlapping.
    public var spans: [RedactionSpan]
    /// The placeholder that replaced each span, parallel to `spans` ("[PERSON 1]", "[SISTER]", "[PHONE]").
    public var placeholders: [String]

    public init(text: String, spans: [RedactionSpan], placeholders: [String]? = nil) {
        self.text = text
        self.spans = spans
        self.placeholders = placeholders ?? spans.map(\.label.placeholder)
    }

    /// Counts per label, for the "what was masked" report shown to the practitioner.
    public var report: [RedactionLabel: Int] {
        spans.reduce(into: [:]) { $0[$1.label, default: 0] += 1 }
    }
}

extension RedactionResult: CustomReflectable {
    /// `dump()` and debuggers see counts and spans only, never the text.
    public var customMirror: Mirror {
        Mirror(self, children: ["scalars": text.unicodeScalars.count, "spans": spans], displayStyle: .struct)
    }
}

extension RedactionResult: CustomStringConvertible, CustomDebugStringConvertible {
    /// Never prints the text (even masked text holds client content); only the spans' labels and offsets.
    public var description: String {
        "RedactionResult(\(text.unicodeScalars.count) scalars, spans: \(spans.map(\.description)))"
    }
    public var debugDescription: String { description }
}

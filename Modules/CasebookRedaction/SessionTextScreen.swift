// The session-record gate (policy P6): identifiers are masked-and-reported or refused.

/// What happens to a session record's free text under the organisation's `RedactionMode`.
public enum ScreenOutcome: Sendable {
    /// No identifier found: store the text as written.
    case clean(String)
    /// Identifiers masked; show the practitioner `result.report` before storing `result.text`.
    case masked(RedactionResult)
    /// Refused: the spans (offsets only) tell the practitioner where the identifiers are.
    case refused([RedactionSpan])
}

extension ScreenOutcome: CustomStringConvertible {
    /// Never prints client text.
    public var description: String {
        switch self {
        case .clean(let t): "clean(\(t.unicodeScalars.count) scalars)"
        case .masked(let r): "masked(\(r.spans.count) spans)"
        case .refused(let s): "refused(\(s.count) spans)"
        }
    }
}

extension Redactor {
    /// Screens free text before it is stored in a session record.
    public func screen(_ text: String, mode: RedactionMode) -> ScreenOutcome {
        switch mode {
        case .maskAndReport:
            let result = redact(text)
            return result.spans.isEmpty ? .clean(text) : .masked(result)
        case .refuse:
            let spans = detect(text)
            return spans.isEmpty ? .clean(text) : .refused(spans)
        }
    }
}

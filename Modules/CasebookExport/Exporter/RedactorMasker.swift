// RedactorMasker: ThirdPartyMasker backed by CasebookRedaction.Redactor (known identifiers + patterns).

import CasebookRedaction

/// Masks with `CasebookRedaction.Redactor`: the known third-party names, plus whatever patterns the
/// redactor detects (emails, phone numbers). Spans become `[NAME]`, `[EMAIL]`, … as the redactor writes them.
public struct RedactorMasker: ThirdPartyMasker {
    let redactor: Redactor

    /// `names`: third parties only (never the client's own name).
    public init(names: [String]) {
        self.redactor = Redactor(known: KnownIdentifiers(names: names))
    }

    public func mask(_ text: String, location: String) -> (text: String, withheld: [RedactionLogEntry]) {
        let result = redactor.redact(text)
        let log = result.spans.map {
            RedactionLogEntry(location: location, label: $0.label.rawValue.lowercased(), reason: "no consent recorded")
        }
        return (result.text, log)
    }
}

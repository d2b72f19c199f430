// The kinds of identifier the redactor finds, and where a detection came from.

/// What kind of identifier a span holds. The raw value is the label used in JSONL output and the
/// placeholder text ("[NAME]", "[PHONE]", …).
public enum RedactionLabel: String, Sendable, Codable, CaseIterable {
    case name = "NAME"
    case phone = "PHONE"
    case email = "EMAIL"
    case url = "URL"
    case handle = "HANDLE"
    case postcode = "POSTCODE"
    case address = "ADDRESS"
    case nhsNumber = "NHS_NUMBER"
    case niNumber = "NI_NUMBER"
    case date = "DATE"
    case organisation = "ORGANISATION"
    case ageLocation = "AGE_LOCATION"

    /// The typed placeholder that replaces a span of this label, e.g. "[NAME]".
    /// Invariant: no detector ever matches a placeholder (see `Tokenizer`), so redaction is idempotent.
    public var placeholder: String { "[\(rawValue)]" }

    /// Structured identifiers: those with a fixed format (checked by scanners, not by word lists).
    public var isStructured: Bool {
        switch self {
        case .phone, .email, .url, .postcode, .nhsNumber, .niNumber, .handle: true
        default: false
        }
    }
}

/// How a span was found.
public enum DetectionSource: String, Sendable, Codable {
    /// An identifier the vault already knows (the client's name, related people, contacts).
    case knownIdentifier
    /// A format scanner (phone, email, postcode, NHS/NI numbers, dates, …).
    case pattern
    /// The shipped gazetteer of UK given names and surnames.
    case gazetteer
    /// Surrounding words (titles, "my brother X", "X said", street suffixes, …).
    case context
}

/// What to do with a session record's free text that contains identifiers (an organisation setting).
public enum RedactionMode: String, Sendable, Codable {
    /// Mask identifiers with placeholders and report to the practitioner what was masked.
    case maskAndReport = "mask"
    /// Refuse to store the text until the practitioner removes the identifiers.
    case refuse
}

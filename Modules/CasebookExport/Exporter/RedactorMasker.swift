// RedactorMasker: ThirdPartyMasker backed by CasebookRedaction.Redactor (known identifiers,
// gazetteer of UK names, format scanners), in subject-access mode.

import CasebookRedaction

/// Masks other people's identifiers with `CasebookRedaction.Redactor`:
/// - the known third parties (related people without consent, staff, other clients) by name and by
///   each part of the name;
/// - anyone else the redactor finds: names from its gazetteer and context, phones, emails, handles,
///   addresses, postcodes, NHS and NI numbers;
/// - but never the data subject's own names and contacts (`KnownIdentifiers.subject`).
///
/// Dates, organisations and age/location phrases are left: in an access response they are the
/// client's own information (session dates, the court that received a disclosure).
public struct RedactorMasker: ThirdPartyMasker {
    let redactor: Redactor
    static let masked: Set<RedactionLabel> = [.name, .phone, .email, .handle, .address, .postcode, .nhsNumber, .niNumber, .url]

    /// `names`: third parties; `subject`: the client's own names and contacts, never masked.
    public init(names: [String], subject: [String] = []) {
        self.redactor = Redactor(known: KnownIdentifiers(names: names, subject: subject))
    }

    public func mask(_ text: String, location: String) -> (text: String, withheld: [RedactionLogEntry]) {
        let spans = redactor.detect(text).filter { Self.masked.contains($0.label) }
        guard !spans.isEmpty else { return (text, []) }
        let scalars = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView()
        var cursor = 0
        var log: [RedactionLogEntry] = []
        for span in spans where span.range.lowerBound >= cursor && span.range.upperBound <= scalars.count {
            out.append(contentsOf: scalars[cursor..<span.range.lowerBound])
            out.append(contentsOf: KnownNameMasker.replacement.unicodeScalars)
            cursor = span.range.upperBound
            log.append(
                RedactionLogEntry(
                    location: location, label: span.label.rawValue.lowercased(),
                    reason: span.source == .knownIdentifier ? "known third party, no consent recorded" : "identifier of another person (\(span.source.rawValue))"))
        }
        out.append(contentsOf: scalars[cursor...])
        return (String(out), log)
    }
}

/// Text from someone this device does not trust (a server's error message, a peer's refusal
/// reason) made safe to show on one terminal line: control characters (C0, DEL, C1: the escape
/// sequences a hostile server could use to rewrite the user's screen), bidirectional and other
/// invisible format characters become `?`, line breaks and tabs become spaces, and the length is
/// capped (ADR 0029).
public enum UntrustedText {
    /// The longest message shown from a server: a real one is one line of well under 300 characters.
    public static let messageLimit = 400
    /// The longest error code accepted from a server.
    public static let codeLimit = 40

    public static func line(_ text: some StringProtocol, limit: Int = messageLimit) -> String {
        var out = String.UnicodeScalarView()
        var count = 0
        for scalar in text.unicodeScalars {
            if count == limit {
                out.append(contentsOf: "…".unicodeScalars)
                break
            }
            switch scalar.value {
            case 0x09, 0x0A, 0x0D: out.append(" ")
            case 0x00...0x1F, 0x7F...0x9F: out.append("?")
            default:
                out.append(scalar.properties.generalCategory == .format ? "?" : scalar)
            }
            count += 1
        }
        return String(out)
    }

    /// A code as servers send them (`training-missing`): lower-case letters, digits and hyphens,
    /// starting with a letter, at most `codeLimit` characters; anything else is not a code (nil).
    public static func code(_ text: String) -> String? {
        guard !text.isEmpty, text.utf8.count <= codeLimit, let first = text.utf8.first, (0x61...0x7A).contains(first),
              text.utf8.allSatisfy({ (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2D }) else { return nil }
        return text
    }
}

/// Escaping for HTML element content and quoted attribute values: the one rule for every page
/// Casebook writes (the local web app's pages, a subject-access bundle's report.html).
/// Control characters other than newline and tab become U+FFFD, so nothing invisible reaches a page.
public enum HTMLText {
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default:
                if scalar.value < 0x20 && scalar != "\n" && scalar != "\t" { out += "&#xFFFD;" } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }
}

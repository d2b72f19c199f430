@testable import CasebookRedaction

/// The detected substrings of `text` with their labels (tests only: real code never materialises them).
func found(_ text: String, _ redactor: Redactor = Redactor()) -> [(String, RedactionLabel)] {
    let scalars = Array(text.unicodeScalars)
    return redactor.detect(text).map { span in
        var s = String.UnicodeScalarView()
        s.append(contentsOf: scalars[span.range])
        return (String(s), span.label)
    }
}

func labels(_ text: String, _ redactor: Redactor = Redactor()) -> [RedactionLabel] {
    redactor.detect(text).map(\.label)
}

func masked(_ text: String, _ redactor: Redactor = Redactor()) -> String { redactor.redact(text).text }

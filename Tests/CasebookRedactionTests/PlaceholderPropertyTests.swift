import PropertyBased
import Testing
@testable import CasebookRedaction

/// Issue 15 properties over random notes built from realistic fragments (the new kinds of
/// identifier, brackets, quotes and readable placeholders). PropertyBased prints the seed of any
/// failure; add `.fixedSeed("…")` to a test to replay it.
@Suite struct PlaceholderPropertyTests {
    static let placeholders = ["[NAME]", "[PERSON 1]", "[PERSON 12]", "[CLIENT]", "[SISTER]", "[SOCIAL_WORKER]", "[PHONE]",
                               "[ORGANISATION 2]", "[ADDRESS 1]", "[DATE]", "[AGE_LOCATION]"]
    static let fragments: [String] = placeholders + [
        "Amira", "Zara", "Tayo", "Kezia", "Hope", "Ivy", "and", "Holly", "said", "told", "her brother", "'s", "mum", "Mrs",
        "Nwachukwu", "Thursday", "26th", "Fri", "27", "Nov", "19/12", "3/10", "mood", "(", ")", "\"", "“", "”", "[", "]", ",",
        ".", ";", ":", "020 7946 0000", "(0117) 496 0123", "07700 900", "\n", "631", "kez", "dot", "at", "gmail", "com",
        "(at)", "yahoo", "(dot)", "uk", "Rose", "Cottage", "Pennywell", "Lane", "3", "Cobbler's", "Wynd", "1st", "Withywood",
        "Scouts", "Bedminster", "swim", "club", "Arnos", "Vale", "Cemetery", "is", "13", "lives", "in", "Hengrove", "😀", "Zoë",
    ]
    static let note = Gen.oneOf(Gen.element(of: fragments).compactMap { $0 }).array(of: 0...28).map { parts in
        parts.enumerated().map { i, p in i > 0 && Bool.random() ? " " + p : p }.joined()
    }
    static let known = KnownIdentifiers(people: [KnownPerson(name: "Amira Okafor", relation: "client"),
                                                 KnownPerson(name: "Zara Okafor", relation: "sister")])

    @Test func redactTwiceEqualsOnce() async {
        let redactor = Redactor(known: Self.known)
        await propertyCheck(count: 400, input: Self.note) { text in
            let once = redactor.redact(text).text
            #expect(redactor.redact(once).text == once)
        }
    }

    @Test func spansNeverOverlap() async {
        let redactor = Redactor(known: Self.known)
        await propertyCheck(count: 400, input: Self.note) { text in
            let spans = redactor.detect(text)
            for (a, b) in zip(spans, spans.dropFirst()) { #expect(a.range.upperBound <= b.range.lowerBound) }
        }
    }

    /// Everything outside the spans is copied unchanged, and no span swallows an unmatched bracket or
    /// quote, or trailing ",;:" or space.
    @Test func punctuationOutsideSpansIsUnchanged() async {
        let redactor = Redactor(known: Self.known)
        await propertyCheck(count: 400, input: Self.note) { text in
            let result = redactor.redact(text)
            let scalars = Array(text.unicodeScalars)
            var rebuilt = String.UnicodeScalarView()
            var cursor = 0
            for (span, placeholder) in zip(result.spans, result.placeholders) {
                rebuilt.append(contentsOf: scalars[cursor..<span.range.lowerBound])
                rebuilt.append(contentsOf: placeholder.unicodeScalars)
                cursor = span.range.upperBound
                let inside = scalars[span.range]
                if let first = inside.first, let close = ["(": ")", "[": "]", "\"": "\"", "“": "”"][String(first)] {
                    #expect(inside.dropFirst().contains(Unicode.Scalar(close)!))
                }
                if let last = inside.last {
                    #expect(![",", ";", ":", " ", "\n"].contains(String(last)))
                    if let open = [")": "(", "]": "[", "”": "“"][String(last)] { #expect(inside.dropLast().contains(Unicode.Scalar(open)!)) }
                }
            }
            rebuilt.append(contentsOf: scalars[cursor...])
            #expect(String(rebuilt) == result.text)
        }
    }

    /// A placeholder in the input is never (part of) a detected span.
    @Test func placeholdersAreNeverRedetected() async {
        let redactor = Redactor(known: Self.known)
        await propertyCheck(count: 400, input: Self.note) { text in
            let scalars = Array(text.unicodeScalars)
            var ranges: [Range<Int>] = []
            for p in Self.placeholders {
                let needle = Array(p.unicodeScalars)
                var i = 0
                while i + needle.count <= scalars.count {
                    if Array(scalars[i..<(i + needle.count)]) == needle { ranges.append(i..<(i + needle.count)) }
                    i += 1
                }
            }
            for span in redactor.detect(text) {
                for r in ranges { #expect(!span.range.overlaps(r)) }
            }
        }
    }
}

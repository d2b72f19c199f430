import PropertyBased
import Testing
@testable import CasebookRedaction

/// redact(redact(x).text).text == redact(x).text, on random notes built from realistic fragments
/// (identifiers, look-alikes, punctuation, placeholders, Unicode). PropertyBased prints the seed of
/// any failure; add `.fixedSeed("…")` to the test to replay it.
@Suite struct IdempotenceTests {
    static let fragments: [String] = [
        "Amira", "amira", "Hope", "hope", "Will", "will", "May", "Mark", "Grace", "Mr", "Dr", "Okafor", "Smith", "Green",
        "said", "told", "her brother", "my friend", "and", "with", "in", "from", "to", "at", "the", "Tuesday", "March",
        "07957", "239820", "+44", "(0117)", "496", "0123", "943", "476", "5919", "5910", "AB", "12", "34", "56", "C",
        "BS1", "4DJ", "SW1A1AA", "@", "kez_22", "amira.k@gmail.com", "www.example.co.uk", ".", ",", "'s", "’s", "-",
        "/", "15-year-old", "aged", "Hartcliffe", "Acacia", "Avenue", "Road", "Flat", "St", "Mary's", "Primary",
        "Academy", "Royal", "Infirmary", "3rd", "of", "2014", "[NAME]", "[PHONE]", "[", "]", "NAME", "😀", "Zoë",
        "\n", "  ", "CAMHS", "GP", "Mum", "Year", "9", "0", "7", "Nevaeh", "Tayo", "rang", "on", "lives",
    ]

    static let note = Gen.oneOf(Gen.element(of: fragments).compactMap { $0 }).array(of: 0...30).map { parts in
        parts.enumerated().map { i, p in i > 0 && Bool.random() ? " " + p : p }.joined()
    }

    @Test func redactTwiceChangesNothing() async {
        let redactor = Redactor()
        await propertyCheck(count: 500, input: Self.note) { text in
            let once = redactor.redact(text).text
            let twice = redactor.redact(once).text
            #expect(once == twice)
        }
    }

    @Test func spansAreSortedDisjointAndInBounds() async {
        let redactor = Redactor()
        await propertyCheck(count: 300, input: Self.note) { text in
            let n = text.unicodeScalars.count
            let spans = redactor.detect(text)
            for s in spans { #expect(s.range.lowerBound >= 0 && s.range.upperBound <= n && !s.range.isEmpty) }
            for (a, b) in zip(spans, spans.dropFirst()) { #expect(a.range.upperBound <= b.range.lowerBound) }
        }
    }

    @Test(arguments: ["Amira Khan rang 07957 239820 from BS1 4DJ.", "[NAME] rang [PHONE].", "Hope said Will Smith's mum called."])
    func examplesAreIdempotent(text: String) {
        let once = masked(text)
        #expect(masked(once) == once)
    }
}

/// Robustness: arbitrary scalar soup (digits, separators, '@', brackets, combining marks, emoji,
/// right-to-left text) never crashes and always yields in-bounds, disjoint spans.
@Suite struct RobustnessTests {
    static let alphabet: [String] = [
        "0", "7", "4", "9", "1", " ", "\n", "\t", "-", ".", "/", "+", "(", ")", "@", "_", "'", "’", ",", ":", "[", "]",
        "A", "B", "S", "Q", "Z", "a", "m", "s", "y", "o", "\u{301}", "😀", "🏽", "é", "ß", "ı", "İ", "ع", "中", "\u{200B}",
        "Mr", "St", "Road", "NAME", "[NAME]", "www.", "http://", "0044", "+44", "(0)",
    ]
    static let soup = Gen.element(of: alphabet).compactMap { $0 }.array(of: 0...60).map { $0.joined() }

    @Test func neverCrashesAndSpansAreWellFormed() async {
        let redactor = Redactor(known: KnownIdentifiers(names: ["Zoë Ab"], contacts: ["0044 7700 900461"], subject: ["Sam"]))
        await propertyCheck(count: 1000, input: Self.soup) { text in
            let n = text.unicodeScalars.count
            let spans = redactor.detect(text)
            for s in spans { #expect(s.range.lowerBound >= 0 && s.range.upperBound <= n && !s.range.isEmpty) }
            for (a, b) in zip(spans, spans.dropFirst()) { #expect(a.range.upperBound <= b.range.lowerBound) }
            let once = redactor.redact(text).text
            #expect(redactor.redact(once).text == once)
        }
    }

    @Test func emptyAndWhitespace() {
        #expect(Redactor().detect("").isEmpty)
        #expect(Redactor().redact(" \n\t ").text == " \n\t ")
    }
}

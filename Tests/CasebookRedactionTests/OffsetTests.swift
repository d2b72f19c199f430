import Testing
@testable import CasebookRedaction

/// Offsets are Unicode scalars (code points), end exclusive.
@Suite struct OffsetTests {
    @Test func emojiAndAccentsBeforeASpan() {
        let text = "Café 😀👍🏽 — Zoë rang 07957 239820."
        let spans = Redactor().detect(text)
        let scalars = Array(text.unicodeScalars)
        let strings = spans.map { s -> String in
            var v = String.UnicodeScalarView()
            v.append(contentsOf: scalars[s.range])
            return String(v)
        }
        #expect(strings == ["Zoë", "07957 239820"])
        let prefix = "Café 😀👍🏽 — "
        #expect(spans.first?.range.lowerBound == prefix.unicodeScalars.count)
        #expect(spans.first?.range.count == 3)
    }

    @Test func combiningCharactersCountAsScalars() {
        let prefix = "Jose\u{301} said hi to "  // "José" with a combining accent: 5 scalars
        let spans = Redactor().detect(prefix + "Amira")
        let start = prefix.unicodeScalars.count
        #expect(spans.last?.range == start..<(start + 5))
        #expect(spans.first?.range == 0..<5, "the combining mark belongs to the name")
    }

    @Test func spansAreSortedAndDisjoint() {
        let text = "Amira Khan, 07957 239820, amira@example.com, BS1 4DJ, 12 Elm Road, Bristol, NHS 943 476 5919."
        let spans = Redactor().detect(text)
        #expect(spans.count >= 6)
        for (a, b) in zip(spans, spans.dropFirst()) { #expect(a.range.upperBound <= b.range.lowerBound) }
    }

    @Test func redactMasksOriginalOffsets() {
        let text = "👋 Amira rang"
        let r = Redactor().redact(text)
        #expect(r.text == "👋 [PERSON 1] rang")
        #expect(r.spans.map(\.range) == [2..<7])
    }
}

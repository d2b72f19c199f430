import Foundation
import Testing
@testable import CasebookRedaction

/// Issue 15, readable output: placeholders say who (relations for the vault's known people, numbers
/// for everyone else, per note), punctuation around a span stays, dates are masked consistently.
@Suite struct ReadabilityTests {
    static let family = KnownIdentifiers(
        names: ["Ottoline Marchbanks"],
        people: [
            KnownPerson(name: "Amira Okafor", relation: "client"),
            KnownPerson(name: "Zara Okafor", relation: "sister"),
            KnownPerson(name: "Grace Okafor", relation: "Mum"),
            KnownPerson(name: "Sue Pendlebury", relation: "social worker"),
            KnownPerson(name: "Joyce Halloran", relation: "Nan Joyce"),
            KnownPerson(name: "Tobias Wren", relation: "friend of the family, Tobias"),
        ])

    struct Case: Sendable, CustomTestStringConvertible {
        var input: String
        var expected: String
        var known = KnownIdentifiers()
        var testDescription: String { expected }
    }

    static let cases: [Case] = [
        // Relations from the client record, not "[NAME]" everywhere.
        Case(input: "Correction: Amira's sister Zara is 13. Mum (Grace) came too.",
             expected: "Correction: [CLIENT]'s sister [SISTER] is 13. Mum ([MUM]) came too.", known: family),
        Case(input: "Sue Pendlebury rang about Amira Okafor.", expected: "[SOCIAL_WORKER] rang about [CLIENT].", known: family),
        Case(input: "Nan Joyce visited.", expected: "Nan [NAN] visited.", known: family),
        // A relation with a name in it never puts the name in the placeholder.
        Case(input: "Tobias called.", expected: "[FRIEND] called.", known: family),
        // A surname the whole family shares says nothing about who: numbered.
        Case(input: "Ms Okafor and Mr Okafor came.", expected: "[PERSON 1] and [PERSON 1] came.", known: family),
        // Other people numbered by first appearance; the same person keeps their number.
        Case(input: "Tayo told Kezia that Tayo's dad left. Kezia was upset.",
             expected: "[PERSON 1] told [PERSON 2] that [PERSON 1]'s dad left. [PERSON 2] was upset."),
        Case(input: "Oluwaseun Adebayo rang. Later Oluwaseun said sorry.", expected: "[PERSON 1] rang. Later [PERSON 1] said sorry."),
        Case(input: "Partner Kacper's phone (07700 900461) and Amira's.",
             expected: "Partner [PERSON 1]'s phone ([PHONE]) and [CLIENT]'s.", known: family),
        // Organisations and addresses numbered too.
        Case(input: "Seen at Southmead Hospital, then Hollybush Surgery, then Southmead Hospital again.",
             expected: "Seen at [ORGANISATION 1], then [ORGANISATION 2], then [ORGANISATION 1] again."),
        // Brackets and quotes around a span are never consumed; area-code brackets inside a number are.
        Case(input: "Call mum (020 7946 0000) today.", expected: "Call mum ([PHONE]) today."),
        Case(input: "Landline (0117) 496 0123.", expected: "Landline [PHONE]."),
        Case(input: "Email [kez22@example.org] or \"amira.k@example.com\".", expected: "Email [[EMAIL]] or \"[EMAIL]\"."),
        // Dates: every form that pins a day is masked, weekday included.
        Case(input: "Fri 27 Nov was moved to Thursday 26th, then 19/12.", expected: "[DATE] was moved to [DATE], then [DATE]."),
        Case(input: "Mood 3/10 on Friday; better in March.", expected: "Mood 3/10 on Friday; better in March."),
    ]

    @Test(arguments: cases)
    func readabilityRule(_ c: Case) {
        let redactor = Redactor(known: c.known)
        let once = redactor.redact(c.input)
        #expect(once.text == c.expected)
        #expect(once.placeholders.count == once.spans.count)
        #expect(redactor.redact(once.text).text == once.text)
    }

    @Test func previewMatchesRedact() {
        let redactor = Redactor(known: Self.family)
        let text = "Amira's sister Zara rang 07700 900461 on Fri 27 Nov."
        let preview = redactor.preview(text)
        #expect(preview.spans.map(\.label) == [.name, .name, .phone, .date])
        #expect(preview.placeholders == ["[CLIENT]", "[SISTER]", "[PHONE]", "[DATE]"])
        #expect(preview.text == redactor.redact(text).text)
    }

    @Test func previewJSONCarriesPlaceholders() throws {
        let json = RedactionJSONL.preview(text: "Tayo rang (07700 900461).", redactor: Redactor())
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(object["text"] as? String == "[PERSON 1] rang ([PHONE]).")
        let spans = try #require(object["spans"] as? [[String: Any]])
        #expect(spans.map { $0["placeholder"] as? String } == ["[PERSON 1]", "[PHONE]"])
        #expect(spans.map { $0["label"] as? String } == ["NAME", "PHONE"])
        #expect(spans.map { $0["start"] as? Int } == [0, 11])
        #expect(spans.map { $0["end"] as? Int } == [4, 23])
    }

    @Test func taughtTermsAreMaskedAsWholeWords() {
        let redactor = Redactor(known: KnownIdentifiers(terms: ["Quibblesnout", "Pennywell Lane"]))
        #expect(masked("walked quibblesnout past Pennywell Lane", redactor) == "walked [PERSON 1] past [ADDRESS 1]")
        #expect(masked("quibblesnouts everywhere", redactor) == "quibblesnouts everywhere")
    }

    @Test func placeholderWordsAreOpaqueOnlyWhenTheyAreRolesOrLabels() {
        // A relation placeholder is never re-detected; an all-capitals name in brackets is not a placeholder.
        #expect(Redactor().detect("[SISTER] and [PERSON 2] met [ORGANISATION 1] staff").isEmpty)
        #expect(labels("[JOHNATHAN] rang") == [.name])
    }
}

import Testing
@testable import CasebookRedaction

/// Descriptions and debug output never print matched (confidential) text.
@Suite struct PrivacyTests {
    let text = "Zorawar Quillfeather rang 07957 239820 about amira.secret@example.com"

    @Test func spanDescriptionsHoldNoText() {
        let spans = Redactor().detect(text)
        #expect(!spans.isEmpty)
        for span in spans {
            for rendered in [span.description, span.debugDescription, String(describing: span), String(reflecting: span), "\(span)"] {
                for secret in ["Zorawar", "Quillfeather", "07957", "239820", "amira", "example.com"] {
                    #expect(!rendered.contains(secret), "span rendering leaks text")
                }
            }
        }
    }

    @Test func resultDescriptionHoldsNoText() {
        let result = Redactor().redact(text)
        for rendered in [result.description, String(reflecting: result), "\(result)"] {
            for secret in ["Zorawar", "rang", "07957", "amira", "about"] {
                #expect(!rendered.contains(secret), "result rendering leaks text")
            }
        }
    }

    @Test func knownIdentifiersDescriptionHoldsNoText() {
        let known = KnownIdentifiers(names: ["Zorawar Quillfeather"], dates: ["2011-04-09"], contacts: ["07957 239820"])
        #expect(!"\(known)".contains("Zorawar") && !"\(known)".contains("2011") && !"\(known)".contains("07957"))
    }

    @Test func screenOutcomeDescriptionHoldsNoText() {
        let outcome = Redactor().screen(text, mode: .refuse)
        #expect(!"\(outcome)".contains("Zorawar"))
    }
}

@Suite struct ReflectionPrivacyTests {
    @Test func dumpShowsNoText() {
        var out = ""
        dump(Redactor().redact("Zorawar Quillfeather felt low about school"), to: &out)
        #expect(!out.contains("felt low") && !out.contains("school"))
        var known = ""
        dump(KnownIdentifiers(names: ["Zorawar Quillfeather"], contacts: ["07957 239820"]), to: &known)
        #expect(!known.contains("Zorawar") && !known.contains("07957"))
    }
}

@Suite struct KnownDateTests {
    @Test func knownDayMonthWithoutYear() {
        let r = Redactor(known: KnownIdentifiers(dates: ["2011-04-09"]))
        #expect(found("Birthday party on 9/4 went well.", r).map(\.1) == [.date])
        // Issue 15: a numeric day/month pins a day, so it is a date even when the vault does not know it;
        // a score is not.
        #expect(found("Birthday party on 9/4 went well.").map(\.1) == [.date])
        #expect(found("Scored 3/4 in the quiz.").isEmpty)
        #expect(found("Scored 3/4 in the quiz.", r).isEmpty)
    }
}

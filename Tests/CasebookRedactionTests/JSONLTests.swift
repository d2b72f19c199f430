import Testing
@testable import CasebookRedaction

@Suite struct JSONLTests {
    let redactor = Redactor()

    @Test func stringIdAndSpans() throws {
        let out = try RedactionJSONL.process(line: #"{"id": "n1", "text": "Amira rang 07957 239820"}"#, redactor: redactor)
        #expect(out == #"{"id":"n1","spans":[{"start":0,"end":5,"label":"NAME"},{"start":11,"end":23,"label":"PHONE"}]}"#)
    }

    @Test func numericIdEchoedAsNumber() throws {
        let out = try RedactionJSONL.process(line: #"{"text": "nothing here", "id": 42}"#, redactor: redactor)
        #expect(out == #"{"id":42,"spans":[]}"#)
    }

    @Test func escapedStringIdRoundTrips() throws {
        let out = try RedactionJSONL.process(line: #"{"id": "a\"b\\c", "text": ""}"#, redactor: redactor)
        #expect(out == #"{"id":"a\"b\\c","spans":[]}"#)
    }

    @Test func offsetsAreCodePoints() throws {
        let out = try RedactionJSONL.process(line: #"{"id": 1, "text": "😀 Amira"}"#, redactor: redactor)
        #expect(out == #"{"id":1,"spans":[{"start":2,"end":7,"label":"NAME"}]}"#)
    }

    @Test(arguments: [
        ("not json Amira", RedactionJSONLError.Code.notJSON),
        (#"["Amira"]"#, .notAnObject),
        (#"{"id": 1}"#, .missingText),
        (#"{"id": 1, "text": 7}"#, .textNotString),
        (#"{"id": {"x": "Amira"}, "text": "Amira"}"#, .badID),
    ])
    func malformedLinesGiveClearErrorsWithoutText(line: String, code: RedactionJSONLError.Code) {
        #expect(throws: RedactionJSONLError(code: code)) { try RedactionJSONL.process(line: line, redactor: redactor) }
        do {
            _ = try RedactionJSONL.process(line: line, redactor: redactor)
        } catch {
            #expect(!error.description.contains("Amira"))
        }
    }
}

@Suite struct ScreenTests {
    let redactor = Redactor()

    @Test func cleanTextPassesInBothModes() {
        for mode in [RedactionMode.maskAndReport, .refuse] {
            guard case .clean(let t) = redactor.screen("Talked about exams on Tuesday.", mode: mode) else {
                Issue.record("expected clean")
                continue
            }
            #expect(t == "Talked about exams on Tuesday.")
        }
    }

    @Test func maskAndReport() {
        guard case .masked(let r) = redactor.screen("Amira rang 07957 239820.", mode: .maskAndReport) else {
            Issue.record("expected masked")
            return
        }
        #expect(r.text == "[PERSON 1] rang [PHONE].")
        #expect(r.report == [.name: 1, .phone: 1])
    }

    @Test func refuse() {
        guard case .refused(let spans) = redactor.screen("Amira rang.", mode: .refuse) else {
            Issue.record("expected refused")
            return
        }
        #expect(spans.map(\.label) == [.name])
    }

    @Test func modeRawValuesAreStable() {
        #expect(RedactionMode(rawValue: "mask") == .maskAndReport)
        #expect(RedactionMode(rawValue: "refuse") == .refuse)
    }
}

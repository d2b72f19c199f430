// libFuzzer target: the redactor on arbitrary text, with its invariants checked: every span lies
// inside the text, spans are sorted and do not overlap, and redacting the redacted text again
// changes nothing. Built only by Scripts/fuzz (see docs/fuzzing.md).
import CasebookRedaction
import Foundation

func fuzzCheck(_ condition: Bool, _ what: @autoclosure () -> String) {
    if !condition { fatalError("fuzz invariant broken: \(what())") }
}

let plainRedactor = Redactor()
let knownRedactor = Redactor(known: KnownIdentifiers(
    names: ["Amira Okonkwo", "Nan Joyce"], dates: ["2011-04-09"], contacts: ["07700 900123", "amira@example.org"],
    subject: ["Amira Okonkwo"]))

// The test function, handed to libFuzzer by Entry.swift.
public func fuzzRedaction(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let start, count > 0 else { return 0 }
    let data = Data(bytes: start, count: count)
    let redactor = data[data.startIndex] & 1 == 0 ? plainRedactor : knownRedactor
    let text = String(decoding: data.dropFirst(), as: UTF8.self)
    let scalars = text.unicodeScalars.count
    let result = redactor.redact(text)
    var previousEnd = 0
    for span in result.spans {
        fuzzCheck(span.range.lowerBound >= 0 && span.range.upperBound <= scalars, "span inside the text")
        fuzzCheck(!span.range.isEmpty, "span not empty")
        fuzzCheck(span.range.lowerBound >= previousEnd, "spans sorted and non-overlapping")
        previousEnd = span.range.upperBound
    }
    for span in redactor.detect(text) {
        fuzzCheck(span.range.lowerBound >= 0 && span.range.upperBound <= scalars, "detected span inside the text")
    }
    let again = redactor.redact(result.text)
    fuzzCheck(again.text == result.text, "redaction is idempotent")
    return 0
}

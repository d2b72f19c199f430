// libFuzzer target: the Models decoders that take outside bytes (LocalDate, HLC, identifiers,
// related-person text, record bodies as JSON). A crash, a sanitizer report or a failed invariant
// (`fuzzCheck`) is a finding. Built only by Scripts/fuzz (see docs/fuzzing.md).
import CasebookModels
import Foundation

/// Traps with a message that names the broken invariant (never the input, which could be anything).
func fuzzCheck(_ condition: Bool, _ what: @autoclosure () -> String) {
    if !condition { fatalError("fuzz invariant broken: \(what())") }
}

// The test function, handed to libFuzzer by Entry.swift.
public func fuzzModels(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let start, count > 0 else { return 0 }
    let data = Data(bytes: start, count: count)
    let selector = data[data.startIndex]
    let body = data.dropFirst()
    let text = String(decoding: body, as: UTF8.self)
    switch selector % 4 {
    case 0:
        // LocalDate: parse, print, arithmetic stays valid.
        if let date = LocalDate(iso: text) {
            fuzzCheck(LocalDate(iso: date.iso) == date, "LocalDate round trip")
            fuzzCheck(date.addingDays(0) == date, "LocalDate +0 days")
            let later = date.addingDays(400)
            fuzzCheck(date.days(until: later) == 400, "LocalDate day arithmetic")
            fuzzCheck(date.addingMonths(13).day <= 31, "LocalDate month arithmetic")
        }
    case 1:
        // HLC text form: parse, print, parse again gives the same value.
        if let hlc = HLCTimestamp(parsing: text) {
            fuzzCheck(HLCTimestamp(parsing: hlc.description) == hlc, "HLC round trip")
        }
    case 2:
        // Typed identifiers and NAME:RELATION parsing from user input.
        if let id = ClientID(parsing: text) {
            fuzzCheck(ClientID(parsing: id.rawValue) == id, "identifier round trip")
        }
        _ = RelatedPerson(parsing: text)
    default:
        // Record bodies decoded from (decrypted) JSON sent by another member.
        let decoder = JSONDecoder()
        if let value = try? decoder.decode(JSONValue.self, from: Data(body)) {
            let again = try? decoder.decode(JSONValue.self, from: JSONEncoder().encode(value))
            fuzzCheck(again != nil, "JSONValue re-decodes")
        }
        _ = try? decoder.decode(SessionRecord.self, from: Data(body))
        _ = try? decoder.decode(Client.self, from: Data(body))
        _ = try? decoder.decode(SafeguardingConcern.self, from: Data(body))
        _ = try? decoder.decode(RevisionHeader.self, from: Data(body))
        _ = try? decoder.decode(RevisionBody.self, from: Data(body))
        _ = try? decoder.decode(OrganisationSettings.self, from: Data(body))
        _ = try? decoder.decode(Disclosure.self, from: Data(body))
    }
    return 0
}

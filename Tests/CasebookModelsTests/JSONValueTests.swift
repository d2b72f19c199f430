import CasebookModels
import Foundation
import Testing

/// `JSONValue` decodes each JSON kind to the same case whatever order it tries them in: strings that look
/// like numbers or bools stay strings, integers stay integers, and nesting round-trips.
@Suite struct JSONValueTests {
    static let cases: [(json: String, value: JSONValue)] = [
        (#"null"#, .null),
        (#"true"#, .bool(true)),
        (#"false"#, .bool(false)),
        (#""true""#, .string("true")),
        (#""1""#, .string("1")),
        (#""""#, .string("")),
        (#"1"#, .int(1)),
        (#"0"#, .int(0)),
        (#"-9007199254740993"#, .int(-9_007_199_254_740_993)),
        (#"1.5"#, .double(1.5)),
        (#"[1,"a",true,null,[2.5]]"#, .array([.int(1), .string("a"), .bool(true), .null, .array([.double(2.5)])])),
        (#"{"a":{"b":["c",1]},"n":null}"#, .object(["a": .object(["b": .array([.string("c"), .int(1)])]), "n": .null])),
    ]

    @Test(arguments: cases)
    func decodesEachKindToItsCase(json: String, value: JSONValue) throws {
        let decoded = try JSONDecoder().decode(JSONValue.self, from: Data(json.utf8))
        #expect(decoded == value)
        let again = try JSONDecoder().decode(JSONValue.self, from: try JSONEncoder().encode(decoded))
        #expect(again == value)
    }
}

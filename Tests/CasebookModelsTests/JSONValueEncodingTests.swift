import CasebookModels
import Foundation
import Testing

/// `FieldCoding.fields` builds record fields without Foundation's JSON round trip, and a revision
/// body writes its own JSON text (ADR 0031): both must give exactly what the Foundation path gives,
/// or a record would read back differently on another replica.
@Suite struct JSONValueEncodingTests {
    /// The Foundation path that defined record fields before ADR 0031.
    static func reference<T: Encodable>(_ value: T) throws -> [String: JSONValue] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard case .object(let object) = try JSONDecoder().decode(JSONValue.self, from: try encoder.encode(value)) else {
            Issue.record("not an object")
            return [:]
        }
        return object
    }

    enum Mood: String, Codable { case calm, anxious }

    struct Nested: Codable, Equatable {
        var note: String
        var tags: [String]
        var mood: Mood?
    }

    /// Every kind the fast path handles itself.
    struct Fast: Codable {
        var text = "Quote \" backslash \\ slash / newline \n tab \t bell \u{07} nul \u{00} emoji 😀 line-sep \u{2028} é"
        var empty = ""
        var int = 42
        var negative = Int64.min
        var small: Int8 = -7
        var unsigned: UInt32 = 4_000_000_000
        var big: UInt64 = 9_000_000_000_000_000_000
        var whole = 50.0
        var fraction = 1.5
        var tiny = 1e-5
        var negativeZero = -0.0
        var yes = true
        var bytes = Data([0, 1, 2, 250, 255, 63, 62])
        var when = Date(timeIntervalSinceReferenceDate: 812_345_678.25)
        var absent: String?
        var present: String? = "here"
        var day = LocalDate(year: 2026, month: 12, day: 3)
        var id = RecordID(rawValue: "rec-1")
        var counts = ["name": 2, "date": 1]
        var byNumber = [1: "one", 20: "twenty"]
        var nested = Nested(note: "n", tags: ["a", "b"], mood: .calm)
        var list = [Nested(note: "x", tags: [], mood: nil)]
        var matrix = [[1, 2], [], [3]]
        var emptyObject: [String: Int] = [:]
        var mood = Mood.anxious
    }

    /// Kinds the fast path leaves to Foundation (the result must still be Foundation's).
    struct Slow: Codable {
        var float: Float = 0.1
        var huge = 1e300
        var beyond = UInt64.max
        var url = URL(string: "https://example.org/a?b=c")
        var decimal = Decimal(string: "12.34")
    }

    @Test func fieldsMatchFoundationForEveryKind() throws {
        #expect(try FieldCoding.fields(of: Fast()) == Self.reference(Fast()))
        #expect(try FieldCoding.fields(of: Slow()) == Self.reference(Slow()))
    }

    @Test func fieldsMatchFoundationForRecords() throws {
        let session = SessionRecord(id: .random(), clientID: ClientID(rawValue: "client-1"), practitioner: PersonID(rawValue: "p-1"),
                                    on: LocalDate(year: 2026, month: 11, day: 2)!, minutes: 50, platform: "Microsoft Teams",
                                    practitionerPrivate: true, clientPrivate: false, topics: "Talked about \"school\"\nand sleep",
                                    progress: "", followUp: "Review in two weeks", status: .finalised, masked: ["name": 1])
        #expect(try FieldCoding.fields(of: session) == Self.reference(session))
        let client = Client(id: ClientID(rawValue: "client-2"), name: "Ada Synthetic", bornOn: LocalDate(year: 2010, month: 1, day: 5),
                            related: [RelatedPerson(name: "Bo Synthetic", relation: "parent", consentsToDisclosure: true)],
                            contacts: ["07700 900123"])
        #expect(try FieldCoding.fields(of: client) == Self.reference(client))
        let amendment = Amendment(id: .random(), sessionID: session.id, clientID: session.clientID, text: "Correction: Tuesday",
                                  author: PersonID(rawValue: "p-1"), on: LocalDate(year: 2026, month: 11, day: 3)!)
        #expect(try FieldCoding.fields(of: amendment) == Self.reference(amendment))
        // And the typed record reads back from the fields.
        #expect(try FieldCoding.decode(SessionRecord.self, from: FieldCoding.fields(of: session)) == session)
    }

    @Test func bodyTextDecodesToTheSameBodyAsFoundations() throws {
        var awkward = String((0..<32).map { Character(Unicode.Scalar(UInt8($0))) })
        awkward += "\"\\/😀\u{2028}\u{FEFF}é"
        let fields: [String: JSONValue] = [
            "text": .string(awkward), "n": .int(-3), "x": .double(0.1), "big": .double(1e300), "t": .bool(false), "z": .null,
            "list": .array([.int(1), .string(""), .object([:]), .array([])]),
            "obj": .object(["b": .int(2), "a": .object(["é": .string("e"), "e": .string("é")])]),
        ]
        for body in [RevisionBody(fields: fields, author: PersonID(rawValue: "p\"1"), policyVersion: "v2"),
                     RevisionBody(fields: [:], author: PersonID(rawValue: "p"), policyVersion: nil)] {
            let decoded = try JSONDecoder().decode(RevisionBody.self, from: body.jsonBytes)
            #expect(decoded == body)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            #expect(try JSONDecoder().decode(RevisionBody.self, from: encoder.encode(body)) == decoded)
        }
        // Keys sorted, no optional key when absent: the shape JSONEncoder(.sortedKeys) wrote.
        let plain = RevisionBody(fields: ["b": .int(1), "a": .string("x")], author: PersonID(rawValue: "p"), policyVersion: nil)
        #expect(String(decoding: plain.jsonBytes, as: UTF8.self) == #"{"author":"p","fields":{"a":"x","b":1}}"#)
    }
}

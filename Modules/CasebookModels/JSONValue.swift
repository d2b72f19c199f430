import Foundation

/// A JSON value: the representation of record fields inside an encrypted revision body.
public enum JSONValue: Hashable, Sendable, Codable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        // JSON's kinds are disjoint (a string never decodes as a number or a bool, nor the reverse), so
        // only the number order matters (integers before doubles). Strings, most fields, go first: every
        // failed attempt costs a thrown error, and record bodies are decoded on every read and pull.
        if c.decodeNil() { self = .null }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let i = try? c.decode(Int64.self) { self = .int(i) }
        else if let d = try? c.decode(Double.self) { self = .double(d) }
        else if let a = try? c.decode([JSONValue].self) { self = .array(a) }
        else { self = .object(try c.decode([String: JSONValue].self)) }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .bool(let b): try c.encode(b)
        case .int(let i): try c.encode(i)
        case .double(let d): try c.encode(d)
        case .string(let s): try c.encode(s)
        case .array(let a): try c.encode(a)
        case .object(let o): try c.encode(o)
        }
    }

    public var stringValue: String? { if case .string(let s) = self { s } else { nil } }
}

/// Converts between typed records and the field maps that revisions carry.
public enum FieldCoding {
    /// Field map of a record: its JSON object, one entry per stored property.
    /// Built directly by `JSONValueEncoding`; a type it cannot reproduce exactly takes Foundation's
    /// encode-then-decode path, which defines the result.
    public static func fields<T: Encodable>(of value: T) throws(CasebookError) -> [String: JSONValue] {
        if case .object(let object)? = try? JSONValueEncoding.encode(value) { return object }
        do {
            let data = try encoder.encode(value)
            guard case .object(let object) = try JSONDecoder().decode(JSONValue.self, from: data) else {
                throw CasebookError(.invalidInput, "a record must encode as a JSON object")
            }
            return object
        } catch let error as CasebookError {
            throw error
        } catch {
            throw CasebookError(.invalidInput, "could not encode a record of type \(T.self)")
        }
    }

    public static func decode<T: Decodable>(_ type: T.Type, from fields: [String: JSONValue]) throws(CasebookError) -> T {
        do {
            let data = try encoder.encode(JSONValue.object(fields))
            return try JSONDecoder().decode(T.self, from: data)
        } catch {
            throw CasebookError(.vaultCorrupt, "a stored \(T.self) record could not be read (format mismatch)")
        }
    }

    /// Fields whose values differ between two states (the patch a revision carries).
    public static func changes(from old: [String: JSONValue], to new: [String: JSONValue]) -> [String: JSONValue] {
        var patch: [String: JSONValue] = [:]
        for (key, value) in new where old[key] != value { patch[key] = value }
        for key in old.keys where new[key] == nil { patch[key] = .null }
        return patch
    }

    private static var encoder: JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        return e
    }
}

import Foundation

/// Encodes a typed record straight into `JSONValue` fields, and writes `JSONValue` as JSON text,
/// without Foundation's `JSONEncoder`/`JSONDecoder` round trip (ADR 0031: that round trip and the
/// body's `JSONEncoder` were the largest share of logging a session).
///
/// The result is the value `JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(value))`
/// gives: integers that fit in 64 bits are `.int`, a whole-number `Double` is `.int` as well (the
/// encoder writes `50.0` as `50`), `Data` is its base64 string, `Date` its reference-date seconds.
/// Anything this cannot reproduce with certainty (`Float`, `Decimal`, `URL`, doubles beyond 2^53,
/// unsigned integers beyond `Int64`) throws `JSONValueEncoding.Unsupported`, and `FieldCoding`
/// then takes Foundation's path; `JSONValueEncodingTests` compares both paths for every record type.
enum JSONValueEncoding {
    struct Unsupported: Error {}

    static func encode<T: Encodable>(_ value: T) throws -> JSONValue {
        let node = Node()
        try node.set(value, path: [])
        return node.resolved
    }

    final class Node {
        var scalar: JSONValue?
        var object: [String: Node]?
        var array: [Node]?

        var resolved: JSONValue {
            if let object { return .object(object.mapValues(\.resolved)) }
            if let array { return .array(array.map(\.resolved)) }
            return scalar ?? .object([:])
        }

        func set<T: Encodable>(_ value: T, path: [any CodingKey]) throws {
            if let special = try JSONValueEncoding.special(value) { scalar = special; return }
            try value.encode(to: ValueEncoder(node: self, codingPath: path))
        }
    }

    /// The types `JSONEncoder` writes in its own way rather than through their `Encodable` conformance.
    static func special(_ value: some Encodable) throws -> JSONValue? {
        switch value {
        case let v as String: return .string(v)
        case let v as Bool: return .bool(v)
        case let v as Int: return .int(Int64(v))
        case let v as Int64: return .int(v)
        case let v as Double: return try number(v)
        case let v as Data: return .string(v.base64EncodedString())
        case is Float, is Decimal, is URL: throw Unsupported()
        default: return nil
        }
    }

    static func number(_ d: Double) throws -> JSONValue {
        guard d.isFinite, abs(d) < 9_007_199_254_740_992 else { throw Unsupported() }
        if d.rounded() == d, let i = Int64(exactly: d) { return .int(i) }
        return .double(d)
    }

    static func integer<I: BinaryInteger>(_ i: I) throws -> JSONValue {
        guard let v = Int64(exactly: i) else { throw Unsupported() }
        return .int(v)
    }

    struct ValueEncoder: Encoder {
        let node: Node
        var codingPath: [any CodingKey]
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
            if node.object == nil { node.object = [:] }
            return KeyedEncodingContainer(Keyed<Key>(node: node, codingPath: codingPath))
        }

        func unkeyedContainer() -> any UnkeyedEncodingContainer {
            if node.array == nil { node.array = [] }
            return Unkeyed(node: node, codingPath: codingPath)
        }

        func singleValueContainer() -> any SingleValueEncodingContainer { Single(node: node, codingPath: codingPath) }
    }

    struct Keyed<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let node: Node
        var codingPath: [any CodingKey]

        private func child(_ key: Key) -> Node {
            let child = Node()
            node.object?[key.stringValue] = child
            return child
        }

        mutating func encodeNil(forKey key: Key) throws { child(key).scalar = .null }
        mutating func encode(_ value: Bool, forKey key: Key) throws { child(key).scalar = .bool(value) }
        mutating func encode(_ value: String, forKey key: Key) throws { child(key).scalar = .string(value) }
        mutating func encode(_ value: Double, forKey key: Key) throws { child(key).scalar = try number(value) }
        mutating func encode(_ value: Float, forKey key: Key) throws { throw Unsupported() }
        mutating func encode(_ value: Int, forKey key: Key) throws { child(key).scalar = try integer(value) }
        mutating func encode(_ value: Int8, forKey key: Key) throws { child(key).scalar = try integer(value) }
        mutating func encode(_ value: Int16, forKey key: Key) throws { child(key).scalar = try integer(value) }
        mutating func encode(_ value: Int32, forKey key: Key) throws { child(key).scalar = try integer(value) }
        mutating func encode(_ value: Int64, forKey key: Key) throws { child(key).scalar = try integer(value) }
        mutating func encode(_ value: UInt, forKey key: Key) throws { child(key).scalar = try integer(value) }
        mutating func encode(_ value: UInt8, forKey key: Key) throws { child(key).scalar = try integer(value) }
        mutating func encode(_ value: UInt16, forKey key: Key) throws { child(key).scalar = try integer(value) }
        mutating func encode(_ value: UInt32, forKey key: Key) throws { child(key).scalar = try integer(value) }
        mutating func encode(_ value: UInt64, forKey key: Key) throws { child(key).scalar = try integer(value) }
        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
            try child(key).set(value, path: codingPath + [key])
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type,
                                                            forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
            ValueEncoder(node: child(key), codingPath: codingPath + [key]).container(keyedBy: keyType)
        }

        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            ValueEncoder(node: child(key), codingPath: codingPath + [key]).unkeyedContainer()
        }

        mutating func superEncoder() -> any Encoder {
            let child = Node()
            node.object?["super"] = child
            return ValueEncoder(node: child, codingPath: codingPath)
        }

        mutating func superEncoder(forKey key: Key) -> any Encoder { ValueEncoder(node: child(key), codingPath: codingPath + [key]) }
    }

    struct Unkeyed: UnkeyedEncodingContainer {
        let node: Node
        var codingPath: [any CodingKey]
        var count: Int { node.array?.count ?? 0 }

        private func append() -> Node {
            let child = Node()
            node.array?.append(child)
            return child
        }

        mutating func encodeNil() throws { append().scalar = .null }
        mutating func encode(_ value: Bool) throws { append().scalar = .bool(value) }
        mutating func encode(_ value: String) throws { append().scalar = .string(value) }
        mutating func encode(_ value: Double) throws { append().scalar = try number(value) }
        mutating func encode(_ value: Float) throws { throw Unsupported() }
        mutating func encode(_ value: Int) throws { append().scalar = try integer(value) }
        mutating func encode(_ value: Int8) throws { append().scalar = try integer(value) }
        mutating func encode(_ value: Int16) throws { append().scalar = try integer(value) }
        mutating func encode(_ value: Int32) throws { append().scalar = try integer(value) }
        mutating func encode(_ value: Int64) throws { append().scalar = try integer(value) }
        mutating func encode(_ value: UInt) throws { append().scalar = try integer(value) }
        mutating func encode(_ value: UInt8) throws { append().scalar = try integer(value) }
        mutating func encode(_ value: UInt16) throws { append().scalar = try integer(value) }
        mutating func encode(_ value: UInt32) throws { append().scalar = try integer(value) }
        mutating func encode(_ value: UInt64) throws { append().scalar = try integer(value) }
        mutating func encode<T: Encodable>(_ value: T) throws { try append().set(value, path: codingPath) }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
            ValueEncoder(node: append(), codingPath: codingPath).container(keyedBy: keyType)
        }

        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
            ValueEncoder(node: append(), codingPath: codingPath).unkeyedContainer()
        }

        mutating func superEncoder() -> any Encoder { ValueEncoder(node: append(), codingPath: codingPath) }
    }

    struct Single: SingleValueEncodingContainer {
        let node: Node
        var codingPath: [any CodingKey]

        mutating func encodeNil() throws { node.scalar = .null }
        mutating func encode(_ value: Bool) throws { node.scalar = .bool(value) }
        mutating func encode(_ value: String) throws { node.scalar = .string(value) }
        mutating func encode(_ value: Double) throws { node.scalar = try number(value) }
        mutating func encode(_ value: Float) throws { throw Unsupported() }
        mutating func encode(_ value: Int) throws { node.scalar = try integer(value) }
        mutating func encode(_ value: Int8) throws { node.scalar = try integer(value) }
        mutating func encode(_ value: Int16) throws { node.scalar = try integer(value) }
        mutating func encode(_ value: Int32) throws { node.scalar = try integer(value) }
        mutating func encode(_ value: Int64) throws { node.scalar = try integer(value) }
        mutating func encode(_ value: UInt) throws { node.scalar = try integer(value) }
        mutating func encode(_ value: UInt8) throws { node.scalar = try integer(value) }
        mutating func encode(_ value: UInt16) throws { node.scalar = try integer(value) }
        mutating func encode(_ value: UInt32) throws { node.scalar = try integer(value) }
        mutating func encode(_ value: UInt64) throws { node.scalar = try integer(value) }
        mutating func encode<T: Encodable>(_ value: T) throws { try node.set(value, path: codingPath) }
    }
}

extension JSONValue {
    /// JSON text of this value, object keys sorted: what `JSONEncoder` with `.sortedKeys` writes,
    /// except that `/` is not escaped. Any JSON decoder reads it back as the same value.
    public func writeJSON(into out: inout [UInt8]) {
        switch self {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .int(let i): out.append(contentsOf: String(i).utf8)
        case .double(let d): out.append(contentsOf: (d.isFinite ? d.description : "null").utf8)
        case .string(let s): Self.writeString(s, into: &out)
        case .array(let a):
            out.append(UInt8(ascii: "["))
            for (i, v) in a.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                v.writeJSON(into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let o): Self.writeObject(o.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }, into: &out)
        }
    }

    static func writeObject(_ members: [(key: String, value: JSONValue)], into out: inout [UInt8]) {
        out.append(UInt8(ascii: "{"))
        for (i, member) in members.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            writeString(member.key, into: &out)
            out.append(UInt8(ascii: ":"))
            member.value.writeJSON(into: &out)
        }
        out.append(UInt8(ascii: "}"))
    }

    /// A JSON string: `"` and `\` escaped, control characters as `\n`, `\t`, ... or `\u00XX`, all
    /// other text as its UTF-8 bytes.
    public static func writeString(_ s: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in s.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x0A: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0x00..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                        hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}

extension RevisionBody {
    /// The body's JSON text (the plaintext a revision encrypts): the object `JSONEncoder` with
    /// sorted keys writes, built directly (ADR 0031). Receivers decode it with `JSONDecoder`.
    public var jsonBytes: Data {
        var out: [UInt8] = []
        out.reserveCapacity(512)
        var members: [(key: String, value: JSONValue)] = [("author", .string(author.rawValue)), ("fields", .object(fields))]
        if let policyVersion { members.append(("policyVersion", .string(policyVersion))) }
        JSONValue.writeObject(members, into: &out)
        return Data(out)
    }
}

// The `casebook redact --jsonl` contract as a library function: one JSON object per line in,
// one out, offsets in Unicode scalars, end exclusive.

import Foundation

/// Errors from `RedactionJSONL.process`. Messages never include the line's text.
public struct RedactionJSONLError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable { case notJSON, notAnObject, missingText, textNotString, badID }
    public var code: Code
    public var description: String {
        switch code {
        case .notJSON: "line is not valid JSON"
        case .notAnObject: "line is not a JSON object"
        case .missingText: "object has no \"text\" field"
        case .textNotString: "\"text\" is not a string"
        case .badID: "\"id\" must be a string, number, boolean or null"
        }
    }
}

public enum RedactionJSONL {
    /// A JSON scalar id, echoed back as it was decoded.
    enum ID: Decodable {
        case string(String), int(Int64), double(Double), bool(Bool), null

        init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if c.decodeNil() { self = .null }
            else if let b = try? c.decode(Bool.self) { self = .bool(b) }
            else if let i = try? c.decode(Int64.self) { self = .int(i) }
            else if let d = try? c.decode(Double.self) { self = .double(d) }
            else { self = .string(try c.decode(String.self)) }
        }

        var json: String {
            switch self {
            case .null: return "null"
            case .bool(let b): return b ? "true" : "false"
            case .int(let i): return String(i)
            case .double(let d): return d.isFinite ? "\(d)" : "null"
            case .string(let s): return RedactionJSONL.quote(s)
            }
        }
    }

    struct Line: Decodable {
        var id: ID?
        var text: String
    }

    /// Parses `{"id": <scalar>, "text": <string>}` and returns `{"id": <same>, "spans": [...]}`
    /// with spans sorted by start. A missing id is echoed as null.
    public static func process(line: String, redactor: Redactor) throws(RedactionJSONLError) -> String {
        let data = Data(line.utf8)
        let parsed: Line
        do {
            parsed = try JSONDecoder().decode(Line.self, from: data)
        } catch let DecodingError.keyNotFound(key, _) where key.stringValue == "text" {
            throw RedactionJSONLError(code: .missingText)
        } catch let DecodingError.typeMismatch(_, ctx) {
            if ctx.codingPath.first?.stringValue == "text" { throw RedactionJSONLError(code: .textNotString) }
            if ctx.codingPath.first?.stringValue == "id" { throw RedactionJSONLError(code: .badID) }
            throw RedactionJSONLError(code: .notAnObject)
        } catch let DecodingError.dataCorrupted(ctx) where !ctx.codingPath.isEmpty {
            throw RedactionJSONLError(code: ctx.codingPath.first?.stringValue == "id" ? .badID : .notJSON)
        } catch {
            throw RedactionJSONLError(code: .notJSON)
        }
        let spans = redactor.detect(parsed.text)
        var out = "{\"id\":\((parsed.id ?? .null).json),\"spans\":["
        for (k, s) in spans.enumerated() {
            if k > 0 { out += "," }
            out += "{\"start\":\(s.range.lowerBound),\"end\":\(s.range.upperBound),\"label\":\"\(s.label.rawValue)\"}"
        }
        out += "]}"
        return out
    }

    /// The preview as one JSON object: the masked text and, per span, its offsets into the original
    /// (Unicode scalars, end exclusive), label and placeholder. Used by `casebook redact --json`.
    /// Holds client content (the masked text and offsets): show it to the practitioner, never log it.
    public static func preview(text: String, redactor: Redactor) -> String {
        let result = redactor.preview(text)
        var out = "{\"text\":\(quote(result.text)),\"spans\":["
        for (k, s) in result.spans.enumerated() {
            if k > 0 { out += "," }
            out += "{\"start\":\(s.range.lowerBound),\"end\":\(s.range.upperBound),\"label\":\"\(s.label.rawValue)\","
            out += "\"placeholder\":\(quote(result.placeholders[k])),\"source\":\"\(s.source.rawValue)\"}"
        }
        return out + "]}"
    }

    /// JSON string literal for `s`.
    static func quote(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 { out += String(format: "\\u%04x", u.value) } else { out.unicodeScalars.append(u) }
            }
        }
        return out + "\""
    }
}

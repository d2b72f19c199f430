import Foundation

/// An application/x-www-form-urlencoded body (or query), parsed once by the guard.
struct Form: Sendable {
    private(set) var fields: [(String, String)] = []

    init() {}

    init(encoded text: String) {
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = Form.decode(parts[0])
            let value = parts.count > 1 ? Form.decode(parts[1]) : ""
            fields.append((name, value))
        }
    }

    static func decode(_ part: Substring) -> String {
        let spaced = part.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }

    subscript(_ name: String) -> String? { fields.first { $0.0 == name }?.1 }

    /// A trimmed, non-empty value, or nil.
    func text(_ name: String) -> String? {
        guard let value = self[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return nil }
        return value
    }

    func all(_ name: String) -> [String] { fields.filter { $0.0 == name }.map(\.1) }

    /// A checkbox: present with any value.
    func checked(_ name: String) -> Bool { self[name] != nil }
}

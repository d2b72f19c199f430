// BundlePassword: the password of an encrypted bundle; never printed.

public import Foundation

/// The password that encrypts a bundle (WinZip AES-256). Its bytes are the UTF-8 of the text.
///
/// Never `Codable`; `description`, `debugDescription` and reflection print `<redacted>` so that a
/// password cannot reach a log by accident.
public struct BundlePassword: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    let bytes: [UInt8]

    /// A password from text; refuses an empty one.
    public init(_ text: String) throws(ExportError) {
        guard !text.isEmpty else { throw ExportError(.emptyPassword, "the password is empty") }
        self.bytes = Array(text.utf8)
    }

    /// A password from the contents of a password file: the first line, without its line ending.
    public init(fileContents: Data) throws(ExportError) {
        var line = Array(fileContents.prefix { $0 != 0x0A })
        if line.last == 0x0D { line.removeLast() }
        try self.init(String(decoding: line, as: UTF8.self))
    }

    public var description: String { "BundlePassword(<redacted>)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}

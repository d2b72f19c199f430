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

    /// Refuses a password too weak for a new bundle (ADR 0018): fewer than 12 characters or
    /// fewer than 6 different ones (an AES bundle travels by e-mail and is attacked offline).
    /// Bundles are still opened with any password.
    public func requireStrongForNewBundle() throws(ExportError) {
        let text = String(decoding: bytes, as: UTF8.self)
        guard text.count >= 12, Set(text).count >= 6 else {
            throw ExportError(.weakPassword, "the bundle password is too weak (it needs at least 12 characters, 6 of them different); "
                              + "for example this passphrase, generated now and shown once: \(Self.generate())")
        }
    }

    /// A random passphrase of six four-letter groups (about 112 bits), easy to read out on the phone.
    public static func generate() -> String {
        let letters = Array("abcdefghjkmnpqrstuvwxyz")  // no i, l, o: nothing to confuse with 1 and 0
        var generator = SystemRandomNumberGenerator()
        return (0..<6).map { _ in String((0..<4).map { _ in letters[Int(generator.next(upperBound: UInt(letters.count)))] }) }
            .joined(separator: "-")
    }

    public var description: String { "BundlePassword(<redacted>)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}

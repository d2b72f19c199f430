import Foundation

/// A typed identifier: the phantom `Tag` stops a `PersonID` being passed where a `ClientID` is meant.
///
/// Identifiers are random UUIDs rendered in lower case, except content-addressed ones
/// (`RevisionID`, a SHA-256 in hex) and the organisation case (`CaseID.organisation`).
/// They carry no client content and may appear in logs and clear headers.
public struct Identifier<Tag>: Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    public let rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }

    /// A fresh random identifier.
    public static func random() -> Self { Self(rawValue: UUID().uuidString.lowercased()) }

    /// Parses user input: accepts any non-empty identifier made of `[0-9a-z-]`, at most 64 characters.
    public init?(parsing text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        guard !trimmed.isEmpty, trimmed.count <= 64,
              trimmed.unicodeScalars.allSatisfy({ ("0"..."9").contains($0) || ("a"..."z").contains($0) || $0 == "-" })
        else { return nil }
        self.rawValue = trimmed
    }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public var description: String { rawValue }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}

public enum IdentifierTags {
    public enum Case {}
    public enum Person {}
    public enum Device {}
    public enum Record {}
    public enum Revision {}
    public enum Organisation {}
}

/// A case is every record about one client; the client's id is the case id.
public typealias CaseID = Identifier<IdentifierTags.Case>
public typealias ClientID = CaseID
public typealias PersonID = Identifier<IdentifierTags.Person>
public typealias DeviceID = Identifier<IdentifierTags.Device>
public typealias RecordID = Identifier<IdentifierTags.Record>
/// Content address of a sealed revision: SHA-256 of its canonical header and ciphertext, hex.
public typealias RevisionID = Identifier<IdentifierTags.Revision>
public typealias OrganisationID = Identifier<IdentifierTags.Organisation>

extension Identifier where Tag == IdentifierTags.Case {
    /// The pseudo-case holding organisation-wide records (people, training, policy, settings).
    /// Its key is shared with every member of the organisation.
    public static let organisation = CaseID(rawValue: "organisation")

    /// The record id of the client record itself.
    public var clientRecordID: RecordID { RecordID(rawValue: rawValue) }
}

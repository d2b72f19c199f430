/// Why a receiver refused something it was sent (a revision, a wrapped key, a rotation): the one
/// set of refusal codes used by the server's push checks and by the receiving replica's (ADR 0029).
///
/// The raw values travel on the wire (`PushRejection.error`), in sync reports
/// (`RejectedRevision.reason`, `RejectedKey.reason`) and the CLI's JSON output as plain strings,
/// and never change meaning. A struct (an open set), not an enum: a replica keeps and shows a
/// reason from a newer peer it does not know. Every reason this code base gives is a constant
/// here, a `CasebookError.Code` (`init(_:)`) or a rulebook `RuleReason` (`init(_:)`).
public struct RefusalReason: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible,
                             ExpressibleByStringLiteral {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    /// For tests that pin the wire values (`== "tampered"`). Production code names the constants
    /// below; `docs/refactor-counts.md` counts the literals left (none).
    public init(stringLiteral value: String) { self.rawValue = value }
    /// The error's code as the reason (a size, signature or decryption check that threw).
    public init(_ code: CasebookError.Code) { self.rawValue = code.rawValue }
    /// The rulebook's reason.
    public init(_ rule: RuleReason) { self.rawValue = rule.rawValue }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public var description: String { rawValue }
}

extension RefusalReason {
    // Revisions (server and replica)
    /// The signing device is not certified by the organisation (here, yet).
    public static let unknownDevice = Self(RuleReason.unknownDevice)
    /// Signed or wrapped by a device after an administrator removed it.
    public static let deviceRemoved = Self(RuleReason.deviceRemoved)
    /// A signature, content address or decryption check failed.
    public static let tampered = Self(CasebookError.Code.tampered)
    /// The author may not write this (role, access, not the authenticated device).
    public static let notAuthorised = Self(CasebookError.Code.notAuthorised)
    /// Stamped more than five minutes ahead of the receiver's clock.
    public static let clockSkew = Self(CasebookError.Code.clockSkew)
    /// Sealed under a key epoch no rotation the receiver knows of created (ADR 0013).
    public static let unknownEpoch = Self(rawValue: "unknown-epoch")
    /// The case was erased.
    public static let caseErased = Self(CasebookError.Code.caseErased)
    /// Malformed (does not parse as a revision).
    public static let invalidInput = Self(CasebookError.Code.invalidInput)

    // Wrapped keys and rotations (replica)
    /// A wrapped key addressed to another device.
    public static let notForThisDevice = Self(rawValue: "not-for-this-device")
    /// The wrapper has no evidence of being entitled to the case (or to rotate it).
    public static let notEntitled = Self(rawValue: "not-entitled")
    /// An epoch above 0 without its signed rotation statement.
    public static let noRotationStatement = Self(rawValue: "no-rotation-statement")
    /// An epoch whose previous epoch this device does not hold.
    public static let epochGap = Self(rawValue: "epoch-gap")
    /// A second, different rotation statement for an epoch already accepted.
    public static let conflictingRotation = Self(rawValue: "conflicting-rotation")
}

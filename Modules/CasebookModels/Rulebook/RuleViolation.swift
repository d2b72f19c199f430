/// Why the rulebook refused a revision. The raw values travel in sync reports
/// (`RejectedRevision.reason`) and the CLI's JSON output; they never change meaning.
public enum RuleReason: String, Hashable, Sendable, Codable, CaseIterable {
    /// The signing device is not in the receiver's trusted set.
    case unknownDevice = "unknown-device"
    /// Stamped after an administrator removed the signing device.
    case deviceRemoved = "device-removed"
    /// The header puts a record type in the wrong kind of case.
    case misplaced = "tampered"
    /// The signer's certified roles do not allow this record type.
    case notAuthorised = "not-authorised"
    /// The body's `author` is not the signing device's person.
    case authorMismatch = "author-mismatch"
    /// A field naming who acted (raised, requested, acknowledged, approved…) names someone other than the signer.
    case impersonation = "impersonation"
    /// Only the Designated Safeguarding Lead may make this change (acknowledge, close, approve).
    case dslOnly = "dsl-only"
    /// Only the person who wrote the record may change it (a session is its practitioner's note).
    case notOwner = "not-record-owner"
    /// The change rewrites history: a field fixed at creation or once set.
    case historyRewrite = "history-rewrite"
    /// A status moved backwards (closed → open, released → pending).
    case statusBackwards = "status-backwards"
    /// The record is final (a finalised session, a closed concern): it changes only by a linked record.
    case finalised = "record-finalised"
    /// An append-only record was written a second time.
    case appendOnly = "append-only"
    /// The first revision of a record is not a valid creation of it.
    case invalidCreation = "invalid-creation"
    /// The revision names another record, type or case than the record it belongs to.
    case moved = "record-moved"
}

/// A refusal by the rulebook: a typed reason and a one-line message with identifiers only,
/// never client content (field names and role names are not content).
public struct RuleViolation: Error, Hashable, Sendable, CustomStringConvertible {
    public var reason: RuleReason
    public var message: String

    public init(_ reason: RuleReason, _ message: String) {
        self.reason = reason
        self.message = message
    }

    public var description: String { "\(reason.rawValue): \(message)" }

    /// The same refusal as a `CasebookError` (what a writer shows its user).
    public var error: CasebookError {
        let code: CasebookError.Code = switch reason {
        case .finalised: .finalised
        case .statusBackwards, .historyRewrite, .appendOnly: .conflict
        case .moved: .tampered
        case .invalidCreation, .misplaced: .invalidInput
        default: .notAuthorised
        }
        return CasebookError(code, message)
    }
}

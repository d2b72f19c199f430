/// The error every Casebook module throws. A struct wrapping a code, so new codes never break callers.
///
/// Invariant: `message` is written for the user and never contains client content (names, notes,
/// topics, contact details). It may contain identifiers, dates, counts and option names.
public struct CasebookError: Error, Hashable, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }
    }

    public let code: Code
    /// What happened (and, when it needs no command or option name, what to do).
    public let message: String
    /// What to do, when it is an action the user takes through an app (a command, a page): a typed
    /// value the app renders in its own words (`casebook sync`, a button name). Libraries never
    /// name the CLI's commands or flags; only the apps know argv (ADR 0029).
    public let hint: Hint?

    public init(_ code: Code, _ message: String, hint: Hint? = nil) {
        self.code = code
        self.message = message
        self.hint = hint
    }

    /// The message and the hint in plain words (no command names): for logs and library callers.
    /// The CLI and the web app render the hint their own way.
    public var description: String {
        guard let hint else { return message }
        return "\(message); \(hint.words)"
    }
}

extension CasebookError.Code {
    public static let invalidInput = Self("invalid-input")
    public static let notFound = Self("not-found")
    public static let wrongPassphrase = Self("wrong-passphrase")
    public static let vaultMissing = Self("vault-missing")
    public static let vaultExists = Self("vault-exists")
    public static let vaultCorrupt = Self("vault-corrupt")
    /// The vault's SQLite file itself is damaged (truncated, corrupted pages): the message names
    /// the remedy (a member re-syncs into a new vault; a standalone vault is restored from a backup).
    public static let vaultDamaged = Self("vault-damaged")
    /// The disk (or the filesystem holding the vault) is full: nothing of the failed change was saved.
    public static let diskFull = Self("disk-full")
    public static let tampered = Self("tampered")
    public static let consentMissing = Self("consent-missing")
    public static let platformNotApproved = Self("platform-not-approved")
    public static let environmentNotConfirmed = Self("environment-not-confirmed")
    public static let trainingMissing = Self("training-missing")
    public static let notAuthorised = Self("not-authorised")
    public static let identifyingDetails = Self("identifying-details")
    public static let finalised = Self("finalised")
    public static let clockSkew = Self("clock-skew")
    public static let releaseRefused = Self("release-refused")
    public static let approvalRequired = Self("approval-required")
    /// The case was erased (crypto-shredded): the server refuses new revisions, keys and grants for it.
    public static let caseErased = Self("case-erased")
    public static let sessionExpired = Self("session-expired")
    public static let crypto = Self("crypto")
    public static let storage = Self("storage")
    public static let network = Self("network")
    public static let conflict = Self("conflict")
}

public import CasebookCrypto
public import CasebookModels
public import CasebookSync
public import Foundation

/// Who is making an authenticated request: the device the token was issued to and its person.
public struct Caller: Sendable, Hashable {
    public var device: DeviceID
    public var person: PersonID
    public var role: Role
    public var active: Bool

    public init(device: DeviceID, person: PersonID, role: Role, active: Bool) {
        self.device = device
        self.person = person
        self.role = role
        self.active = active
    }
}

/// A revision the HTTP layer has already parsed, content-addressed and signature-checked.
/// The store decides only what needs the database: duplicates, access facts and the sequence.
public struct IncomingRevision: Sendable {
    public var sealed: SealedRevision
    public var receivedAt: Date

    public init(sealed: SealedRevision, receivedAt: Date) {
        self.sealed = sealed
        self.receivedAt = receivedAt
    }

    var id: String { sealed.id.rawValue }
    var caseID: CaseID { sealed.header.caseID }
}

/// What the store decided for one pushed revision.
/// Conflicts every store reports in the same words.
enum StoreConflict {
    /// `insertPerson` with a code hash another person already holds: enrolment would be ambiguous.
    static let duplicateCode = CasebookError(.conflict, "an invitation with this enrolment code already exists; generate a new code")
}

public enum PushOutcome: Sendable, Hashable {
    case accepted(seq: Int64)
    case rejected(code: CasebookError.Code, message: String)
}

/// Facts about one case that the access policy needs, read inside the same transaction as the write.
public struct CaseFacts: Sendable, Hashable {
    /// Whether any revision of the case is stored.
    public var exists: Bool
    /// The person who created the case (its first revision's author).
    public var owner: PersonID?
    /// Whether the person asking holds an active, unexpired grant.
    public var granted: Bool
    /// Whether the case was erased (a tombstone in `erased_cases`): nothing of it is accepted again.
    public var erased: Bool

    public init(exists: Bool, owner: PersonID?, granted: Bool, erased: Bool = false) {
        self.exists = exists
        self.owner = owner
        self.granted = granted
        self.erased = erased
    }
}

/// A person row as the server keeps it: no name, only role, type, state and the enrolment code's hash.
public struct StoredPerson: Sendable, Hashable {
    public var record: PersonRecord
    public var codeHash: Data?
    public var codeExpires: Date?

    public init(record: PersonRecord, codeHash: Data?, codeExpires: Date?) {
        self.record = record
        self.codeHash = codeHash
        self.codeExpires = codeExpires
    }
}

/// The server's persistent state: envelopes, key grants, people, devices and sessions. Never a key.
///
/// Two implementations pass the same conformance suite: `SQLiteServerStore` (embedded, one process)
/// and `PostgresServerStore` (several stateless server processes on one database).
///
/// Invariants every implementation keeps:
/// - a revision id is stored at most once; pushing it again returns its original `seq`;
/// - `seq` follows commit order: a number becomes visible only after every lower number has
///   committed (allocated under a per-organisation lock held until commit), so a reader's cursor
///   never skips a revision;
/// - nothing stored is client content: headers are identifiers and stamps, bodies are ciphertext.
public protocol ServerStore: Sendable {
    /// Creates tables and indexes if they are missing. Idempotent.
    func migrate() async throws
    /// Cheap round trip used by `/ready`.
    func ping() async throws

    // MARK: Organisation and people

    /// Creates the organisation and its first administrator (pending, with an enrolment code hash).
    /// Fails with `.conflict` if the database already holds an organisation.
    func createOrganisation(id: OrganisationID, name: String, admin: StoredPerson) async throws
    func organisation() async throws -> OrganisationInfo?
    func person(_ id: PersonID) async throws -> StoredPerson?
    /// Adds a pending person. Fails with `.conflict` if the id exists.
    func insertPerson(_ person: StoredPerson) async throws
    /// Sets a one-time enrolment code for another device of an existing, active, enrolled person
    /// (ADR 0024); replaces an unused one. `.notFound` if there is no such person.
    func setDeviceCode(person: PersonID, codeHash: Data, codeExpires: Date) async throws
    /// Consumes an enrolment code atomically: registers the device, marks the person enrolled, and
    /// (for the first administrator) pins the root device and recovery key.
    func enrol(codeHash: Data, device: DeviceRecord, recoveryKey: Data?, now: Date) async throws -> PersonRecord
    func device(_ id: DeviceID) async throws -> DeviceRecord?
    /// Marks a person inactive and revokes every token of their devices. `.notFound` if absent.
    func deactivate(_ person: PersonID) async throws
    func certify(device: DeviceID, _ request: CertificationRequest) async throws
    /// Removes a device (docs/adr/0010-membership.md): keeps the administrator's signed statement
    /// (the first one wins; removing again is a no-op), revokes the device's tokens and deletes the
    /// keys wrapped for it, in one transaction. `.notFound` if the device is not registered.
    func removeDevice(_ removal: DeviceRemoval, now: Date) async throws
    /// Every removal, for `GET /v1/organisation`.
    func removedDevices() async throws -> [DeviceRemoval]
    /// The removal of one device, if it was removed.
    func removal(of device: DeviceID) async throws -> DeviceRemoval?
    /// The newest HLC stamp among the revisions the server accepted from a device (nil: none), so a
    /// removal cannot be stamped before them (ADR 0013).
    func latestRevisionStamp(by device: DeviceID) async throws -> HLCTimestamp?

    // MARK: Authentication

    func insertChallenge(_ challenge: Data, device: DeviceID, expiresAt: Date) async throws
    /// Deletes the challenge and returns whether it existed for that device and had not expired.
    func consumeChallenge(_ challenge: Data, device: DeviceID, now: Date) async throws -> Bool
    func insertToken(hash: Data, device: DeviceID, expiresAt: Date) async throws
    /// The caller a live token belongs to, or nil when unknown, expired, revoked or inactive.
    func caller(tokenHash: Data, now: Date) async throws -> Caller?
    func revokeToken(hash: Data) async throws

    // MARK: Revisions

    /// Stores a batch in one transaction, allocating sequence numbers in commit order.
    /// `authorise` is the pure access policy, called with facts read inside the transaction.
    func push(_ revisions: [IncomingRevision], caller: Caller, today: LocalDate,
              authorise: @escaping @Sendable (IncomingRevision, CaseFacts) -> PushOutcome?) async throws -> [PushOutcome]
    /// Revisions with `seq > after` that `caller` may read (optionally of one case), by `seq`.
    func pull(after: Int64, limit: Int, caller: Caller, caseID: CaseID?, today: LocalDate) async throws -> [WireRevision]
    func caseFacts(_ caseID: CaseID, person: PersonID, today: LocalDate) async throws -> CaseFacts

    // MARK: Keys and grants

    /// Stores wrapped keys with their rotation statements; an existing (case, epoch, recipient) is
    /// left as it is. A key whose epoch already holds another rotation statement is refused
    /// (`.conflict`), checked inside the transaction (ADR 0013).
    func putKeys(_ keys: [WrappedCaseKey]) async throws
    /// The newest key epoch of a case and the rotation statement of each epoch above 0 (ADR 0013).
    func keyEpochs(_ caseID: CaseID) async throws -> KeyEpochFacts
    /// Wrapped keys addressed to `caller.device` of cases the caller may read.
    func keys(for caller: Caller, today: LocalDate) async throws -> [WrappedCaseKey]
    func grant(_ caseID: CaseID, to person: PersonID, until: LocalDate?, now: Date) async throws
    func revokeGrant(_ caseID: CaseID, from person: PersonID, now: Date) async throws
    /// Crypto-shredding on the server: deletes a case's wrapped keys, grants, owner and revisions,
    /// and keeps a tombstone (`erased_cases`) so the case is never accepted again. Idempotent.
    func eraseCase(_ caseID: CaseID, now: Date) async throws

    // MARK: Training (the P10 gate)

    /// Replaces a person's training summary: one row per required course, no date = missing.
    func putTraining(_ summary: TrainingSummary, now: Date) async throws
    /// What the training gate needs about a person (see `TrainingFacts`).
    func trainingFacts(_ person: PersonID) async throws -> TrainingFacts
    /// Whether any device of `person` holds a wrapped key of the case, of any epoch.
    func holdsKey(_ caseID: CaseID, person: PersonID) async throws -> Bool
}

/// The server's knowledge of one person's training: staff data an administrator's replica sent.
public struct TrainingFacts: Sendable, Hashable {
    /// Whether the organisation has published any training summary at all (the gate is engaged).
    public var published: Bool
    /// This person's summary, nil when none was published for them (untrained once `published`).
    public var summary: TrainingSummary?

    public init(published: Bool, summary: TrainingSummary?) {
        self.published = published
        self.summary = summary
    }
}

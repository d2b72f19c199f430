/// The legal ground for releasing information to a third party (P2, P9).
public enum DisclosureBasis: String, Hashable, Codable, Sendable, CaseIterable {
    case consent
    case safeguarding
    case courtOrder = "court-order"
    case legalObligation = "legal-obligation"
    /// A subject-access response: the recipient is the client themself.
    case subjectAccess = "subject-access"

    /// Bases other than consent need a reference and the DSL's approval.
    public var needsApproval: Bool { self != .consent && self != .subjectAccess }
}

public enum DisclosureStatus: String, Hashable, Codable, Sendable { case pendingApproval = "pending-approval", released }

/// A release of information outside the organisation: the disclosure log (P2, P9, P11 recipients).
public struct Disclosure: Hashable, Codable, Sendable {
    public var id: RecordID
    public var clientID: ClientID
    public var recipient: String
    public var purpose: String
    public var basis: DisclosureBasis
    public var reference: String?
    /// Minimum necessary: the records released, by id.
    public var records: [RecordID]
    public var requestedBy: PersonID
    public var requestedOn: LocalDate
    public var status: DisclosureStatus
    public var approvedBy: PersonID?
    public var approvedOn: LocalDate?
    /// The release consent relied on, when the basis is consent.
    public var consentID: RecordID?

    public init(id: RecordID, clientID: ClientID, recipient: String, purpose: String, basis: DisclosureBasis,
                reference: String? = nil, records: [RecordID] = [], requestedBy: PersonID, requestedOn: LocalDate,
                status: DisclosureStatus, approvedBy: PersonID? = nil, approvedOn: LocalDate? = nil,
                consentID: RecordID? = nil) {
        self.id = id
        self.clientID = clientID
        self.recipient = recipient
        self.purpose = purpose
        self.basis = basis
        self.reference = reference
        self.records = records
        self.requestedBy = requestedBy
        self.requestedOn = requestedOn
        self.status = status
        self.approvedBy = approvedBy
        self.approvedOn = approvedOn
        self.consentID = consentID
    }
}

/// The client's explicit consent to one release: who to, what for, until when (P2).
public struct ReleaseConsent: Hashable, Codable, Sendable {
    public var id: RecordID
    public var clientID: ClientID
    public var recipient: String
    public var purpose: String
    public var until: LocalDate?
    public var recordedOn: LocalDate

    public init(id: RecordID, clientID: ClientID, recipient: String, purpose: String, until: LocalDate?, recordedOn: LocalDate) {
        self.id = id
        self.clientID = clientID
        self.recipient = recipient
        self.purpose = purpose
        self.until = until
        self.recordedOn = recordedOn
    }
}

/// The client withdrew consent to consent-based releases (P12). Append-only.
public struct ReleaseWithdrawal: Hashable, Codable, Sendable {
    public var id: RecordID
    public var clientID: ClientID
    public var on: LocalDate
    public var recordedBy: PersonID

    public init(id: RecordID, clientID: ClientID, on: LocalDate, recordedBy: PersonID) {
        self.id = id
        self.clientID = clientID
        self.on = on
        self.recordedBy = recordedBy
    }
}

public enum Signatory: String, Hashable, Codable, Sendable, CaseIterable {
    case client
    /// A parent or guardian signing for a child.
    case guardian
}

/// The signed informed-consent form (P3): required before any session is logged.
public struct ConsentRecord: Hashable, Codable, Sendable {
    public var id: RecordID
    public var clientID: ClientID
    public var formVersion: String
    public var signedOn: LocalDate
    public var signedBy: Signatory
    /// The client acknowledged the limits of confidentiality (safeguarding, court orders).
    public var limitsAcknowledged: Bool

    public init(id: RecordID, clientID: ClientID, formVersion: String, signedOn: LocalDate, signedBy: Signatory,
                limitsAcknowledged: Bool) {
        self.id = id
        self.clientID = clientID
        self.formVersion = formVersion
        self.signedOn = signedOn
        self.signedBy = signedBy
        self.limitsAcknowledged = limitsAcknowledged
    }
}

// SubjectAccessRecords: everything about one client that goes into an access response, gathered by
// the caller (the vault adapter) and handed to SubjectAccessExporter. Holds client data: redacted description.

public import CasebookModels

/// Every record about one client, as the vault holds it, plus the names of other people that must be
/// withheld from the bundle (staff, other clients) unless recorded as consenting.
public struct SubjectAccessRecords: Sendable, CustomStringConvertible {
    public var client: Client
    public var consents: [ConsentRecord]
    public var sessions: [SessionRecord]
    public var amendments: [Amendment]
    public var concerns: [SafeguardingConcern]
    public var concernActions: [ConcernAction]
    public var disclosures: [Disclosure]
    /// The client's consents to releases (P2), and their withdrawals (P12): both go into the bundle.
    public var releaseConsents: [ReleaseConsent]
    public var releaseWithdrawals: [ReleaseWithdrawal]
    public var accessRequests: [AccessRequest]
    /// Names of staff, volunteers and external practitioners (third parties in the client's bundle).
    public var staffNames: [String]
    /// Names of other clients of the organisation.
    public var otherClientNames: [String]

    public init(
        client: Client, consents: [ConsentRecord] = [], sessions: [SessionRecord] = [], amendments: [Amendment] = [],
        concerns: [SafeguardingConcern] = [], concernActions: [ConcernAction] = [], disclosures: [Disclosure] = [],
        releaseConsents: [ReleaseConsent] = [], releaseWithdrawals: [ReleaseWithdrawal] = [],
        accessRequests: [AccessRequest] = [], staffNames: [String] = [], otherClientNames: [String] = []
    ) {
        self.client = client
        self.consents = consents
        self.sessions = sessions
        self.amendments = amendments
        self.concerns = concerns
        self.concernActions = concernActions
        self.disclosures = disclosures
        self.releaseConsents = releaseConsents
        self.releaseWithdrawals = releaseWithdrawals
        self.accessRequests = accessRequests
        self.staffNames = staffNames
        self.otherClientNames = otherClientNames
    }

    /// Record counts by kind (what a test or the CLI reports; never content).
    public var counts: [String: Int] {
        [
            "consents": consents.count, "sessions": sessions.count, "amendments": amendments.count,
            "concerns": concerns.count, "concernActions": concernActions.count, "disclosures": disclosures.count,
            "releaseConsents": releaseConsents.count, "releaseWithdrawals": releaseWithdrawals.count,
            "accessRequests": accessRequests.count,
        ]
    }

    public var description: String { "SubjectAccessRecords(\(client.id), <redacted>)" }
}

/// What the organisation tells every requester (UK GDPR Art. 15(1)(a)–(h)); from configuration.
public struct AccessResponseNotice: Sendable, Hashable {
    public var organisationName: String
    public var contact: String
    public var purposes: [String]
    public var categories: [String]
    public var retention: String
    public var sourceOfData: String
    public var automatedDecisionMaking: String

    public init(
        organisationName: String, contact: String,
        purposes: [String] = [
            "providing mentoring and counselling sessions to you",
            "keeping you and others safe (safeguarding), as the confidentiality policy describes",
            "meeting legal obligations, including court orders",
        ],
        categories: [String] = [
            "your name, date of birth and contact details",
            "people connected to you (names withheld unless they agreed)",
            "consent forms you or your parent or guardian signed",
            "session records: date, duration, platform, general topics, progress and follow-up actions",
            "safeguarding concerns and the actions taken (health and welfare information)",
            "the log of releases of your information and of your access requests",
        ],
        retention: String =
            "Counselling records are kept for seven years after our work with you ends; for a child, until their 25th birthday (26th if they were 17 when the work ended). A safeguarding or legal hold stops destruction until it is lifted.",
        sourceOfData: String =
            "Most of this information came from you. Session notes were written by your practitioner; safeguarding records may include information from other professionals or people close to you.",
        automatedDecisionMaking: String = "We make no decisions about you by automated means, and no profiling."
    ) {
        self.organisationName = organisationName
        self.contact = contact
        self.purposes = purposes
        self.categories = categories
        self.retention = retention
        self.sourceOfData = sourceOfData
        self.automatedDecisionMaking = automatedDecisionMaking
    }
}

/// What a record is. Travels in the clear revision header so that the server can enforce access
/// and replicas can index without decrypting; it reveals the kind of record, never its content.
public enum RecordType: String, Hashable, Codable, Sendable, CaseIterable {
    // Organisation case
    case person
    case training
    case policyVersion = "policy-version"
    case settings
    /// Proof a case was crypto-shredded (ids, date, who, counts; no content).
    case destructionCertificate = "destruction-certificate"
    /// A personal-data breach (a lost or stolen device) and its 72-hour clock (ADR 0022; no client content).
    case breach
    // Client cases
    case client
    case consent
    case session
    case amendment
    case concern
    case concernAction = "concern-action"
    case releaseConsent = "release-consent"
    case releaseWithdrawal = "release-withdrawal"
    case disclosure
    case accessRequest = "access-request"
    case retentionHold = "retention-hold"

    /// How revisions of this record merge.
    public var mergeRule: MergeRule {
        switch self {
        case .amendment, .concernAction, .releaseWithdrawal, .destructionCertificate: .appendOnly
        case .session: .lastWriterWinsUntilFinalised
        default: .lastWriterWinsPerField
        }
    }

    /// Records that live in the organisation-wide case rather than a client's case.
    public var isOrganisationWide: Bool {
        switch self {
        case .person, .training, .policyVersion, .settings, .destructionCertificate, .breach: true
        default: false
        }
    }
}

public enum MergeRule: Sendable, Hashable {
    /// Each field takes the value of the latest revision that set it, by (HLC, device id, revision id).
    case lastWriterWinsPerField
    /// As per-field LWW, but once a revision sets `status` to `finalised`, later revisions are ignored:
    /// a finalised session record is never edited, only amended by a linked amendment.
    case lastWriterWinsUntilFinalised
    /// Only the earliest revision counts; the record is immutable once written.
    case appendOnly
}

/// P2, P9, P12: when information about a client may leave the organisation.
///
/// Pure rules, no I/O. The vault gathers the client's release consents and withdrawals and asks
/// `ReleasePolicy` whether a release may go ahead, must wait for the DSL, or is refused.
///
/// Decisions (see docs/safeguarding.md):
/// - recipient and purpose match after trimming, collapsing inner whitespace and ignoring case;
/// - a consent is live from the day it is recorded to its `until` date inclusive;
/// - a withdrawal dated D kills every consent recorded on or before D, for releases on or after D;
///   a consent recorded after D (the client changed their mind again) is live;
/// - safeguarding, court-order and legal-obligation releases ignore consent and withdrawal, but
///   need a reference and the DSL's approval before anything is released;
/// - a subject-access response goes to the client themself and needs neither.
public enum ReleasePolicy {
    /// What to do with a requested release.
    public enum Decision: Hashable, Sendable {
        /// Release now, relying on this consent (nil for subject access).
        case release(consentID: RecordID?)
        /// Record the request; nothing is released until the DSL approves it.
        case awaitApproval
    }

    public static func normalised(_ text: String) -> String {
        text.split(whereSeparator: \.isWhitespace).joined(separator: " ").lowercased()
    }

    /// Whether a withdrawal made on `withdrawal` kills a consent recorded on `recorded`, for a release on `today`.
    static func withdrawn(consentRecorded recorded: LocalDate, withdrawals: [ReleaseWithdrawal], on today: LocalDate) -> ReleaseWithdrawal? {
        withdrawals.filter { $0.on <= today && $0.on >= recorded }.min { $0.on < $1.on }
    }

    /// The live consent covering this recipient and purpose on `today`, if any.
    public static func coveringConsent(recipient: String, purpose: String, consents: [ReleaseConsent],
                                       withdrawals: [ReleaseWithdrawal], on today: LocalDate) -> ReleaseConsent? {
        let to = normalised(recipient), what = normalised(purpose)
        return consents
            .filter { normalised($0.recipient) == to && normalised($0.purpose) == what }
            .filter { $0.recordedOn <= today && ($0.until.map { today <= $0 } ?? true) }
            .filter { withdrawn(consentRecorded: $0.recordedOn, withdrawals: withdrawals, on: today) == nil }
            .max { ($0.recordedOn, $0.id) < ($1.recordedOn, $1.id) }
    }

    /// Decides a release request. Throws `.releaseRefused` or `.invalidInput` with a message saying why.
    public static func decide(basis: DisclosureBasis, recipient: String, purpose: String, reference: String?,
                              consents: [ReleaseConsent], withdrawals: [ReleaseWithdrawal],
                              on today: LocalDate) throws(CasebookError) -> Decision {
        guard !normalised(recipient).isEmpty else { throw CasebookError(.invalidInput, "--to must name the recipient") }
        guard !normalised(purpose).isEmpty else { throw CasebookError(.invalidInput, "--purpose must say what the release is for") }
        switch basis {
        case .subjectAccess:
            return .release(consentID: nil)
        case .consent:
            if let consent = coveringConsent(recipient: recipient, purpose: purpose, consents: consents,
                                             withdrawals: withdrawals, on: today) {
                return .release(consentID: consent.id)
            }
            if let withdrawal = withdrawals.filter({ $0.on <= today }).max(by: { $0.on < $1.on }) {
                throw CasebookError(.releaseRefused,
                    "release refused: the client withdrew consent to releases on \(withdrawal.on); consent-based releases are no longer possible (a safeguarding, court-order or legal-obligation release still is, with the DSL's approval)")
            }
            throw CasebookError(.releaseRefused,
                "release refused: no live consent covers this recipient and purpose on \(today)", hint: .recordReleaseConsent)
        case .safeguarding, .courtOrder, .legalObligation:
            guard let reference, !normalised(reference).isEmpty else {
                throw CasebookError(.invalidInput,
                    "--reference is required for a \(basis.rawValue) release (\(basis == .courtOrder ? "the court order's number" : "the referral or legal reference"))")
            }
            return .awaitApproval
        }
    }

    /// Checks that `approver` may approve `disclosure` now.
    public static func requireApprovable(_ disclosure: Disclosure, approver: Person) throws(CasebookError) {
        guard approver.active, approver.has(.dsl) else {
            throw CasebookError(.notAuthorised, "only the Designated Safeguarding Lead (role dsl) may approve a release")
        }
        guard disclosure.status == .pendingApproval else {
            throw CasebookError(.conflict, "disclosure \(disclosure.id) is already \(disclosure.status.rawValue); nothing to approve")
        }
        guard disclosure.basis.needsApproval else {
            throw CasebookError(.conflict, "disclosure \(disclosure.id) has basis \(disclosure.basis.rawValue), which needs no approval")
        }
    }
}

/// Time-limited grants for volunteers and external practitioners (P14): a grant lapses on its own.
public enum GrantPolicy {
    /// A grant with an end date is active up to and including that date.
    public static func isActive(until: LocalDate?, on today: LocalDate) -> Bool {
        guard let until else { return true }
        return today <= until
    }

    /// The default grant length for a person type: volunteers and external practitioners get time-limited
    /// grants (90 days unless stated); staff get open-ended ones.
    public static func defaultUntil(for type: PersonType, from today: LocalDate, days: Int = 90) -> LocalDate? {
        type == .staff ? nil : today.addingDays(days)
    }
}

import CasebookModels
import Testing

/// P2, P9, P12 as pure rules.
@Suite("Release policy")
struct ReleasePolicyTests {
    static let client = ClientID(rawValue: "c1")
    static func d(_ text: String) -> LocalDate { LocalDate(iso: text)! }
    static func consent(_ to: String, _ purpose: String, recorded: String, until: String? = nil) -> ReleaseConsent {
        ReleaseConsent(id: .random(), clientID: client, recipient: to, purpose: purpose, until: until.map(d), recordedOn: d(recorded))
    }
    static func withdrawal(_ on: String) -> ReleaseWithdrawal {
        ReleaseWithdrawal(id: .random(), clientID: client, on: d(on), recordedBy: PersonID(rawValue: "p1"))
    }

    enum Expect: Sendable, CustomStringConvertible {
        case release, approval, refused(String)
        var description: String {
            switch self { case .release: "release"; case .approval: "approval"; case .refused(let c): "refused(\(c))" }
        }
    }

    struct Case: Sendable, CustomStringConvertible {
        var name: String
        var basis: DisclosureBasis
        var to = "GP Surgery"
        var purpose = "Care coordination"
        var reference: String?
        var consents: [ReleaseConsent] = []
        var withdrawals: [ReleaseWithdrawal] = []
        var today = "2026-11-10"
        var expect: Expect
        var description: String { name }
    }

    static let cases: [Case] = [
        Case(name: "live consent covers recipient and purpose", basis: .consent,
             consents: [consent("GP Surgery", "Care coordination", recorded: "2026-11-01")], expect: .release),
        Case(name: "matching ignores case and spacing", basis: .consent, to: "  gp   surgery ",
             consents: [consent("GP Surgery", "Care coordination", recorded: "2026-11-01")], expect: .release),
        Case(name: "no consent at all", basis: .consent, expect: .refused("release-refused")),
        Case(name: "consent for another recipient", basis: .consent,
             consents: [consent("School", "Care coordination", recorded: "2026-11-01")], expect: .refused("release-refused")),
        Case(name: "consent for another purpose", basis: .consent,
             consents: [consent("GP Surgery", "Research", recorded: "2026-11-01")], expect: .refused("release-refused")),
        Case(name: "consent live on its last day", basis: .consent,
             consents: [consent("GP Surgery", "Care coordination", recorded: "2026-11-01", until: "2026-11-10")], expect: .release),
        Case(name: "consent expired the day before", basis: .consent,
             consents: [consent("GP Surgery", "Care coordination", recorded: "2026-11-01", until: "2026-11-09")], expect: .refused("release-refused")),
        Case(name: "consent recorded in the future does not count", basis: .consent,
             consents: [consent("GP Surgery", "Care coordination", recorded: "2026-11-11")], expect: .refused("release-refused")),
        Case(name: "withdrawal after consent refuses", basis: .consent,
             consents: [consent("GP Surgery", "Care coordination", recorded: "2026-11-01")], withdrawals: [withdrawal("2026-11-05")],
             expect: .refused("release-refused")),
        Case(name: "withdrawal on the day of the release refuses", basis: .consent,
             consents: [consent("GP Surgery", "Care coordination", recorded: "2026-11-01")], withdrawals: [withdrawal("2026-11-10")],
             expect: .refused("release-refused")),
        Case(name: "withdrawal dated later (not yet in effect) does not refuse", basis: .consent,
             consents: [consent("GP Surgery", "Care coordination", recorded: "2026-11-01")], withdrawals: [withdrawal("2026-11-12")],
             expect: .release),
        Case(name: "fresh consent after a withdrawal is live", basis: .consent,
             consents: [consent("GP Surgery", "Care coordination", recorded: "2026-11-07")], withdrawals: [withdrawal("2026-11-05")],
             expect: .release),
        Case(name: "court order needs its reference", basis: .courtOrder, expect: .refused("invalid-input")),
        Case(name: "court order with reference awaits the DSL", basis: .courtOrder, reference: "CO-2026-114", expect: .approval),
        Case(name: "safeguarding after withdrawal still possible", basis: .safeguarding, reference: "MASH-77",
             withdrawals: [withdrawal("2026-11-05")], expect: .approval),
        Case(name: "legal obligation blank reference refused", basis: .legalObligation, reference: "  ", expect: .refused("invalid-input")),
        Case(name: "subject access goes to the client", basis: .subjectAccess, to: "the client", purpose: "subject access request",
             expect: .release),
        Case(name: "empty recipient refused", basis: .consent, to: " ", expect: .refused("invalid-input")),
    ]

    @Test("release decisions", arguments: cases)
    func decide(_ c: Case) {
        let result = Result { () throws(CasebookError) -> ReleasePolicy.Decision in
            try ReleasePolicy.decide(basis: c.basis, recipient: c.to, purpose: c.purpose, reference: c.reference,
                                     consents: c.consents, withdrawals: c.withdrawals, on: Self.d(c.today))
        }
        switch (c.expect, result) {
        case (.release, .success(.release(let consentID))):
            #expect((consentID != nil) == (c.basis == .consent))
        case (.approval, .success(.awaitApproval)):
            break
        case (.refused(let code), .failure(let error)):
            #expect(error.code.rawValue == code)
            #expect(!error.message.isEmpty)
        default:
            Issue.record("\(c.name): expected \(c.expect), got \(result)")
        }
    }

    @Test("a refusal after withdrawal says so and names the way that remains")
    func withdrawalMessage() {
        #expect(throws: CasebookError.self) {
            try ReleasePolicy.decide(basis: .consent, recipient: "GP", purpose: "x",
                                     reference: nil, consents: [Self.consent("GP", "x", recorded: "2026-11-01")],
                                     withdrawals: [Self.withdrawal("2026-11-02")], on: Self.d("2026-11-03"))
        }
        do throws(CasebookError) {
            _ = try ReleasePolicy.decide(basis: .consent, recipient: "GP", purpose: "x", reference: nil, consents: [],
                                         withdrawals: [Self.withdrawal("2026-11-02")], on: Self.d("2026-11-03"))
        } catch {
            #expect(error.message.contains("withdrew consent to releases on 2026-11-02"))
            #expect(error.message.contains("court-order"))
        }
    }

    @Test("only an active DSL approves, only pending legal-basis releases", arguments: [
        (Role.dsl, DisclosureBasis.courtOrder, DisclosureStatus.pendingApproval, nil as String?),
        (Role.practitioner, DisclosureBasis.courtOrder, DisclosureStatus.pendingApproval, "not-authorised"),
        (Role.admin, DisclosureBasis.safeguarding, DisclosureStatus.pendingApproval, "not-authorised"),
        (Role.dsl, DisclosureBasis.courtOrder, DisclosureStatus.released, "conflict"),
        (Role.dsl, DisclosureBasis.consent, DisclosureStatus.pendingApproval, "conflict"),
    ])
    func approval(role: Role, basis: DisclosureBasis, status: DisclosureStatus, expected: String?) {
        let disclosure = Disclosure(id: .random(), clientID: Self.client, recipient: "Court", purpose: "Order", basis: basis,
                                    reference: "CO-1", requestedBy: PersonID(rawValue: "p1"), requestedOn: Self.d("2026-11-01"), status: status)
        let approver = Person(id: PersonID(rawValue: "p2"), name: "A", type: .staff, roles: [role])
        do throws(CasebookError) {
            try ReleasePolicy.requireApprovable(disclosure, approver: approver)
            #expect(expected == nil)
        } catch {
            #expect(error.code.rawValue == expected)
        }
    }

    @Test("time-limited grants lapse on their own (P14)", arguments: [
        ("2026-11-10", "2026-11-10", true), ("2026-11-10", "2026-11-11", false), ("2026-11-10", "2026-01-01", true),
    ])
    func grants(until: String, today: String, active: Bool) {
        #expect(GrantPolicy.isActive(until: Self.d(until), on: Self.d(today)) == active)
        #expect(GrantPolicy.isActive(until: nil, on: Self.d(today)))
    }

    @Test("volunteers and external practitioners get time-limited grants by default")
    func defaultGrantLength() {
        #expect(GrantPolicy.defaultUntil(for: .staff, from: Self.d("2026-11-01")) == nil)
        #expect(GrantPolicy.defaultUntil(for: .volunteer, from: Self.d("2026-11-01")) == Self.d("2027-01-30"))
        #expect(GrantPolicy.defaultUntil(for: .external, from: Self.d("2026-11-01"), days: 10) == Self.d("2026-11-11"))
    }
}

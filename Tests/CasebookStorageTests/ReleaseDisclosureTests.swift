import CasebookModels
import CasebookStorage
import CasebookTestSupport
import Foundation
import Testing

/// P2, P9, P12 through the vault: the decision, the disclosure log and the audit log.
@Suite("Releases and the disclosure log")
struct ReleaseDisclosureTests {
    enum Setup: Sendable { case consent(to: String, purpose: String, untilDays: Int?), withdraw, advance(days: Int) }
    enum Expect: Sendable { case released, pendingThenApproved, refused(CasebookError.Code) }

    struct Case: Sendable, CustomStringConvertible {
        var name: String
        var setup: [Setup]
        var basis: DisclosureBasis
        var reference: String?
        var expect: Expect
        var description: String { name }
    }

    static let cases: [Case] = [
        Case(name: "consent covering recipient and purpose", setup: [.consent(to: "GP Surgery", purpose: "Care", untilDays: 30)],
             basis: .consent, expect: .released),
        Case(name: "no consent", setup: [], basis: .consent, expect: .refused(.releaseRefused)),
        Case(name: "consent to someone else", setup: [.consent(to: "School", purpose: "Care", untilDays: nil)],
             basis: .consent, expect: .refused(.releaseRefused)),
        Case(name: "consent lapsed", setup: [.consent(to: "GP Surgery", purpose: "Care", untilDays: 5), .advance(days: 6)],
             basis: .consent, expect: .refused(.releaseRefused)),
        Case(name: "consent withdrawn", setup: [.consent(to: "GP Surgery", purpose: "Care", untilDays: nil), .withdraw],
             basis: .consent, expect: .refused(.releaseRefused)),
        Case(name: "court order with its number, DSL approves", setup: [], basis: .courtOrder, reference: "CO-2026-114",
             expect: .pendingThenApproved),
        Case(name: "court order without its number", setup: [], basis: .courtOrder, expect: .refused(.invalidInput)),
        Case(name: "safeguarding referral after withdrawal", setup: [.withdraw], basis: .safeguarding, reference: "MASH-77",
             expect: .pendingThenApproved),
        Case(name: "legal obligation after withdrawal", setup: [.withdraw], basis: .legalObligation, reference: "s.47 CA 1989",
             expect: .pendingThenApproved),
    ]

    @Test("release rules", arguments: cases)
    func release(_ c: Case) throws {
        let clock = TestClock(on: SafeguardingFixture.start)
        let vault = try SafeguardingFixture.vault(role: .dsl, clock: clock)
        let client = try SafeguardingFixture.client(in: vault)
        let other = try SafeguardingFixture.client(in: vault, name: "Other Person")
        let session = try vault.logSession(SessionDraft(
            clientID: client.id, on: clock.today, minutes: 50, platform: "Microsoft Teams", practitionerPrivate: true, clientPrivate: true,
            topics: "school stress", progress: "some", followUp: "next week")).session
        for step in c.setup {
            switch step {
            case .consent(let to, let purpose, let days):
                try vault.recordReleaseConsent(client: client.id, recipient: to, purpose: purpose, until: days.map { clock.today.addingDays($0) })
            case .withdraw: try vault.withdrawReleaseConsent(client: client.id)
            case .advance(let days): clock.advance(days: days)
            }
        }
        let auditBefore = try vault.auditEntries().count
        let result = Result { () throws(CasebookError) -> Disclosure in
            try vault.disclose(client: client.id, recipient: "GP Surgery", purpose: "Care", basis: c.basis, reference: c.reference,
                               records: [session.id])
        }
        switch (c.expect, result) {
        case (.released, .success(let disclosure)):
            #expect(disclosure.status == .released && disclosure.consentID != nil)
            let released = try vault.auditEntries().dropFirst(auditBefore).filter { $0.action == .release }
            #expect(released.map(\.recordID) == [disclosure.id, session.id])
            #expect(released.allSatisfy { $0.caseID == client.id })
        case (.pendingThenApproved, .success(let pending)):
            #expect(pending.status == .pendingApproval && pending.reference == c.reference)
            #expect(try vault.auditEntries().allSatisfy { $0.action != .release }, "nothing is released before approval")
            let approved = try vault.approveDisclosure(pending.id)
            #expect(approved.status == .released && approved.approvedBy == vault.person && approved.approvedOn == clock.today)
            #expect(try vault.auditEntries().filter { $0.action == .release }.map(\.recordID) == [pending.id, session.id])
            #expect(throws: CasebookError.self) { try vault.approveDisclosure(pending.id) }
        case (.refused(let code), .failure(let error)):
            #expect(error.code == code)
            #expect(try vault.auditEntries().allSatisfy { $0.action != .release })
        default:
            Issue.record("\(c.name): unexpected \(result)")
        }
        // The disclosure log: exactly the successful request, with only the records named.
        let log = try vault.releaseHistory(client: client.id).disclosures
        if case .refused = c.expect { #expect(log.isEmpty) } else {
            #expect(log.count == 1 && log[0].records == [session.id] && log[0].status == .released && log[0].recipient == "GP Surgery")
        }
        #expect(try vault.releaseHistory(client: other.id).disclosures.isEmpty)
        #expect(try vault.releaseHistory(client: client.id).withdrawals.count == c.setup.filter { if case .withdraw = $0 { true } else { false } }.count)
        #expect(try vault.verifyAudit().intact)
    }

    @Test("records of another client cannot be released under this client's consent")
    func minimumNecessary() throws {
        let vault = try SafeguardingFixture.vault(role: .dsl)
        let client = try SafeguardingFixture.client(in: vault)
        let other = try SafeguardingFixture.client(in: vault, name: "Other Person")
        try vault.recordReleaseConsent(client: client.id, recipient: "GP", purpose: "Care", until: nil)
        do throws(CasebookError) {
            try vault.disclose(client: client.id, recipient: "GP", purpose: "Care", basis: .consent, records: [other.id.clientRecordID])
            Issue.record("released another client's record")
        } catch { #expect(error.code == .notFound) }
    }

    @Test("only the DSL approves a legal-basis release")
    func practitionerCannotApprove() throws {
        let vault = try SafeguardingFixture.vault(role: .practitioner)
        let client = try SafeguardingFixture.client(in: vault)
        let pending = try vault.disclose(client: client.id, recipient: "Family Court", purpose: "Proceedings", basis: .courtOrder,
                                         reference: "CO-9")
        do throws(CasebookError) { try vault.approveDisclosure(pending.id); Issue.record("approved by a practitioner") } catch {
            #expect(error.code == .notAuthorised && error.message.contains("Designated Safeguarding Lead"))
        }
        #expect(try vault.releaseHistory(client: client.id).disclosures.map(\.status) == [.pendingApproval])
    }

    @Test("consent to release is validated")
    func consentValidation() throws {
        let vault = try SafeguardingFixture.vault(role: .practitioner)
        let client = try SafeguardingFixture.client(in: vault)
        #expect(throws: CasebookError.self) { try vault.recordReleaseConsent(client: client.id, recipient: " ", purpose: "x", until: nil) }
        #expect(throws: CasebookError.self) {
            try vault.recordReleaseConsent(client: client.id, recipient: "GP", purpose: "x", until: vault.clock.today.addingDays(-1))
        }
    }
}

import CasebookModels
import CasebookStorage
import CasebookTestSupport
import Foundation
import Testing

/// P8: concerns are raised whatever the consent or training state, reach the DSL on every command
/// until acknowledged, escalate to the deputy, and are tracked to an outcome. Audited.
@Suite("Safeguarding concerns")
struct SafeguardingConcernTests {
    enum Condition: String, Sendable, CaseIterable { case normal, consentWithdrawn, trainingExpired }

    @Test("a concern is never blocked by withdrawn consent or expired training", arguments: Condition.allCases)
    func raiseIsNeverBlocked(_ condition: Condition) throws {
        let clock = TestClock(on: SafeguardingFixture.start)
        let vault = try SafeguardingFixture.vault(role: .practitioner, clock: clock)
        let client = try SafeguardingFixture.client(in: vault)
        switch condition {
        case .normal: break
        case .consentWithdrawn: try vault.withdrawReleaseConsent(client: client.id)
        case .trainingExpired:
            clock.advance(days: 400)
            #expect(throws: CasebookError.self) { try vault.clientDetail(client.id) }
        }
        let concern = try vault.raiseConcern(client: client.id, category: .abuseOrNeglect, details: "Bruising disclosed",
                                             clientViews: "Wants Mum told first", actionTaken: "Phoned the DSL")
        #expect(concern.status == .open)
        #expect(concern.raisedBy == vault.person)
        let audit = try vault.auditEntries().filter { $0.recordID == concern.id }
        #expect(audit.map(\.action) == [.create])
        #expect(audit.first?.recordType == .concern && audit.first?.caseID == client.id)
        #expect(try vault.verifyAudit().intact)
    }

    @Test("raising is refused with a clear message", arguments: [
        ("unknown client", "not-authorised"), ("empty details", "invalid-input"), ("session of another case", "not-found"),
    ])
    func raiseRefused(what: String, code: String) throws {
        let vault = try SafeguardingFixture.vault(role: .practitioner)
        let client = try SafeguardingFixture.client(in: vault)
        do throws(CasebookError) {
            switch what {
            case "unknown client": try vault.raiseConcern(client: .random(), category: .riskToSelf, details: "x")
            case "empty details": try vault.raiseConcern(client: client.id, category: .riskToSelf, details: "  ")
            default: try vault.raiseConcern(client: client.id, category: .riskToSelf, details: "x", session: client.id.clientRecordID)
            }
            Issue.record("\(what) was not refused")
        } catch {
            #expect(error.code.rawValue == code)
            #expect(!error.message.contains("Alex"))
        }
        #expect(try vault.auditEntries().allSatisfy { $0.recordType != .concern })
    }

    @Test("the DSL sees an unacknowledged concern on every command until acknowledged; then tracks it to an outcome")
    func dslLifecycle() throws {
        let vault = try SafeguardingFixture.vault(role: .dsl)
        let client = try SafeguardingFixture.client(in: vault)
        #expect(try vault.warnings().isEmpty)
        let concern = try vault.raiseConcern(client: client.id, category: .threatToLife, details: "Said they have a plan")
        let warnings = try vault.warnings()
        #expect(warnings.count == 1)
        #expect(warnings[0].contains("safeguarding concern \(concern.id.rawValue.prefix(8))") && warnings[0].contains("not acknowledged"))
        #expect(!warnings[0].contains("plan"), "warnings never carry content")

        try vault.acknowledgeConcern(concern.id)
        #expect(try vault.warnings().isEmpty)
        let action = try vault.recordConcernAction(concern.id, kind: "referral", text: "Referred to crisis team")
        #expect(throws: CasebookError.self) { try vault.closeConcern(concern.id, outcome: " ") }
        let closed = try vault.closeConcern(concern.id, outcome: "Crisis team engaged; safety plan agreed")
        #expect(closed.status == .closed && closed.closedBy == vault.person)
        do throws(CasebookError) { try vault.recordConcernAction(concern.id, text: "late") ; Issue.record("action on a closed concern") } catch {
            #expect(error.code == .conflict)
        }

        let views = try vault.concerns(client: client.id)
        #expect(views.count == 1)
        #expect(views[0].concern.status == .closed && views[0].concern.acknowledgedBy == vault.person)
        #expect(views[0].actions.map(\.id) == [action.id])
        let trail = try vault.auditEntries().filter { $0.recordID == concern.id && $0.action != .read }.map(\.action)
        #expect(trail == [.create, .update, .update])
    }

    @Test("a DSL whose training lapsed is still warned (ids only) and cannot open the details until retrained")
    func dslWithLapsedTraining() throws {
        let clock = TestClock(on: SafeguardingFixture.start)
        let vault = try SafeguardingFixture.vault(role: .dsl, clock: clock)
        let client = try SafeguardingFixture.client(in: vault)
        clock.advance(days: 400)
        let concern = try vault.raiseConcern(client: client.id, category: .riskToOthers, details: "Threat to a sibling")
        #expect(try vault.warnings().contains { $0.contains(String(concern.id.rawValue.prefix(8))) })
        do throws(CasebookError) { _ = try vault.concerns(); Issue.record("details opened with lapsed training") } catch {
            #expect(error.code == .trainingMissing)
        }
        try vault.recordTraining(course: .confidentiality, completedOn: clock.today)
        try vault.recordTraining(course: .dataProtection, completedOn: clock.today)
        #expect(try vault.concerns().map(\.concern.id) == [concern.id])
    }

    @Test("only the DSL acknowledges or closes", arguments: ["acknowledge", "close"])
    func practitionerCannotAcknowledge(step: String) throws {
        let vault = try SafeguardingFixture.vault(role: .practitioner)
        let client = try SafeguardingFixture.client(in: vault)
        let concern = try vault.raiseConcern(client: client.id, category: .riskToOthers, details: "Threats to a classmate")
        do throws(CasebookError) {
            if step == "acknowledge" { try vault.acknowledgeConcern(concern.id) } else { try vault.closeConcern(concern.id, outcome: "x") }
            Issue.record("a practitioner could \(step)")
        } catch {
            #expect(error.code == .notAuthorised)
            #expect(error.message.contains("Designated Safeguarding Lead"))
        }
        #expect(try vault.warnings().isEmpty, "a practitioner is not shown the DSL's queue")
        #expect(try vault.auditEntries().filter { $0.recordID == concern.id }.map(\.action) == [.create])
    }

    @Test("an unacknowledged concern is escalated to the deputy after the configured hours")
    func escalation() throws {
        let clock = TestClock(on: SafeguardingFixture.start)
        let vault = try SafeguardingFixture.vault(role: .dsl, clock: clock)
        let client = try SafeguardingFixture.client(in: vault)
        // Given the owner is the deputy, with escalation after 4 hours
        try vault.configureEscalation(deputy: vault.person, hours: 4)
        let concern = try vault.raiseConcern(client: client.id, category: .riskToSelf, details: "Self-harm disclosed")
        clock.advance(hours: 3.9)
        #expect(try vault.warnings().isEmpty)
        clock.advance(hours: 0.2)
        let warnings = try vault.warnings()
        #expect(warnings.count == 1 && warnings[0].hasPrefix("ESCALATED to you as deputy DSL") && warnings[0].contains(String(concern.id.rawValue.prefix(8))))
        #expect(try vault.concerns()[0].escalated)
        try vault.acknowledgeConcern(concern.id)
        #expect(try vault.warnings().isEmpty)
    }

    @Test("the deputy must hold the dsl role; escalation hours are bounded")
    func escalationRefused() throws {
        let vault = try SafeguardingFixture.vault(role: .practitioner)
        #expect(throws: CasebookError.self) { try vault.configureEscalation(deputy: vault.person, hours: nil) }
        #expect(throws: CasebookError.self) { try vault.configureEscalation(deputy: nil, hours: 0) }
        try vault.configureEscalation(deputy: nil, hours: 12)
        #expect(try vault.organisation().settings.concernEscalationHours == 12)
    }

    @Test("offline: no server or a stale sync means the practitioner is told to phone the DSL")
    func connectivity() throws {
        let vault = try SafeguardingFixture.vault(role: .practitioner)
        let state = try vault.connectivity()
        #expect(!state.serverConfigured)
        #expect(state.isOffline(now: vault.clock.now, minutes: 15))
        let synced = ConnectivityState(serverConfigured: true, lastSync: vault.clock.now.addingTimeInterval(-60))
        #expect(!synced.isOffline(now: vault.clock.now, minutes: 15))
        #expect(synced.isOffline(now: vault.clock.now.addingTimeInterval(3600), minutes: 15))
    }
}

import CasebookModels
import CasebookStorage
import CasebookTestSupport
import Foundation
import Testing

/// UK GDPR Art. 33 (ADR 0022): a lost or stolen device opens a breach with a 72-hour deadline by
/// the vault's clock; the inbox shows it with the hours left until it is reported or assessed,
/// which records who decided and when; a decision is made once.
@Suite struct BreachClockTests {
    static let laptop = DeviceID(rawValue: "d-synthetic-laptop")
    static let owner = PersonID(rawValue: "p-synthetic-volunteer")

    func breachItems(_ vault: Vault) throws -> [StatusItem] { try vault.status().items.filter { $0.kind == .breach } }

    @Test func theClockRunsFromTheRemovalAndTheInboxCountsDownTheHours() throws {
        let fixture = try VaultFixture(role: .dsl)
        let opened = fixture.clock.now
        let breach = try fixture.vault.openBreach(device: Self.laptop, person: Self.owner, cause: .stolen)
        #expect(breach.openedAt == opened)
        #expect(breach.deadline == opened.addingTimeInterval(72 * 3600))
        #expect(breach.status == .open && breach.openedBy == fixture.vault.person)

        var item = try #require(try breachItems(fixture.vault).first)
        #expect(item.record == breach.id && item.due == breach.deadline && !item.overdue)
        #expect(item.client == nil)
        #expect(item.summary.contains("72 hour(s) left"))

        fixture.clock.advance(by: 50 * 3600 + 60)
        item = try #require(try breachItems(fixture.vault).first)
        #expect(item.summary.contains("21 hour(s) left"))
        #expect(!item.overdue)

        fixture.clock.advance(by: 23 * 3600)
        item = try #require(try breachItems(fixture.vault).first)
        #expect(item.overdue)
        #expect(item.summary.contains("deadline passed 1 hour(s) ago"))
        // Overdue items come first in the inbox.
        #expect(try fixture.vault.status().items.first?.kind == .breach)
    }

    @Test func reportingRecordsWhoAndWhenAndEmptiesTheInbox() throws {
        let fixture = try VaultFixture(role: .dsl)
        let breach = try fixture.vault.openBreach(device: Self.laptop, person: Self.owner, cause: .lost)
        fixture.clock.advance(by: 5 * 3600)
        let reported = try fixture.vault.reportBreach(breach.id, reference: " ICO-SYNTH-0042 ")
        #expect(reported.status == .reported && reported.reference == "ICO-SYNTH-0042")
        #expect(reported.decidedBy == fixture.vault.person)
        #expect(reported.decidedAt == fixture.clock.now)
        #expect(try breachItems(fixture.vault).isEmpty)
        #expect(try fixture.vault.breaches().isEmpty)
        let stored = try #require(try fixture.vault.breaches(all: true).first)
        #expect(stored == reported)
        #expect(stored.deadline == breach.deadline)

        // Decided once: a second decision is refused and changes nothing.
        let before = try fixture.vault.revisionCount()
        let again = #expect(throws: CasebookError.self) { try fixture.vault.assessBreachNoRisk(breach.id, reason: "encrypted disk") }
        #expect(again?.code == .finalised)
        #expect(try fixture.vault.revisionCount() == before)
        #expect(try fixture.vault.breaches(all: true).first == reported)
    }

    @Test func assessingAsNoRiskNeedsAReasonAndEmptiesTheInbox() throws {
        let fixture = try VaultFixture(role: .dsl)
        let breach = try fixture.vault.openBreach(device: Self.laptop, person: nil, cause: .lost)
        let before = try fixture.vault.revisionCount()
        #expect(throws: CasebookError.self) { try fixture.vault.assessBreachNoRisk(breach.id, reason: "   ") }
        #expect(throws: CasebookError.self) { try fixture.vault.reportBreach(breach.id, reference: "") }
        #expect(try fixture.vault.revisionCount() == before)
        #expect(try breachItems(fixture.vault).count == 1)
        let assessed = try fixture.vault.assessBreachNoRisk(breach.id, reason: "full-disk encryption; passphrase not written down")
        #expect(assessed.status == .noRisk && assessed.decidedBy == fixture.vault.person && assessed.decidedAt != nil)
        #expect(try breachItems(fixture.vault).isEmpty)
    }

    @Test func aRetiredDeviceIsNotABreachAndAnUnknownBreachIsNotFound() throws {
        let fixture = try VaultFixture(role: .dsl)
        #expect(throws: CasebookError.self) { try fixture.vault.openBreach(device: Self.laptop, person: nil, cause: .retired) }
        #expect(try fixture.vault.breaches(all: true).isEmpty)
        let unknown = #expect(throws: CasebookError.self) { try fixture.vault.reportBreach(RecordID(rawValue: "no-such-breach"), reference: "R") }
        #expect(unknown?.code == .notFound)
    }

    @Test func theBreachRecordHoldsNoClientContent() throws {
        let fixture = try VaultFixture(role: .dsl)
        let breach = try fixture.vault.openBreach(device: Self.laptop, person: Self.owner, cause: .stolen)
        let fields = try FieldCoding.fields(of: breach)
        #expect(Set(fields.keys) == ["id", "device", "devicePerson", "cause", "openedBy", "openedAt", "deadline", "status"])
        #expect(!fields.values.contains { $0.stringValue?.contains(fixture.client.rawValue) == true })
        #expect(RecordType.breach.isOrganisationWide)
        #expect(Rulebook.permittedRoles(for: .breach) == [.admin, .dsl])
    }
}

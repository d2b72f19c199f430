import CasebookModels
import Foundation
import Testing

/// P8: the concern state machine and escalation.
@Suite("Concern workflow")
struct ConcernWorkflowTests {
    static let today = LocalDate(iso: "2026-11-10")!
    static let dsl = Person(id: PersonID(rawValue: "dsl"), name: "D", type: .staff, roles: [.dsl])
    static let practitioner = Person(id: PersonID(rawValue: "pr"), name: "P", type: .volunteer, roles: [.practitioner])
    static let inactiveDSL = Person(id: PersonID(rawValue: "old"), name: "O", type: .staff, roles: [.dsl], active: false)

    static func concern(_ status: ConcernStatus) -> SafeguardingConcern {
        SafeguardingConcern(id: RecordID(rawValue: "k1"), clientID: ClientID(rawValue: "c1"), category: .riskToSelf, details: "d",
                            raisedBy: practitioner.id, raisedOn: today, status: status)
    }

    enum Step: String, Sendable { case acknowledge, close, closeBlank, action }

    @Test("transitions", arguments: [
        (ConcernStatus.open, Step.acknowledge, "dsl", "acknowledged"),
        (.open, .acknowledge, "pr", "not-authorised"),
        (.open, .acknowledge, "old", "not-authorised"),
        (.acknowledged, .acknowledge, "dsl", "conflict"),
        (.open, .close, "dsl", "closed"),
        (.acknowledged, .close, "dsl", "closed"),
        (.acknowledged, .close, "pr", "not-authorised"),
        (.acknowledged, .closeBlank, "dsl", "invalid-input"),
        (.closed, .close, "dsl", "conflict"),
        (.open, .action, "pr", "open"),
        (.acknowledged, .action, "pr", "acknowledged"),
        (.closed, .action, "dsl", "conflict"),
    ])
    func transition(from status: ConcernStatus, step: Step, who: String, expected: String) {
        let person = [Self.dsl, Self.practitioner, Self.inactiveDSL].first { $0.id.rawValue == who }!
        let start = Self.concern(status)
        do throws(CasebookError) {
            let next: SafeguardingConcern
            switch step {
            case .acknowledge: next = try ConcernWorkflow.acknowledge(start, by: person, on: Self.today)
            case .close: next = try ConcernWorkflow.close(start, outcome: "Referred to children's services", by: person, on: Self.today)
            case .closeBlank: next = try ConcernWorkflow.close(start, outcome: "  ", by: person, on: Self.today)
            case .action:
                try ConcernWorkflow.requireCanRecordAction(on: start)
                next = start
            }
            #expect(next.status.rawValue == expected)
            if step == .acknowledge { #expect(next.acknowledgedBy == person.id && next.acknowledgedOn == Self.today) }
            if next.status == .closed {
                #expect(next.closedBy == person.id && next.outcome == "Referred to children's services")
                #expect(next.acknowledgedBy != nil)
            }
        } catch {
            #expect(error.code.rawValue == expected, "\(error.message)")
        }
    }

    @Test("escalation after the configured hours, only while unacknowledged", arguments: [
        (ConcernStatus.open, 23.9, 24, false), (.open, 24.0, 24, true), (.open, 1.0, 1, true),
        (.acknowledged, 100.0, 24, false), (.closed, 100.0, 24, false), (.open, 0.5, 1, false),
    ])
    func escalation(status: ConcernStatus, hoursElapsed: Double, hours: Int, expected: Bool) {
        let raised = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(ConcernWorkflow.needsEscalation(status: status, raisedAt: raised, now: raised.addingTimeInterval(hoursElapsed * 3600),
                                                hours: hours) == expected)
    }

    @Test("old concern records without the new fields still decode")
    func decodesOldRecords() throws {
        var fields = try FieldCoding.fields(of: Self.concern(.open))
        fields["acknowledged_on"] = nil
        fields.removeValue(forKey: "acknowledgedOn")
        fields.removeValue(forKey: "closedBy")
        fields.removeValue(forKey: "closedOn")
        let decoded = try FieldCoding.decode(SafeguardingConcern.self, from: fields)
        #expect(decoded.closedOn == nil)
        let settings = try FieldCoding.decode(OrganisationSettings.self,
                                              from: try FieldCoding.fields(of: OrganisationSettings()).filter { $0.key != "deputyDSL" })
        #expect(settings.deputyDSL == nil)
    }
}

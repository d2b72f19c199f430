public import Foundation

/// P8: the life of a safeguarding concern as a small pure state machine.
///
///     open ──acknowledge (DSL)──▶ acknowledged ──close (DSL, outcome)──▶ closed
///       └──────────────close (DSL, outcome)───────────────────────────────▲
///
/// Actions (what was done) may be appended while the concern is open or acknowledged, by anyone
/// who holds the case; a closed concern is final.
public enum ConcernWorkflow {
    public static func acknowledge(_ concern: SafeguardingConcern, by person: Person, on today: LocalDate) throws(CasebookError) -> SafeguardingConcern {
        try requireDSL(person, to: "acknowledge a safeguarding concern")
        guard concern.status == .open else {
            throw CasebookError(.conflict, "concern \(concern.id) is already \(concern.status.rawValue)")
        }
        var next = concern
        next.status = .acknowledged
        next.acknowledgedBy = person.id
        next.acknowledgedOn = today
        return next
    }

    public static func close(_ concern: SafeguardingConcern, outcome: String, by person: Person, on today: LocalDate) throws(CasebookError) -> SafeguardingConcern {
        try requireDSL(person, to: "close a safeguarding concern")
        guard concern.status != .closed else { throw CasebookError(.conflict, "concern \(concern.id) is already closed") }
        let trimmed = outcome.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw CasebookError(.invalidInput, "--outcome must say how the concern was resolved") }
        var next = concern
        if next.acknowledgedBy == nil {
            next.acknowledgedBy = person.id
            next.acknowledgedOn = today
        }
        next.status = .closed
        next.outcome = trimmed
        next.closedBy = person.id
        next.closedOn = today
        return next
    }

    public static func requireCanRecordAction(on concern: SafeguardingConcern) throws(CasebookError) {
        guard concern.status != .closed else {
            throw CasebookError(.conflict, "concern \(concern.id) is closed; raise a new concern if there is a new worry")
        }
    }

    static func requireDSL(_ person: Person, to action: String) throws(CasebookError) {
        guard person.active, person.has(.dsl) else {
            throw CasebookError(.notAuthorised, "only the Designated Safeguarding Lead (role dsl) may \(action)")
        }
    }

    /// An unacknowledged concern raised at least `hours` ago goes to the deputy DSL.
    public static func needsEscalation(status: ConcernStatus, raisedAt: Date, now: Date, hours: Int) -> Bool {
        status == .open && now.timeIntervalSince(raisedAt) >= Double(max(0, hours)) * 3600
    }
}

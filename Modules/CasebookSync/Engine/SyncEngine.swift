public import CasebookModels
public import CasebookStorage
public import Foundation

/// Limits of one sync run, as data (tests shrink them).
public struct SyncConfiguration: Sendable, Hashable {
    /// Revisions per push request.
    public var pushBatch = 1_000
    /// Revisions per pull page (one SQLite transaction each).
    public var pullLimit = 2_000
    /// Every request's deadline.
    public var requestTimeout: Duration = .seconds(30)
    /// Attempts per request before the run fails (retryable failures only).
    public var maxAttempts = 4
    public var backoffBase: Duration = .milliseconds(250)
    public var backoffCap: Duration = .seconds(8)
    /// Threads that verify and decrypt each pulled page (0: one per core; the benchmark sets 1 to
    /// show what the parallelism buys). Pages are still applied one at a time, in order.
    public var applyConcurrency = 0
    /// Upper bound on requests in one run (a server that keeps saying `has_more` cannot loop us forever).
    public var maxRequests = 1_000_000
    /// Mass-erasure stop (ADR 0014): a run crypto-shreds at most this many cases because of pulled
    /// destruction certificates unless `confirmedErasures` allows more; beyond it, it shreds none.
    public var erasureLimit = 3
    /// How many erasures the DSL or an administrator confirmed for this run (`--confirm-erasures N`).
    public var confirmedErasures = 0

    public init() {}
}

/// What a sync run did, for the CLI and scripts.
public struct SyncReport: Sendable, Hashable, Codable {
    public var pushed = 0
    public var pushRejected: [RejectedRevision] = []
    public var pulled = 0
    public var stored = 0
    public var duplicates = 0
    public var rejected: [RejectedRevision] = []
    /// Pulled revisions stored but kept out of state by the rulebook (ADR 0012), by id and reason.
    public var refused: [RejectedRevision] = []
    public var keysReceived = 0
    /// Served keys refused by this replica (unsigned, unknown or unentitled wrapper, tampered).
    public var keysRejected: [RejectedKey] = []
    public var keysDistributed = 0
    /// Training summaries told to the server (administrators' replicas; P10 gate).
    public var trainingPublished = 0
    public var certified = 0
    public var backfilled: [CaseID] = []
    /// Cases erased on the server by this run (`DELETE /v1/cases/{id}` for this replica's pending erasures).
    public var serverErased: [CaseID] = []
    /// Pending server erasures the server refused (403/4xx): kept pending, retried at the next sync.
    public var serverErasureRefused: [CaseID] = []
    /// Cases this replica crypto-shredded because it pulled their destruction certificate.
    public var erasedLocally: [CaseID] = []
    // Integrity (ADR 0014).
    /// Revisions refused this run for a reason that can pass, kept aside (also listed in `rejected`).
    public var held = 0
    /// Revisions kept aside by earlier runs, verified again this run; `retriedStored` of them now passed.
    public var retried = 0
    public var retriedStored = 0
    /// Revisions still kept aside when the run ended.
    public var waiting = 0
    /// Gaps in other devices' numbering this replica could not fill (withheld, or not yet uploaded).
    public var missing: [MissingRevisions] = []
    /// Cases not shredded because more than the limit would have been at once: need a confirmation.
    public var erasuresHeld: [CaseID] = []
    public var cursor: String?
    public var retries = 0
    /// Wall time per kind of step, in milliseconds (measured by the driver, for diagnosis).
    public var timings: [String: Double] = [:]
    public init() {}
}

/// The outcome of applying one pulled page, as the engine sees it.
public struct PageOutcome: Sendable, Hashable {
    public var received: Int
    public var applied: ApplyResult
    public var cursor: String
    public var hasMore: Bool
    /// After the last page of the pull: cases with gaps in a device's numbering, fetched again from
    /// the start by a backfill (ADR 0014).
    public var gaps: [CaseID]
    public init(received: Int, applied: ApplyResult, cursor: String, hasMore: Bool, gaps: [CaseID] = []) {
        self.received = received
        self.applied = applied
        self.cursor = cursor
        self.hasMore = hasMore
        self.gaps = gaps
    }
}

/// The sync protocol as a pure state machine: no I/O and no clock reads. The driver (`SyncClient`)
/// feeds it events (what a request returned, a failure, the time) and performs the actions it
/// returns. Every request action carries its deadline; failures are retried with capped
/// exponential backoff up to `maxAttempts`; a 401 triggers one re-authentication.
///
/// Order of a run: organisation (devices, certifications) → keys → server erasures (one request per
/// case this replica erased) → push (until the outbox is empty) → pull (until `has_more` is false)
/// → distribute keys → publish training summaries (administrators) → backfill newly readable cases
/// and cases with gaps in a device's numbering.
///
/// `handle` switches on `(state, event)` (ADR 0026): each state accepts only the answer to the
/// request it issued (plus failures, re-authentication and ticks of a request in flight); any
/// other event is refused and ends the run with a `rejected` failure.
public struct SyncEngine: Sendable {
    public enum Action: Sendable, Hashable {
        case refreshOrganisation(deadline: Date)
        case fetchKeys(deadline: Date)
        /// `DELETE /v1/cases/{id}` for a case this replica erased; then clear its pending marker.
        case eraseOnServer(CaseID, deadline: Date)
        case push(limit: Int, deadline: Date)
        case pull(after: String?, limit: Int, deadline: Date)
        case distributeKeys(deadline: Date)
        case publishTraining(deadline: Date)
        case backfill(CaseID, after: String?, limit: Int, deadline: Date)
        case reauthenticate(deadline: Date)
        /// Sleep, then send `.tick`.
        case wait(until: Date)
        case done(SyncReport)
        case fail(SyncFailure, SyncReport)
    }

    public enum Event: Sendable, Hashable {
        case start(now: Date, cursor: String?, pendingErasures: [CaseID] = [])
        case organisationRefreshed(certified: Int, now: Date)
        case keysFetched(received: Int, newCases: [CaseID], rejected: [RejectedKey] = [], now: Date)
        case erasedOnServer(CaseID, now: Date)
        case pushed(accepted: Int, rejected: [RejectedRevision], outboxEmpty: Bool, now: Date)
        case pulled(PageOutcome, now: Date)
        case keysDistributed(count: Int, now: Date)
        case trainingPublished(count: Int, now: Date)
        case backfilled(CaseID, PageOutcome, now: Date)
        case reauthenticated(now: Date)
        case failed(SyncFailure, now: Date)
        case tick(now: Date)
    }

    /// Where a run stands, with what that step needs: the erasures still to send, the cases still to
    /// backfill (collected from newly readable cases at `keysFetched` and from gaps after the last
    /// pull page), the pull or backfill cursor. `handle` switches on the state; an event that does
    /// not answer the current state's request is refused (the run fails) instead of being applied.
    public enum State: Sendable, Hashable {
        case idle
        case refreshingOrganisation(erasures: [CaseID])
        case fetchingKeys(erasures: [CaseID])
        case erasing(CaseID, then: [CaseID], backfills: [CaseID])
        case pushing(backfills: [CaseID])
        case pulling(after: String?, backfills: [CaseID])
        case distributingKeys(backfills: [CaseID])
        case publishingTraining(backfills: [CaseID])
        case backfilling(CaseID, after: String?, then: [CaseID])
        case finished
    }

    /// The request in flight, re-issued after a retryable failure, and how it is being retried.
    struct InFlight: Sendable, Hashable {
        var action: Action
        var attempts = 1
        var reauthenticating = false
        var reauthenticated = false
        var waitingUntil: Date?
    }

    public let configuration: SyncConfiguration
    public private(set) var state: State = .idle
    public private(set) var report = SyncReport()
    private var cursorAtStart: String?
    private var inFlight: InFlight?
    private var requests = 0

    public init(configuration: SyncConfiguration = SyncConfiguration()) {
        self.configuration = configuration
    }

    public var isFinished: Bool { state == .finished }

    public mutating func handle(_ event: Event) -> Action {
        switch (state, event) {
        case (.idle, .start(let now, let cursor, let pendingErasures)):
            report.cursor = cursor
            cursorAtStart = cursor
            var erasures: [CaseID] = []
            for c in pendingErasures where c != .organisation && !erasures.contains(c) { erasures.append(c) }
            state = .refreshingOrganisation(erasures: erasures)
            return issue(.refreshOrganisation(deadline: deadline(now)))

        case (.refreshingOrganisation(let erasures), .organisationRefreshed(let certified, let now)):
            report.certified += certified
            state = .fetchingKeys(erasures: erasures)
            return issue(.fetchKeys(deadline: deadline(now)))

        case (.fetchingKeys(let erasures), .keysFetched(let received, let newCases, let rejected, let now)):
            report.keysReceived += received
            report.keysRejected += rejected
            // A replica that has pulled before missed the history of cases it could not read then.
            let backfills = cursorAtStart == nil ? [] : Self.adding(newCases, to: [])
            return nextErasure(erasures, backfills: backfills, now)

        case (.erasing(let current, let rest, let backfills), .erasedOnServer(let caseID, let now)) where caseID == current:
            report.serverErased.append(caseID)
            return nextErasure(rest, backfills: backfills, now)

        case (.pushing(let backfills), .pushed(let accepted, let rejected, let outboxEmpty, let now)):
            report.pushed += accepted
            report.pushRejected += rejected
            if !outboxEmpty { return issue(.push(limit: configuration.pushBatch, deadline: deadline(now))) }
            state = .pulling(after: report.cursor, backfills: backfills)
            return issue(.pull(after: report.cursor, limit: configuration.pullLimit, deadline: deadline(now)))

        case (.pulling(_, let backfills), .pulled(let page, let now)):
            record(page)
            report.cursor = page.cursor
            if page.hasMore && page.received > 0 {
                state = .pulling(after: page.cursor, backfills: backfills)
                return issue(.pull(after: page.cursor, limit: configuration.pullLimit, deadline: deadline(now)))
            }
            // A gap in a device's numbering: fetch the case again from the start (ADR 0014).
            state = .distributingKeys(backfills: Self.adding(page.gaps, to: backfills))
            return issue(.distributeKeys(deadline: deadline(now)))

        case (.distributingKeys(let backfills), .keysDistributed(let count, let now)):
            report.keysDistributed += count
            state = .publishingTraining(backfills: backfills)
            return issue(.publishTraining(deadline: deadline(now)))

        case (.publishingTraining(let backfills), .trainingPublished(let count, let now)):
            report.trainingPublished += count
            return nextBackfill(backfills, now)

        case (.backfilling(let current, _, let rest), .backfilled(let caseID, let page, let now)) where caseID == current:
            record(page)
            if page.hasMore && page.received > 0 {
                state = .backfilling(current, after: page.cursor, then: rest)
                return issue(.backfill(current, after: page.cursor, limit: configuration.pullLimit, deadline: deadline(now)))
            }
            report.backfilled.append(caseID)
            return nextBackfill(rest, now)

        case (.idle, .failed(let failure, _)), (.finished, .failed(let failure, _)):
            return fail(failure)

        case (.idle, _), (.finished, _):
            return refuse(event)

        case (_, .reauthenticated(let now)):
            guard var request = inFlight, request.reauthenticating else { return refuse(event) }
            request.reauthenticating = false
            inFlight = request
            return issue(request.action.withDeadline(deadline(now)), retry: true)

        case (_, .failed(let failure, let now)):
            return failed(failure, now)

        case (_, .tick(let now)):
            guard let request = inFlight, let until = request.waitingUntil else { return refuse(event) }
            guard now >= until else { return .wait(until: until) }
            inFlight?.waitingUntil = nil
            report.retries += 1
            return issue(request.action.withDeadline(deadline(now)), retry: true)

        default:
            return refuse(event)
        }
    }

    /// A request failed: re-authenticate once on a 401, skip a refused erasure, back off and retry
    /// what can pass, or end the run.
    private mutating func failed(_ failure: SyncFailure, _ now: Date) -> Action {
        guard var request = inFlight, request.waitingUntil == nil else { return fail(failure) }
        // A failed re-authentication is retried as the request it was for (once re-authenticated, never again).
        request.reauthenticating = false
        if failure.kind == .unauthenticated, !request.reauthenticated, request.action.isRequest {
            request.reauthenticated = true
            request.reauthenticating = true
            inFlight = request
            return .reauthenticate(deadline: deadline(now))
        }
        if case .erasing(let caseID, let rest, let backfills) = state, !failure.isRetryable {
            // Refused (not permitted, or rejected): keep it pending for the next sync, go on with the run.
            report.serverErasureRefused.append(caseID)
            return nextErasure(rest, backfills: backfills, now)
        }
        guard failure.isRetryable, request.attempts < configuration.maxAttempts else { return fail(failure) }
        let until = now.addingTimeInterval(backoff(attempt: request.attempts).seconds)
        request.waitingUntil = until
        inFlight = request
        return .wait(until: until)
    }

    /// An event that does not answer the request of the current state (a driver bug, or events
    /// replayed out of order): the run fails rather than applying it.
    private mutating func refuse(_ event: Event) -> Action {
        fail(SyncFailure(.rejected, "sync engine: \(event.name) does not follow \(state.name); the run stops"))
    }

    private static func adding(_ cases: [CaseID], to queue: [CaseID]) -> [CaseID] {
        var queue = queue
        for c in cases where !queue.contains(c) { queue.append(c) }
        return queue
    }

    private mutating func nextErasure(_ erasures: [CaseID], backfills: [CaseID], _ now: Date) -> Action {
        if let next = erasures.first {
            state = .erasing(next, then: Array(erasures.dropFirst()), backfills: backfills)
            return issue(.eraseOnServer(next, deadline: deadline(now)))
        }
        state = .pushing(backfills: backfills)
        return issue(.push(limit: configuration.pushBatch, deadline: deadline(now)))
    }

    private mutating func nextBackfill(_ backfills: [CaseID], _ now: Date) -> Action {
        guard let next = backfills.first else {
            state = .finished
            inFlight = nil
            return .done(report)
        }
        state = .backfilling(next, after: nil, then: Array(backfills.dropFirst()))
        return issue(.backfill(next, after: nil, limit: configuration.pullLimit, deadline: deadline(now)))
    }

    private mutating func record(_ page: PageOutcome) {
        report.pulled += page.received
        report.stored += page.applied.stored
        report.duplicates += page.applied.duplicates
        report.rejected += page.applied.rejected
        report.refused += page.applied.refused
        report.erasedLocally += page.applied.erased
        report.held += page.applied.held
        report.retried += page.applied.retried
        report.retriedStored += page.applied.retriedStored
    }

    private mutating func issue(_ action: Action, retry: Bool = false) -> Action {
        requests += 1
        if requests > configuration.maxRequests {
            return fail(SyncFailure(.rejected, "the sync did not finish within \(configuration.maxRequests) requests; the server may be misbehaving"))
        }
        if retry, var request = inFlight {
            request.attempts += 1
            request.action = action
            inFlight = request
        } else {
            inFlight = InFlight(action: action)
        }
        return action
    }

    private mutating func fail(_ failure: SyncFailure) -> Action {
        state = .finished
        inFlight = nil
        return .fail(failure, report)
    }

    private func deadline(_ now: Date) -> Date { now.addingTimeInterval(configuration.requestTimeout.seconds) }

    /// Capped exponential backoff: base × 2^(attempt-1), at most `backoffCap`.
    public func backoff(attempt: Int) -> Duration {
        let factor = 1 << min(max(attempt - 1, 0), 16)
        return min(configuration.backoffBase * factor, configuration.backoffCap)
    }
}

extension SyncEngine.State {
    /// A short name, for the message of a refused event.
    public var name: String {
        switch self {
        case .idle: "idle"
        case .refreshingOrganisation: "refreshing the organisation"
        case .fetchingKeys: "fetching keys"
        case .erasing: "erasing on the server"
        case .pushing: "pushing"
        case .pulling: "pulling"
        case .distributingKeys: "distributing keys"
        case .publishingTraining: "publishing training"
        case .backfilling: "backfilling"
        case .finished: "finished"
        }
    }
}

extension SyncEngine.Event {
    /// A short name, for the message of a refused event.
    public var name: String {
        switch self {
        case .start: "start"
        case .organisationRefreshed: "organisationRefreshed"
        case .keysFetched: "keysFetched"
        case .erasedOnServer: "erasedOnServer"
        case .pushed: "pushed"
        case .pulled: "pulled"
        case .keysDistributed: "keysDistributed"
        case .trainingPublished: "trainingPublished"
        case .backfilled: "backfilled"
        case .reauthenticated: "reauthenticated"
        case .failed: "failed"
        case .tick: "tick"
        }
    }
}

extension SyncEngine.Action {
    /// A short name for timings and logs.
    public var kind: String {
        switch self {
        case .refreshOrganisation: "organisation"
        case .fetchKeys: "keys"
        case .eraseOnServer: "erase"
        case .push: "push"
        case .pull: "pull"
        case .distributeKeys: "distribute"
        case .publishTraining: "training"
        case .backfill: "backfill"
        case .reauthenticate: "authenticate"
        case .wait: "wait"
        case .done: "done"
        case .fail: "fail"
        }
    }

    var isRequest: Bool {
        switch self {
        case .wait, .done, .fail, .reauthenticate: false
        default: true
        }
    }

    /// The deadline of a request action.
    public var deadline: Date? {
        switch self {
        case .refreshOrganisation(let d), .fetchKeys(let d), .eraseOnServer(_, let d), .push(_, let d), .pull(_, _, let d), .distributeKeys(let d),
             .publishTraining(let d), .backfill(_, _, _, let d), .reauthenticate(let d): d
        case .wait, .done, .fail: nil
        }
    }

    func withDeadline(_ d: Date) -> Self {
        switch self {
        case .refreshOrganisation: .refreshOrganisation(deadline: d)
        case .fetchKeys: .fetchKeys(deadline: d)
        case .eraseOnServer(let c, _): .eraseOnServer(c, deadline: d)
        case .push(let l, _): .push(limit: l, deadline: d)
        case .pull(let a, let l, _): .pull(after: a, limit: l, deadline: d)
        case .distributeKeys: .distributeKeys(deadline: d)
        case .publishTraining: .publishTraining(deadline: d)
        case .backfill(let c, let a, let l, _): .backfill(c, after: a, limit: l, deadline: d)
        case .reauthenticate: .reauthenticate(deadline: d)
        case .wait, .done, .fail: self
        }
    }
}

extension Duration {
    var seconds: Double {
        let (s, atto) = components
        return Double(s) + Double(atto) / 1e18
    }
}

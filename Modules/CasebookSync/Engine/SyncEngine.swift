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
    public init(received: Int, applied: ApplyResult, cursor: String, hasMore: Bool) {
        self.received = received
        self.applied = applied
        self.cursor = cursor
        self.hasMore = hasMore
    }
}

/// The sync protocol as a pure state machine: no I/O and no clock reads. The driver (`SyncClient`)
/// feeds it events (what a request returned, a failure, the time) and performs the actions it
/// returns. Every request action carries its deadline; failures are retried with capped
/// exponential backoff up to `maxAttempts`; a 401 triggers one re-authentication.
///
/// Order of a run: organisation (devices, certifications) → keys → server erasures (one request per
/// case this replica erased) → push (until the outbox is empty) → pull (until `has_more` is false)
/// → distribute keys → publish training summaries (administrators) → backfill newly readable cases.
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

    enum Step: Sendable, Hashable {
        case idle, organisation, keys, erase, push, pull, distribute, training, backfill, finished
    }

    public let configuration: SyncConfiguration
    private(set) var step: Step = .idle
    public private(set) var report = SyncReport()
    private var cursorAtStart: String?
    private var backfillQueue: [CaseID] = []
    private var backfillCursor: String?
    private var erasureQueue: [CaseID] = []
    /// The request in flight (re-issued after a retryable failure) and its attempt count.
    private var current: Action?
    private var attempts = 0
    private var reauthenticated = false
    private var waitingUntil: Date?
    private var requests = 0

    public init(configuration: SyncConfiguration = SyncConfiguration()) {
        self.configuration = configuration
    }

    public var isFinished: Bool { step == .finished }

    public mutating func handle(_ event: Event) -> Action {
        switch event {
        case .start(let now, let cursor, let pendingErasures):
            precondition(step == .idle, "a sync engine runs once")
            report.cursor = cursor
            cursorAtStart = cursor
            for c in pendingErasures where c != .organisation && !erasureQueue.contains(c) { erasureQueue.append(c) }
            step = .organisation
            return issue(.refreshOrganisation(deadline: deadline(now)))

        case .organisationRefreshed(let certified, let now):
            report.certified += certified
            step = .keys
            return issue(.fetchKeys(deadline: deadline(now)))

        case .keysFetched(let received, let newCases, let rejected, let now):
            report.keysReceived += received
            report.keysRejected += rejected
            // A replica that has pulled before missed the history of cases it could not read then.
            if cursorAtStart != nil {
                for c in newCases where !backfillQueue.contains(c) { backfillQueue.append(c) }
            }
            return nextErasure(now)

        case .erasedOnServer(let caseID, let now):
            report.serverErased.append(caseID)
            erasureQueue.removeAll { $0 == caseID }
            return nextErasure(now)

        case .pushed(let accepted, let rejected, let outboxEmpty, let now):
            report.pushed += accepted
            report.pushRejected += rejected
            if !outboxEmpty { return issue(.push(limit: configuration.pushBatch, deadline: deadline(now))) }
            step = .pull
            return issue(.pull(after: report.cursor, limit: configuration.pullLimit, deadline: deadline(now)))

        case .pulled(let page, let now):
            record(page)
            report.cursor = page.cursor
            if page.hasMore && page.received > 0 {
                return issue(.pull(after: page.cursor, limit: configuration.pullLimit, deadline: deadline(now)))
            }
            step = .distribute
            return issue(.distributeKeys(deadline: deadline(now)))

        case .keysDistributed(let count, let now):
            report.keysDistributed += count
            step = .training
            return issue(.publishTraining(deadline: deadline(now)))

        case .trainingPublished(let count, let now):
            report.trainingPublished += count
            return nextBackfill(now)

        case .backfilled(let caseID, let page, let now):
            record(page)
            if page.hasMore && page.received > 0 {
                backfillCursor = page.cursor
                return issue(.backfill(caseID, after: page.cursor, limit: configuration.pullLimit, deadline: deadline(now)))
            }
            report.backfilled.append(caseID)
            backfillQueue.removeFirst()
            return nextBackfill(now)

        case .reauthenticated(let now):
            guard let current else { return fail(SyncFailure(.rejected, "re-authenticated with nothing to resume")) }
            return issue(current.withDeadline(deadline(now)), retry: true)

        case .failed(let failure, let now):
            guard let current else { return fail(failure) }
            if failure.kind == .unauthenticated, !reauthenticated, current.isRequest {
                reauthenticated = true
                return .reauthenticate(deadline: deadline(now))
            }
            if case .eraseOnServer(let caseID, _) = current, !failure.isRetryable {
                // Refused (not permitted, or rejected): keep it pending for the next sync, go on with the run.
                report.serverErasureRefused.append(caseID)
                erasureQueue.removeAll { $0 == caseID }
                return nextErasure(now)
            }
            guard failure.isRetryable, attempts < configuration.maxAttempts else { return fail(failure) }
            let until = now.addingTimeInterval(backoff(attempt: attempts).seconds)
            waitingUntil = until
            return .wait(until: until)

        case .tick(let now):
            guard let until = waitingUntil, let current else { return .wait(until: now) }
            guard now >= until else { return .wait(until: until) }
            waitingUntil = nil
            report.retries += 1
            return issue(current.withDeadline(deadline(now)), retry: true)
        }
    }

    private mutating func nextErasure(_ now: Date) -> Action {
        if let next = erasureQueue.first {
            step = .erase
            return issue(.eraseOnServer(next, deadline: deadline(now)))
        }
        step = .push
        return issue(.push(limit: configuration.pushBatch, deadline: deadline(now)))
    }

    private mutating func nextBackfill(_ now: Date) -> Action {
        guard let next = backfillQueue.first else {
            step = .finished
            current = nil
            return .done(report)
        }
        step = .backfill
        backfillCursor = nil
        return issue(.backfill(next, after: nil, limit: configuration.pullLimit, deadline: deadline(now)))
    }

    private mutating func record(_ page: PageOutcome) {
        report.pulled += page.received
        report.stored += page.applied.stored
        report.duplicates += page.applied.duplicates
        report.rejected += page.applied.rejected
        report.refused += page.applied.refused
        report.erasedLocally += page.applied.erased
    }

    private mutating func issue(_ action: Action, retry: Bool = false) -> Action {
        requests += 1
        if requests > configuration.maxRequests {
            return fail(SyncFailure(.rejected, "the sync did not finish within \(configuration.maxRequests) requests; the server may be misbehaving"))
        }
        if !retry { attempts = 0; reauthenticated = false }
        attempts += 1
        current = action
        return action
    }

    private mutating func fail(_ failure: SyncFailure) -> Action {
        step = .finished
        current = nil
        return .fail(failure, report)
    }

    private func deadline(_ now: Date) -> Date { now.addingTimeInterval(configuration.requestTimeout.seconds) }

    /// Capped exponential backoff: base × 2^(attempt-1), at most `backoffCap`.
    public func backoff(attempt: Int) -> Duration {
        let factor = 1 << min(max(attempt - 1, 0), 16)
        return min(configuration.backoffBase * factor, configuration.backoffCap)
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

import CasebookCrypto
import CasebookModels
import CasebookStorage
import CasebookSync
import Foundation
import Testing

/// The pure sync state machine, driven by hand with a test clock: no sockets, no vault.
@Suite struct SyncEngineTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    func page(_ n: Int, cursor: String, more: Bool) -> PageOutcome {
        var applied = ApplyResult()
        applied.stored = n
        return PageOutcome(received: n, applied: applied, cursor: cursor, hasMore: more)
    }

    @Test func aRunGoesOrganisationKeysPushPullDistributeTrainingDone() {
        var engine = SyncEngine()
        #expect(engine.handle(.start(now: t0, cursor: nil)) == .refreshOrganisation(deadline: t0 + 30))
        #expect(engine.handle(.organisationRefreshed(certified: 0, now: t0)) == .fetchKeys(deadline: t0 + 30))
        #expect(engine.handle(.keysFetched(received: 0, newCases: [], now: t0)) == .push(limit: 1_000, deadline: t0 + 30))
        #expect(engine.handle(.pushed(accepted: 1_000, rejected: [], outboxEmpty: false, now: t0 + 1)) == .push(limit: 1_000, deadline: t0 + 31))
        #expect(engine.handle(.pushed(accepted: 5, rejected: [], outboxEmpty: true, now: t0 + 2))
                == .pull(after: nil, limit: 2_000, deadline: t0 + 32))
        #expect(engine.handle(.pulled(page(2_000, cursor: "a", more: true), now: t0 + 3)) == .pull(after: "a", limit: 2_000, deadline: t0 + 33))
        #expect(engine.handle(.pulled(page(3, cursor: "b", more: false), now: t0 + 4)) == .distributeKeys(deadline: t0 + 34))
        #expect(engine.handle(.keysDistributed(count: 2, now: t0 + 5)) == .publishTraining(deadline: t0 + 35))
        guard case .done(let report) = engine.handle(.trainingPublished(count: 3, now: t0 + 6)) else {
            Issue.record("expected done"); return
        }
        #expect(report.trainingPublished == 3)
        #expect(report.pushed == 1_005)
        #expect(report.pulled == 2_003)
        #expect(report.cursor == "b")
        #expect(report.keysDistributed == 2)
    }

    @Test func pendingErasuresAreSentAfterKeysAndBeforePushWithRetries() {
        var c = SyncConfiguration()
        c.maxAttempts = 3
        var engine = SyncEngine(configuration: c)
        let (a, b) = (CaseID.random(), CaseID.random())
        _ = engine.handle(.start(now: t0, cursor: "x", pendingErasures: [a, b, a]))
        _ = engine.handle(.organisationRefreshed(certified: 0, now: t0))
        #expect(engine.handle(.keysFetched(received: 0, newCases: [], now: t0)) == .eraseOnServer(a, deadline: t0 + 30))
        // A retryable failure backs off and sends the same erasure again.
        guard case .wait(let until) = engine.handle(.failed(SyncFailure(.server, "503"), now: t0 + 1)) else {
            Issue.record("expected a wait"); return
        }
        #expect(engine.handle(.tick(now: until)) == .eraseOnServer(a, deadline: until + 30))
        #expect(engine.handle(.erasedOnServer(a, now: until)) == .eraseOnServer(b, deadline: until + 30))
        #expect(engine.handle(.erasedOnServer(b, now: until)) == .push(limit: 1_000, deadline: until + 30))
        #expect(engine.report.serverErased == [a, b])
        #expect(engine.report.retries == 1)
    }

    @Test func aRefusedErasureStaysPendingAndTheRunGoesOn() {
        var engine = SyncEngine()
        let a = CaseID.random()
        _ = engine.handle(.start(now: t0, cursor: nil, pendingErasures: [a]))
        _ = engine.handle(.organisationRefreshed(certified: 0, now: t0))
        #expect(engine.handle(.keysFetched(received: 0, newCases: [], now: t0)) == .eraseOnServer(a, deadline: t0 + 30))
        #expect(engine.handle(.failed(SyncFailure(.forbidden, "not permitted"), now: t0)) == .push(limit: 1_000, deadline: t0 + 30))
        #expect(engine.report.serverErasureRefused == [a])
        #expect(engine.report.serverErased.isEmpty)
    }

    @Test func anErasureThatNeverGetsThroughFailsTheRunLikeAnyRequest() {
        var c = SyncConfiguration()
        c.maxAttempts = 2
        var engine = SyncEngine(configuration: c)
        _ = engine.handle(.start(now: t0, cursor: nil, pendingErasures: [.random()]))
        _ = engine.handle(.organisationRefreshed(certified: 0, now: t0))
        _ = engine.handle(.keysFetched(received: 0, newCases: [], now: t0))
        guard case .wait(let until) = engine.handle(.failed(SyncFailure(.unreachable, "down"), now: t0)) else {
            Issue.record("expected a wait"); return
        }
        _ = engine.handle(.tick(now: until))
        guard case .fail(let failure, _) = engine.handle(.failed(SyncFailure(.unreachable, "down"), now: until)) else {
            Issue.record("expected the run to fail"); return
        }
        #expect(failure.kind == .unreachable)
    }

    @Test func retryableFailuresBackOffThenRetryTheSameRequestWithAFreshDeadline() {
        var c = SyncConfiguration()
        c.maxAttempts = 3
        var engine = SyncEngine(configuration: c)
        _ = engine.handle(.start(now: t0, cursor: "x"))
        #expect(engine.handle(.failed(SyncFailure(.timeout, "t"), now: t0 + 30)) == .wait(until: t0 + 30.25))
        #expect(engine.handle(.tick(now: t0 + 30.1)) == .wait(until: t0 + 30.25))
        #expect(engine.handle(.tick(now: t0 + 30.3)) == .refreshOrganisation(deadline: t0 + 60.3))
        #expect(engine.handle(.failed(SyncFailure(.unreachable, "u"), now: t0 + 31)) == .wait(until: t0 + 31.5))
        #expect(engine.handle(.tick(now: t0 + 32)) == .refreshOrganisation(deadline: t0 + 62))
        guard case .fail(let failure, _) = engine.handle(.failed(SyncFailure(.server, "s"), now: t0 + 33)) else {
            Issue.record("the third failure must end the run"); return
        }
        #expect(failure.kind == .server)
    }

    @Test func backoffIsExponentialAndCapped() {
        let engine = SyncEngine()
        #expect(engine.backoff(attempt: 1) == .milliseconds(250))
        #expect(engine.backoff(attempt: 2) == .milliseconds(500))
        #expect(engine.backoff(attempt: 4) == .seconds(2))
        #expect(engine.backoff(attempt: 30) == .seconds(8))
    }

    @Test func unauthenticatedReauthenticatesOnceThenResumes() {
        var engine = SyncEngine()
        _ = engine.handle(.start(now: t0, cursor: nil))
        #expect(engine.handle(.failed(SyncFailure(.unauthenticated, "401"), now: t0)) == .reauthenticate(deadline: t0 + 30))
        #expect(engine.handle(.reauthenticated(now: t0 + 1)) == .refreshOrganisation(deadline: t0 + 31))
        guard case .fail(let failure, _) = engine.handle(.failed(SyncFailure(.unauthenticated, "401"), now: t0 + 2)) else {
            Issue.record("a second 401 must end the run"); return
        }
        #expect(failure.kind == .unauthenticated)
    }

    @Test func aFailedTrainingUpdateIsRetriedAsTheSameStep() {
        var c = SyncConfiguration()
        c.maxAttempts = 2
        var engine = SyncEngine(configuration: c)
        _ = engine.handle(.start(now: t0, cursor: nil))
        _ = engine.handle(.organisationRefreshed(certified: 0, now: t0))
        _ = engine.handle(.keysFetched(received: 0, newCases: [], now: t0))
        _ = engine.handle(.pushed(accepted: 0, rejected: [], outboxEmpty: true, now: t0))
        _ = engine.handle(.pulled(page(0, cursor: "z", more: false), now: t0))
        #expect(engine.handle(.keysDistributed(count: 0, now: t0)) == .publishTraining(deadline: t0 + 30))
        #expect(engine.handle(.failed(SyncFailure(.unreachable, "u"), now: t0 + 1)) == .wait(until: t0 + 1.25))
        #expect(engine.handle(.tick(now: t0 + 2)) == .publishTraining(deadline: t0 + 32))
        guard case .fail(let failure, _) = engine.handle(.failed(SyncFailure(.server, "s"), now: t0 + 3)) else {
            Issue.record("the last attempt must end the run"); return
        }
        #expect(failure.kind == .server)
    }

    @Test func forbiddenIsNeverRetried() {
        var engine = SyncEngine()
        _ = engine.handle(.start(now: t0, cursor: nil))
        guard case .fail = engine.handle(.failed(SyncFailure(.forbidden, "403"), now: t0)) else {
            Issue.record("403 must end the run"); return
        }
        #expect(engine.isFinished)
    }

    @Test func newlyReadableCasesAreBackfilledOnlyAfterAFirstSync() {
        let c = CaseID(rawValue: "c1")
        var fresh = SyncEngine()
        _ = fresh.handle(.start(now: t0, cursor: nil))
        _ = fresh.handle(.organisationRefreshed(certified: 0, now: t0))
        _ = fresh.handle(.keysFetched(received: 1, newCases: [c], now: t0))
        _ = fresh.handle(.pushed(accepted: 0, rejected: [], outboxEmpty: true, now: t0))
        _ = fresh.handle(.pulled(page(0, cursor: "z", more: false), now: t0))
        _ = fresh.handle(.keysDistributed(count: 0, now: t0))
        guard case .done = fresh.handle(.trainingPublished(count: 0, now: t0)) else { Issue.record("a first sync pulls all; no backfill"); return }

        var engine = SyncEngine()
        _ = engine.handle(.start(now: t0, cursor: "k"))
        _ = engine.handle(.organisationRefreshed(certified: 0, now: t0))
        _ = engine.handle(.keysFetched(received: 1, newCases: [c], now: t0))
        _ = engine.handle(.pushed(accepted: 0, rejected: [], outboxEmpty: true, now: t0))
        _ = engine.handle(.pulled(page(0, cursor: "k", more: false), now: t0))
        #expect(engine.handle(.keysDistributed(count: 0, now: t0)) == .publishTraining(deadline: t0 + 30))
        #expect(engine.handle(.trainingPublished(count: 0, now: t0)) == .backfill(c, after: nil, limit: 2_000, deadline: t0 + 30))
        #expect(engine.handle(.backfilled(c, page(2_000, cursor: "p1", more: true), now: t0 + 1))
                == .backfill(c, after: "p1", limit: 2_000, deadline: t0 + 31))
        guard case .done(let report) = engine.handle(.backfilled(c, page(1, cursor: "p2", more: false), now: t0 + 2)) else {
            Issue.record("expected done"); return
        }
        #expect(report.backfilled == [c])
        #expect(report.cursor == "k")
    }

    /// Out-of-order events (a driver bug, or answers replayed late) are refused: the run fails with
    /// `rejected` and applies nothing of the event (ADR 0026).
    func expectRefused(_ engine: inout SyncEngine, _ event: SyncEngine.Event, sourceLocation: SourceLocation = #_sourceLocation) {
        let before = engine.report
        guard case .fail(let failure, let report) = engine.handle(event) else {
            Issue.record("\(event.name) must be refused", sourceLocation: sourceLocation); return
        }
        #expect(failure.kind == .rejected, sourceLocation: sourceLocation)
        #expect(failure.message.contains("does not follow"), sourceLocation: sourceLocation)
        #expect(report == before, "a refused event changes nothing", sourceLocation: sourceLocation)
        #expect(engine.isFinished, sourceLocation: sourceLocation)
    }

    @Test func eventsThatDoNotAnswerTheCurrentStateAreRefused() {
        let c = CaseID(rawValue: "c1"), other = CaseID(rawValue: "c2")
        func started() -> SyncEngine {
            var engine = SyncEngine()
            _ = engine.handle(.start(now: t0, cursor: "k", pendingErasures: [c]))
            return engine
        }
        // A pull page while the organisation is being refreshed; a push answer before keys.
        var e1 = started()
        expectRefused(&e1, .pulled(page(5, cursor: "a", more: false), now: t0))
        var e2 = started()
        _ = e2.handle(.organisationRefreshed(certified: 0, now: t0))
        expectRefused(&e2, .pushed(accepted: 3, rejected: [], outboxEmpty: true, now: t0))
        // The answer for another case than the erasure in flight.
        var e3 = started()
        _ = e3.handle(.organisationRefreshed(certified: 0, now: t0))
        #expect(e3.handle(.keysFetched(received: 0, newCases: [], now: t0)) == .eraseOnServer(c, deadline: t0 + 30))
        expectRefused(&e3, .erasedOnServer(other, now: t0))
        // A tick with nothing to wait for; a re-authentication nobody asked for.
        var e4 = started()
        expectRefused(&e4, .tick(now: t0))
        var e5 = started()
        expectRefused(&e5, .reauthenticated(now: t0))
        // A second start, and anything after the end.
        var e6 = started()
        expectRefused(&e6, .start(now: t0, cursor: nil))
        var e7 = SyncEngine()
        expectRefused(&e7, .keysDistributed(count: 1, now: t0))
        var done = SyncEngine()
        _ = done.handle(.start(now: t0, cursor: nil))
        _ = done.handle(.organisationRefreshed(certified: 0, now: t0))
        _ = done.handle(.keysFetched(received: 0, newCases: [], now: t0))
        _ = done.handle(.pushed(accepted: 0, rejected: [], outboxEmpty: true, now: t0))
        _ = done.handle(.pulled(page(0, cursor: "z", more: false), now: t0))
        _ = done.handle(.keysDistributed(count: 0, now: t0))
        guard case .done = done.handle(.trainingPublished(count: 0, now: t0)) else { Issue.record("expected done"); return }
        expectRefused(&done, .pulled(page(1, cursor: "late", more: false), now: t0))
    }

    @Test func theStateCarriesWhatTheStepNeeds() {
        let (a, b, gap) = (CaseID(rawValue: "a"), CaseID(rawValue: "b"), CaseID(rawValue: "gap"))
        var engine = SyncEngine()
        _ = engine.handle(.start(now: t0, cursor: "k", pendingErasures: [a, .organisation, a]))
        #expect(engine.state == .refreshingOrganisation(erasures: [a]))
        _ = engine.handle(.organisationRefreshed(certified: 0, now: t0))
        _ = engine.handle(.keysFetched(received: 1, newCases: [b, b], now: t0))
        #expect(engine.state == .erasing(a, then: [], backfills: [b]))
        _ = engine.handle(.erasedOnServer(a, now: t0))
        #expect(engine.state == .pushing(backfills: [b]))
        _ = engine.handle(.pushed(accepted: 0, rejected: [], outboxEmpty: true, now: t0))
        #expect(engine.state == .pulling(after: "k", backfills: [b]))
        _ = engine.handle(.pulled(page(1, cursor: "m", more: true), now: t0))
        #expect(engine.state == .pulling(after: "m", backfills: [b]))
        var last = page(0, cursor: "m", more: false)
        last.gaps = [gap, b]
        _ = engine.handle(.pulled(last, now: t0))
        #expect(engine.state == .distributingKeys(backfills: [b, gap]))
        _ = engine.handle(.keysDistributed(count: 0, now: t0))
        _ = engine.handle(.trainingPublished(count: 0, now: t0))
        #expect(engine.state == .backfilling(b, after: nil, then: [gap]))
        _ = engine.handle(.backfilled(b, page(1, cursor: "p", more: true), now: t0))
        #expect(engine.state == .backfilling(b, after: "p", then: [gap]))
        expectRefused(&engine, .backfilled(gap, page(1, cursor: "q", more: false), now: t0))
    }

    @Test func aServerThatAlwaysSaysHasMoreCannotLoopForever() {
        var c = SyncConfiguration()
        c.maxRequests = 10
        var engine = SyncEngine(configuration: c)
        var action = engine.handle(.start(now: t0, cursor: nil))
        action = engine.handle(.organisationRefreshed(certified: 0, now: t0))
        action = engine.handle(.keysFetched(received: 0, newCases: [], now: t0))
        action = engine.handle(.pushed(accepted: 0, rejected: [], outboxEmpty: true, now: t0))
        for i in 0..<20 {
            action = engine.handle(.pulled(page(1, cursor: "\(i)", more: true), now: t0))
            if case .fail = action { break }
        }
        guard case .fail = action else { Issue.record("expected the request limit to stop the run"); return }
        // And an empty page that claims more is treated as the end.
        var other = SyncEngine()
        _ = other.handle(.start(now: t0, cursor: nil))
        _ = other.handle(.organisationRefreshed(certified: 0, now: t0))
        _ = other.handle(.keysFetched(received: 0, newCases: [], now: t0))
        _ = other.handle(.pushed(accepted: 0, rejected: [], outboxEmpty: true, now: t0))
        #expect(other.handle(.pulled(page(0, cursor: "same", more: true), now: t0)) == .distributeKeys(deadline: t0 + 30))
    }
}

/// The wire coders round-trip every id-bearing field (`device_id` ↔ `deviceID`).
@Suite struct WireCodingTests {
    @Test func idFieldsRoundTripThroughSnakeCase() throws {
        let keys = DevicePublicKeys(deviceID: .random(), person: .random(), signing: Data([1]), agreement: Data([2]))
        let record = DeviceRecord(deviceID: keys.deviceID, person: keys.person, signing: keys.signing, agreement: keys.agreement,
                                  certifiedBy: .random(), certification: Data([3]), certifiedRoles: [.dsl], enrolmentProof: Data([4]))
        let request = EnrolRequest(code: "c", device: record, recoveryKey: Data([5]))
        let data = try SyncAPI.makeEncoder().encode(request)
        #expect(String(decoding: data, as: UTF8.self).contains("\"device_id\""))
        #expect(try SyncAPI.makeDecoder().decode(EnrolRequest.self, from: data) == request)
        let pull = PullResponse(revisions: [], cursor: "x", hasMore: true)
        #expect(try SyncAPI.makeDecoder().decode(PullResponse.self, from: try SyncAPI.makeEncoder().encode(pull)) == pull)
        #expect(SyncAPI.camelCase("organisation_id") == "organisationID")
        #expect(SyncAPI.camelCase("encapsulated_key") == "encapsulatedKey")
    }
}

import CasebookCrypto
public import CasebookModels
public import CasebookStorage
public import Foundation

/// Progress of a long sync, for the CLI to show on stderr.
public struct SyncProgress: Sendable, Hashable {
    public enum Phase: String, Sendable { case organisation, keys, push, pull, backfill }
    public var phase: Phase
    public var pushed: Int
    public var pulled: Int

    public init(phase: Phase, pushed: Int, pulled: Int) {
        self.phase = phase
        self.pushed = pushed
        self.pulled = pulled
    }
}

/// Drives a `SyncEngine` against a vault and a transport: performs each action the engine asks
/// for, bounded by its deadline, and feeds the outcome back. All protocol decisions (order,
/// retries, backoff, when to stop) are the engine's; all storage rules (verification, atomic
/// page + cursor) are the vault's.
public struct SyncClient: Sendable {
    public let vault: Vault
    public let transport: any SyncTransport
    public let configuration: SyncConfiguration
    /// The run's clock: by default the vault's, so one `WallClock` times the vault and its sync (ADR 0026).
    public let clock: any WallClock
    let progress: (@Sendable (SyncProgress) -> Void)?

    public init(vault: Vault, transport: any SyncTransport, configuration: SyncConfiguration = SyncConfiguration(),
                clock: (any WallClock)? = nil, progress: (@Sendable (SyncProgress) -> Void)? = nil) {
        self.vault = vault
        self.transport = transport
        self.configuration = configuration
        self.clock = clock ?? vault.clock
        self.progress = progress
    }

    func now() -> Date { clock.now }

    /// One sync run: organisation, keys, server erasures, push, pull, key distribution, backfills.
    /// A run that finishes records its time (`Vault.recordSyncCompleted`), which safeguarding reads.
    public func run() async throws(CasebookError) -> SyncReport {
        var engine = SyncEngine(configuration: configuration)
        var pushPosition: Int64 = 0
        var timings: [String: Double] = [:]
        var prefetch: Prefetch?
        var retriedHeld = false
        defer { prefetch?.task.cancel() }
        var action = engine.handle(.start(now: now(), cursor: try vault.syncValue(SyncCursorName.main),
                                          pendingErasures: try vault.pendingServerErasures()))
        while true {
            let event: SyncEngine.Event
            switch action {
            case .done(var report):
                let auditStart = ContinuousClock.now
                try? vault.auditSync(.sync)
                try? vault.recordSyncCompleted(at: now())
                timings["audit", default: 0] += Self.millis(ContinuousClock.now - auditStart)
                report.timings = timings
                try finishIntegrityReport(&report)
                return report
            case .fail(let failure, _):
                throw failure.casebookError
            case .wait(let until):
                let delay = until.timeIntervalSince(now())
                if delay > 0 { try? await Task.sleep(for: .milliseconds(Int(delay * 1000))) }
                // Slept the whole delay: the wait is over even on a clock a test holds still.
                event = .tick(now: max(now(), until))
            default:
                do {
                    let started = ContinuousClock.now
                    event = try await perform(action, engine: engine, pushPosition: &pushPosition, prefetch: &prefetch,
                                              retriedHeld: &retriedHeld)
                    timings[action.kind, default: 0] += Self.millis(ContinuousClock.now - started)
                } catch let error as CasebookError where error.code != .network && error.code != .notAuthorised {
                    throw error  // local storage or integrity problems are not retried
                } catch {
                    event = .failed(SyncFailure.from(error), now: now())
                }
            }
            action = engine.handle(event)
        }
    }

    /// A push batch bounded by bytes as well as count (`RevisionLimits.maximumPushBytes`, at least one revision).
    static func boundedPush(_ queued: [(localSeq: Int64, revision: SealedRevision)]) -> [(localSeq: Int64, revision: SealedRevision)] {
        var bytes = 0
        var count = 0
        for item in queued {
            let size = item.revision.byteCount + item.revision.signature.count
            if count > 0, bytes + size > RevisionLimits.maximumPushBytes { break }
            bytes += size
            count += 1
        }
        return Array(queued.prefix(count))
    }

    static func millis(_ d: Duration) -> Double {
        Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15
    }

    func call<T: Sendable>(_ what: String, _ body: @escaping @Sendable (Duration) async throws -> T) async throws -> T {
        let timeout = configuration.requestTimeout
        return try await withDeadline(timeout, what: what) { try await body(timeout) }
    }

    /// The next pull page, requested (and checked for structure) while the current one is verified
    /// and applied (pages are still applied one at a time, in order, each with its cursor in one transaction).
    struct Prefetch {
        var after: String
        var task: Task<ReceivedPage, any Error>
    }

    /// A pull response with each revision rebuilt from its wire form (structure and content
    /// address checked); what fails is kept as a rejection, by id.
    struct ReceivedPage: Sendable {
        var page: [PulledRevision] = []
        var malformed: [RejectedRevision] = []
        var received: Int
        var cursor: String
        var hasMore: Bool

        init(_ response: PullResponse) {
            received = response.revisions.count
            cursor = response.cursor
            hasMore = response.hasMore
            page.reserveCapacity(response.revisions.count)
            for wire in response.revisions {
                do { page.append(PulledRevision(sealed: try wire.sealed(), seq: wire.seq)) } catch {
                    malformed.append(RejectedRevision(id: String(wire.id.prefix(64)), reason: RefusalReason(error.code), message: error.message))
                }
            }
        }
    }

    private func perform(_ action: SyncEngine.Action, engine: SyncEngine, pushPosition: inout Int64,
                         prefetch: inout Prefetch?, retriedHeld: inout Bool) async throws -> SyncEngine.Event {
        let transport = self.transport
        switch action {
        case .refreshOrganisation:
            progress?(SyncProgress(phase: .organisation, pushed: engine.report.pushed, pulled: engine.report.pulled))
            return .organisationRefreshed(certified: try await refreshOrganisation(), now: now())

        case .fetchKeys:
            let list = try await call("the key list") { try await transport.keys(timeout: $0) }
            // A key wrapped by a device this replica does not know yet: learn the organisation once.
            if !(try vault.unknownWrappers(in: list.keys)).isEmpty { _ = try await refreshOrganisation() }
            let receipt = try vault.receiveKeys(list.keys)
            return .keysFetched(received: receipt.stored, newCases: receipt.newCases, rejected: receipt.rejected, now: now())

        case .eraseOnServer(let caseID, _):
            try await call("the erasure of case \(caseID)") { try await transport.eraseCase(caseID, timeout: $0) }
            try vault.completeServerErasure(caseID)
            return .erasedOnServer(caseID, now: now())

        case .push(let limit, _):
            let queued = try vault.outboxBatch(limit: limit, after: pushPosition)
            let batch = Self.boundedPush(queued)
            guard let last = batch.last else { return .pushed(accepted: 0, rejected: [], outboxEmpty: true, now: now()) }
            // One signature per batch of this device's revisions (ADR 0011); the stored copies keep theirs.
            let sealed = try RevisionSealer.sealBatches(batch.map(\.revision), author: vault.identity)
            let request = PushRequest(revisions: sealed.map { WireRevision($0) })
            let response = try await call("a push") { try await transport.push(request, timeout: $0) }
            let sent = Set(batch.map(\.revision.id.rawValue))
            try vault.acknowledge(response.accepted.filter { sent.contains($0.id) }.map { (RevisionID(rawValue: $0.id), $0.seq) })
            pushPosition = last.localSeq
            // The server's words are untrusted text for the user's terminal (ADR 0029); its reason is kept only if code-shaped.
            let rejected = response.rejected.map {
                RejectedRevision(id: UntrustedText.line($0.id, limit: 64),
                                 reason: UntrustedText.code($0.error.rawValue).map(RefusalReason.init(rawValue:)) ?? .invalidInput,
                                 message: UntrustedText.line($0.message))
            }
            progress?(SyncProgress(phase: .push, pushed: engine.report.pushed + response.accepted.count, pulled: engine.report.pulled))
            return .pushed(accepted: response.accepted.count, rejected: rejected, outboxEmpty: queued.count < limit && batch.count == queued.count,
                           now: now())

        case .pull(let after, let limit, _):
            // Before the first page: what earlier runs kept aside is verified again (devices and keys are fresh now).
            var retry: ApplyResult?
            if !retriedHeld {
                retriedHeld = true
                retry = try retryHeldNow()
            }
            let pending = prefetch
            prefetch = nil
            let received: ReceivedPage
            if let pending, pending.after == after {
                received = try await pending.task.value
            } else {
                pending?.task.cancel()
                received = ReceivedPage(try await call("a pull") { try await transport.pull(after: after, limit: limit, timeout: $0) })
            }
            if received.hasMore, received.received > 0 {
                let next = received.cursor
                let fetch: @Sendable (Duration) async throws -> PullResponse = { try await transport.pull(after: next, limit: limit, timeout: $0) }
                prefetch = Prefetch(after: next, task: Task { ReceivedPage(try await self.call("a pull", fetch)) })
            }
            var outcome = try await apply(received, cursorName: SyncCursorName.main)
            if let retry { outcome.applied.absorbRetry(retry) }
            if !(received.hasMore && received.received > 0) {
                // The last page: the run's destruction certificates, counted together for the mass-erasure stop.
                let acted = try actOnCertificatesNow(allowance: erasureAllowance(engine))
                outcome.applied.erased += acted.erased
                outcome.applied.erasuresHeld = acted.held
                outcome.gaps = Array(Set(try missingNow().map(\.caseID))).sorted()
            }
            progress?(SyncProgress(phase: .pull, pushed: engine.report.pushed, pulled: engine.report.pulled + outcome.received))
            return .pulled(outcome, now: now())

        case .distributeKeys:
            return .keysDistributed(count: try await distributeKeys(), now: now())

        case .publishTraining:
            return .trainingPublished(count: try await publishTraining(), now: now())

        case .backfill(let caseID, let after, let limit, _):
            let response = try await call("a backfill of case \(caseID)") {
                try await transport.caseRevisions(caseID, after: after, limit: limit, timeout: $0)
            }
            let outcome = try await apply(ReceivedPage(response), cursorName: SyncCursorName.backfill(caseID))
            progress?(SyncProgress(phase: .backfill, pushed: engine.report.pushed, pulled: engine.report.pulled + outcome.received))
            return .backfilled(caseID, outcome, now: now())

        case .reauthenticate:
            try await call("authentication") { try await transport.authenticate(timeout: $0) }
            return .reauthenticated(now: now())

        case .wait, .done, .fail:
            return .tick(now: now())
        }
    }

    /// Verifies structure, learns unknown authors once, then applies the page and its cursor atomically.
    ///
    /// (The synchronous vault work sits in `@inline(never)` helpers: Swift 6.3.1's optimiser crashed
    /// splitting this async function's coroutine around the typed-throws vault calls, in release builds
    /// only: LLVM CoroSplit, `emitSetAndGetSwiftErrorValueAround`.)
    private func apply(_ received: ReceivedPage, cursorName: String) async throws -> PageOutcome {
        if try hasUnknownAuthors(received) { _ = try await refreshOrganisation() }
        return try applyNow(received, cursorName: cursorName)
    }

    @inline(never)
    private func hasUnknownAuthors(_ received: ReceivedPage) throws -> Bool {
        !(try vault.unknownAuthors(in: received.page)).isEmpty
    }

    @inline(never)
    private func applyNow(_ received: ReceivedPage, cursorName: String) throws -> PageOutcome {
        // Certificates are acted on once, after the last page (`actOnCertificatesNow`): a page defers them.
        var applied = try vault.applyPulled(received.page, cursor: received.cursor, cursorName: cursorName,
                                            concurrency: configuration.applyConcurrency, malformed: received.malformed,
                                            erasureAllowance: 0)
        applied.erasuresHeld = []
        applied.rejected = received.malformed + applied.rejected
        return PageOutcome(received: received.received, applied: applied, cursor: received.cursor, hasMore: received.hasMore)
    }

    // MARK: Integrity (ADR 0014)

    /// How many cases this run may crypto-shred because of pulled destruction certificates.
    private func erasureAllowance(_ engine: SyncEngine) -> Int {
        max(0, max(configuration.erasureLimit, configuration.confirmedErasures) - engine.report.erasedLocally.count)
    }

    @inline(never)
    private func retryHeldNow() throws -> ApplyResult {
        try vault.retryHeld(concurrency: configuration.applyConcurrency)
    }

    @inline(never)
    private func actOnCertificatesNow(allowance: Int) throws -> (erased: [CaseID], held: [CaseID]) {
        try vault.actOnDestructionCertificates(allowance: allowance)
    }

    @inline(never)
    private func missingNow() throws -> [MissingRevisions] { try vault.missingRevisions() }

    /// What the vault still holds aside, misses or holds back, when the run ends. (Certificates that
    /// arrived after the pull, e.g. by a backfill, are decided here within what the run has left.)
    private func finishIntegrityReport(_ report: inout SyncReport) throws(CasebookError) {
        report.missing = try vault.missingRevisions()
        report.waiting = try vault.heldRevisions().count
        let left = max(configuration.erasureLimit, configuration.confirmedErasures) - report.erasedLocally.count
        let acted = try vault.actOnDestructionCertificates(allowance: max(0, left))
        report.erasedLocally += acted.erased
        report.erasuresHeld = acted.held
    }

    /// Refreshes devices and certifications; an administrator's replica certifies the devices of
    /// people it invited once their enrolment proof checks out. Returns how many it certified.
    @discardableResult
    public func refreshOrganisation() async throws -> Int {
        let transport = self.transport
        let info = try await call("the organisation") { try await transport.organisation(timeout: $0) }
        if let pinned = try vault.rootDevice(), let served = info.rootDevice, served != pinned {
            throw CasebookError(.tampered, "the server names another organisation root device than the one pinned at enrolment; do not trust this server")
        }
        let certificates = info.devices.map(DeviceCertificate.init(record:))
        try vault.updateDevices(certificates)
        try vault.recordDeviceRemovals((info.removedDevices ?? []).compactMap(DeviceRemovalNotice.init(wire:)))
        var certified = 0
        // At most one device per invitation; further claims wait for `casebook device certify` (ADR 0015).
        let review = try vault.reviewEnrolments(certificates)
        try vault.recordHeldEnrolments(review.held)
        for issue in review.toIssue {
            let request = CertificationRequest(certifiedBy: issue.certifiedBy, certification: issue.certification, roles: issue.roles)
            try await call("a certification") { try await transport.certify(issue.device, request, timeout: $0) }
            try vault.completeInvitation(issue.person)
            certified += 1
        }
        if certified > 0 {
            let again = try await call("the organisation") { try await transport.organisation(timeout: $0) }
            try vault.updateDevices(again.devices.map(DeviceCertificate.init(record:)))
        }
        return certified
    }

    /// Uploads keys other members need from this replica (new DSL devices, new members, grantees'
    /// new devices). A case the server refuses is retried recipient by recipient, so one refused
    /// recipient (e.g. a grantee whose training lapsed) holds back no one else; what is still
    /// refused is skipped, not fatal, and offered again next sync.
    public func distributeKeys() async throws -> Int {
        try vault.refreshRecoveryKey()
        var uploaded = try await rotateAfterRemovals()
        let wraps = try vault.missingKeyWraps()
        for (caseID, keys) in Dictionary(grouping: wraps, by: \.caseID).sorted(by: { $0.key < $1.key }) {
            let accepted = try await uploadKeysSplittingRefusals(caseID, keys).accepted
            try vault.storeWrappedKeys(accepted)
            uploaded += accepted.count
        }
        return uploaded
    }
}

extension DeviceCertificate {
    public init(record: DeviceRecord) {
        self.init(keys: record.publicKeys, certifiedBy: record.certifiedBy, certification: record.certification,
                  roles: record.certifiedRoles, enrolmentProof: record.enrolmentProof)
    }
}

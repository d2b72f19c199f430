import CasebookModels
import CasebookSync
import Foundation

/// One push request waiting for the shared store's next commit.
struct PendingPush: Sendable {
    let revisions: [IncomingRevision]
    let caller: Caller
    let today: LocalDate
    let authorise: @Sendable (IncomingRevision, CaseFacts) -> PushOutcome?
}

/// Group commit for pushes to the shared PostgreSQL store (ADR 0027).
///
/// Every push must hold the one-row sequence lock until it commits, so that seq N+1 never commits
/// before N (see `PostgresServerStore`). Committed one by one, pushes are therefore serialised
/// behind one WAL flush each (an `fdatasync` of a few milliseconds on a laptop disk, more on a
/// busy VM): throughput is capped near 1 / flush time and, past that, every request queues.
/// Here the pushes that arrive while a commit is in flight wait together and go in the next
/// transaction as one batch, in arrival order, exactly as if they had run one after another: one
/// lock, one flush, for up to `maxBatch` requests. Nothing is acknowledged before its batch commits.
/// If a batch fails, each of its pushes is retried alone, so one bad request cannot fail another.
actor PushGroupCommit {
    typealias Run = @Sendable ([PendingPush]) async throws -> [[PushOutcome]]

    private struct Waiter {
        let push: PendingPush
        let continuation: CheckedContinuation<[PushOutcome], any Error>
    }

    private var waiting: [Waiter] = []
    private var draining = false
    let maxBatch: Int

    init(maxBatch: Int = 64) { self.maxBatch = maxBatch }

    /// Queues `push`; returns its outcomes once the transaction holding it has committed.
    func submit(_ push: PendingPush, run: @escaping Run) async throws -> [PushOutcome] {
        try await withCheckedThrowingContinuation { continuation in
            waiting.append(Waiter(push: push, continuation: continuation))
            if !draining {
                draining = true
                Task { await self.drain(run) }
            }
        }
    }

    private func drain(_ run: Run) async {
        while !waiting.isEmpty {
            let batch = Array(waiting.prefix(maxBatch))
            waiting.removeFirst(batch.count)
            do {
                let outcomes = try await run(batch.map(\.push))
                for (waiter, result) in zip(batch, outcomes) { waiter.continuation.resume(returning: result) }
            } catch {
                guard batch.count > 1 else {
                    batch[0].continuation.resume(throwing: error)
                    continue
                }
                for waiter in batch {
                    do {
                        let result = try await run([waiter.push])
                        waiter.continuation.resume(returning: result[0])
                    } catch {
                        waiter.continuation.resume(throwing: error)
                    }
                }
            }
        }
        draining = false
    }
}

import CasebookModels
@testable import CasebookServer
import Foundation
import Synchronization
import Testing

/// ADR 0027: pushes that arrive while a commit is in flight share the next transaction; each gets
/// its own outcomes; a failing batch is retried one push at a time so one bad request fails alone.
/// The stand-in for the transaction records the batches it is given (the PostgreSQL transaction
/// itself is exercised by `CommitOrderTests` and every store test on `.postgres`).
@Suite("Push group commit")
struct PushGroupCommitTests {
    static func push(_ tag: Int) -> PendingPush {
        PendingPush(revisions: [], caller: Caller(device: DeviceID(rawValue: "d\(tag)"), person: PersonID.random(), role: .practitioner, active: true),
                    today: LocalDate(year: 2026, month: 12, day: 3)!, authorise: { _, _ in nil })
    }

    @Test("pushes that arrive during a commit go together in the next one, each answered with its own outcomes")
    func batchesAndAnswersEach() async throws {
        let queue = PushGroupCommit()
        let batches = Mutex<[[String]]>([])
        let run: PushGroupCommit.Run = { batch in
            batches.withLock { $0.append(batch.map(\.caller.device.rawValue)) }
            try await Task.sleep(for: .milliseconds(50))  // a commit in flight
            return batch.map { [.accepted(seq: Int64($0.caller.device.rawValue.dropFirst())!)] }
        }
        try await withThrowingTaskGroup(of: (Int, [PushOutcome]).self) { group in
            for tag in 1...20 {
                group.addTask { (tag, try await queue.submit(Self.push(tag), run: run)) }
            }
            for try await (tag, outcomes) in group { #expect(outcomes == [.accepted(seq: Int64(tag))]) }
        }
        let seen = batches.withLock { $0 }
        #expect(seen.flatMap { $0 }.sorted() == (1...20).map { "d\($0)" }.sorted())  // every push ran exactly once
        #expect(seen.count < 20)  // and some ran together
    }

    @Test("a failing batch is retried one push at a time: only the bad push fails")
    func failureIsolated() async throws {
        let queue = PushGroupCommit()
        struct Bad: Error {}
        let calls = Mutex(0)
        let run: PushGroupCommit.Run = { batch in
            calls.withLock { $0 += 1 }
            try await Task.sleep(for: .milliseconds(20))
            if batch.contains(where: { $0.caller.device.rawValue == "d3" }) { throw Bad() }
            return batch.map { _ in [.accepted(seq: 1)] }
        }
        let results = await withTaskGroup(of: (Int, Bool).self) { group in
            for tag in 1...6 {
                group.addTask { (tag, (try? await queue.submit(Self.push(tag), run: run)) != nil) }
            }
            var out: [Int: Bool] = [:]
            for await (tag, ok) in group { out[tag] = ok }
            return out
        }
        #expect(results[3] == false)
        let others = results.filter { $0.key != 3 }.map(\.value)
        #expect(others.count == 5 && !others.contains(false))
    }
}

import CasebookCrypto
import CasebookModels
@testable import CasebookServer
import CasebookSync
import Foundation
import Hummingbird
import HummingbirdTesting
import Synchronization
import Testing
import HTTPTypes
import Configuration
import Crypto
import NIOCore
import NIOFoundationEssentialsCompat
import Logging

/// The out-of-order sequence trap: two transactions take seq 7 and 8, 8 commits first, a reader at
/// 8 never sees 7. Concurrent pushers (and for PostgreSQL two server instances on one database)
/// race a puller that only ever moves its cursor forward; at the end the puller must have seen
/// every acknowledged revision exactly once, in increasing seq order.
final class Shared: Sendable {
    let acknowledged = Mutex<[String: Int64]>([:])
    let done = Atomic<Bool>(false)
}

@Suite("Commit-order sequence")
struct CommitOrderTests {
    static let pushers = 6
    static let batchesPerPusher = 12
    static let batchSize = 5

    @Test("a forward-only cursor never skips a revision under concurrent pushes", arguments: StoreKind.available)
    func concurrentPushersAndPullers(kind: StoreKind) async throws {
        guard let fixture = try await Fixture.make(kind) else { return }
        // Two independent application instances on the same database (stateless servers).
        let second = try await buildApplication(reader: testReader(url: fixture.url), clock: fixture.clock, logger: TestDatabase.logger)
        try await fixture.run { apiA, admin in
            try await second.test(.router) { clientB in
                let apiB = API(client: clientB)
                let dsl = try await apiA.invite(by: admin, role: .dsl)
                var pushers: [Member] = []
                for _ in 0..<Self.pushers { pushers.append(try await apiA.invite(by: admin, role: .practitioner)) }
                let shared = Shared()

                try await withThrowingTaskGroup(of: [WireRevision].self) { group in
                    for (index, pusher) in pushers.enumerated() {
                        let api = index % 2 == 0 ? apiA : apiB
                        group.addTask {
                            let sealer = Sealer(member: pusher, clock: fixture.clock)
                            let caseID = CaseID.random()
                            let key = CaseKey.generate(caseID: caseID, epoch: 0)
                            for batch in 0..<Self.batchesPerPusher {
                                let revisions = try (0..<Self.batchSize).map { i in
                                    try sealer.seal(case: caseID, type: batch == 0 && i == 0 ? .client : .session, key: key)
                                }
                                let response = try await api.push(revisions, as: pusher)
                                #expect(response.rejected.isEmpty)
                                shared.acknowledged.withLock { acks in for ack in response.accepted { acks[ack.id] = ack.seq } }
                            }
                            return []
                        }
                    }
                    // Two pullers, one per instance, pulling while the pushes run.
                    for api in [apiA, apiB] {
                        group.addTask {
                            var cursor: String?
                            var seen: [WireRevision] = []
                            while !shared.done.load(ordering: .acquiring) {
                                let page = try await api.pull(as: dsl, after: cursor, limit: 7)
                                seen += page.revisions
                                cursor = page.cursor
                                if page.revisions.isEmpty { try await Task.sleep(for: .milliseconds(2)) }
                            }
                            // Drain from the same cursor: anything skipped earlier is never returned now.
                            seen += try await api.pullAll(as: dsl, after: cursor).revisions
                            return seen
                        }
                    }
                    var pushersLeft = Self.pushers
                    var pulls: [[WireRevision]] = []
                    while let result = try await group.next() {
                        if result.isEmpty && pushersLeft > 0 {
                            pushersLeft -= 1
                            if pushersLeft == 0 { shared.done.store(true, ordering: .releasing) }
                        } else {
                            pulls.append(result)
                        }
                    }
                    let acks = shared.acknowledged.withLock { $0 }
                    #expect(acks.count == Self.pushers * Self.batchesPerPusher * Self.batchSize)
                    #expect(Set(acks.values).count == acks.count, "every revision has its own seq")
                    #expect(pulls.count == 2)
                    for seen in pulls {
                        let seqs = seen.compactMap(\.seq)
                        #expect(seqs == seqs.sorted() && Set(seqs).count == seqs.count, "strictly increasing, no duplicates")
                        let ids = Dictionary(seen.map { ($0.id, $0.seq ?? -1) }, uniquingKeysWith: { a, _ in a })
                        let missed = acks.filter { ids[$0.key] != $0.value }
                        #expect(missed.isEmpty, "the puller's cursor skipped \(missed.count) acknowledged revisions")
                    }
                }
            }
        }
    }
}

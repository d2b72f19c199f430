import AsyncHTTPClient
import CasebookCrypto
import CasebookModels
import CasebookServer
@_spi(Benchmarks) import CasebookStorage
import CasebookSync
import Configuration
import Foundation
import GRDB
import Hummingbird
import Logging
import ServiceLifecycle

/// Sync client benchmarks over loopback HTTP against the real server (in-process, SQLite store):
///
/// - initial sync of `revisions` revisions into an empty replica (a DSL's, who reads every case),
///   in revisions/s, against the floor: the same rows verified (Ed25519), decrypted (AES-GCM and
///   body decode) and inserted straight into SQLite, one transaction per page, prepared statement,
///   verification overlapping insertion exactly as in the sync (no HTTP, JSON, server or protocol).
///   Both are measured twice: with verification spread over every core (the default) and on one
///   thread (`applyConcurrency = 1`, and a one-thread floor), so the reader sees where gains come from;
/// - no-op sync time for a replica of `small` and of `revisions` revisions, and their ratio (goal
///   ≤ 1.2: sync cost grows with changes, not with size). After `noOpWarmup` unmeasured runs each,
///   `noOpRuns` runs alternate between the two replicas (so a burst of load from elsewhere on the
///   machine hits both alike); the median and p90 of each and the ratio of medians are reported,
///   with each phase's median.
///
/// Setup (generating, pushing and key distribution) is not measured.
func runSyncBenchmark(revisions: Int = 100_000, small: Int = 1_000, cases: Int = 20, noOpRuns: Int = 41, noOpWarmup: Int = 5,
                      progress: @escaping @Sendable (String) -> Void = { _ in }) async throws -> [String] {
    var logger = Logger(label: "casebook-bench")
    logger.logLevel = .error
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("casebook-syncbench-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let passphrase = try PreparedPassphrase.prepare("bench passphrase 0123")
    let cores = ProcessInfo.processInfo.activeProcessorCount

    var lines = ["sync: initial sync of \(revisions) revisions (\(cases) cases) over loopback HTTP, SQLite server store in the same process, \(cores) cores"]
    let large = try await SyncBenchOrganisation.start(dir: dir, name: "large", revisions: revisions, cases: cases,
                                                      passphrase: passphrase, logger: logger, progress: progress)
    defer { large.stop() }
    let smallOrg = try await SyncBenchOrganisation.start(dir: dir, name: "small", revisions: small, cases: cases,
                                                         passphrase: passphrase, logger: logger, progress: progress)
    defer { smallOrg.stop() }

    // Initial sync into an empty replica, each followed at once by its floor (same load on the
    // machine): every core first, then one thread. The floor: the same sealed revisions, verified,
    // decrypted and inserted straight into SQLite.
    var initial: [Int: (rate: Double, seconds: Double, timings: [String: Double])] = [:]
    var floor: [Int: Double] = [:]
    var source: (sealed: [SealedRevision], authors: [DeviceID: DevicePublicKeys], keys: [String: CaseKey])?
    for concurrency in [0, 1] {
        let label = concurrency == 1 ? "one thread" : "every core"
        progress("sync bench: measuring the initial sync (\(label))")
        let fresh = try await large.freshDSL(passphrase: passphrase)
        var configuration = SyncConfiguration()
        configuration.pullLimit = 5_000
        configuration.applyConcurrency = concurrency
        let start = ContinuousClock.now
        let report = try await SyncClient(vault: fresh.vault, transport: fresh.transport, configuration: configuration).run()
        let elapsed = seconds(ContinuousClock.now - start)
        guard report.rejected.isEmpty, try fresh.vault.revisionCount() >= revisions else {
            throw CasebookError(.storage, "the benchmark replica did not receive every revision (\(report.rejected.count) rejected)")
        }
        initial[concurrency] = (Double(report.pulled) / elapsed, elapsed, report.timings)
        if source == nil {
            source = (try fresh.vault.sealedRevisionsForBenchmark(), try fresh.vault.authorKeysForBenchmark(), try fresh.vault.caseKeysForBenchmark())
        }
        guard let source else { break }
        progress("sync bench: measuring the floor (\(label))")
        let path = dir.appendingPathComponent("floor-\(concurrency).sqlite").path
        let floorStart = ContinuousClock.now
        try insertFloor(source.sealed, authors: source.authors, keys: source.keys, path: path, page: 5_000, concurrency: concurrency)
        floor[concurrency] = Double(source.sealed.count) / seconds(ContinuousClock.now - floorStart)
    }
    guard let source else { return lines }
    lines.append("  one thread's cost per revision (µs, median of 5 passes over 2,000): "
                 + (try stepCosts(source.sealed, singleSigned: try large.admin.vault.sealedRevisionsForBenchmark().filter { $0.seal.isSingle },
                                  authors: source.authors, keys: source.keys)))
    let batchSealed = source.sealed.filter { !$0.seal.isSingle }.count
    lines.append("  revisions served with a batch seal (one signature per pushed batch of up to \(RevisionSeal.maximumBatch), ADR 0011): \(batchSealed) of \(source.sealed.count)")
    for (concurrency, label) in [(0, "every core"), (1, "one thread")] {
        guard let sync = initial[concurrency], let floorRate = floor[concurrency] else { continue }
        lines.append(String(format: "  initial sync, verification on %@: %d revisions in %.2f s = %.0f revisions/s%@",
                            label, revisions, sync.seconds, sync.rate, concurrency == 0 ? " (goal ≥ 20,000)" : ""))
        lines.append(String(format: "    floor (verify + decrypt + insert straight into SQLite, %@): %.0f revisions/s; sync at %.0f%% of the floor",
                            label, floorRate, 100 * sync.rate / floorRate))
        lines.append("    phases (ms): \(phases(sync.timings))")
    }

    // No-op syncs, alternating between the two replicas. The small organisation gets the same two
    // extra DSL devices first, so the two replicas differ in revisions only (each no-op sync checks
    // every served device certificate: a cost of members, not of size).
    for _ in initial.keys { _ = try await smallOrg.freshDSL(passphrase: passphrase) }
    progress("sync bench: measuring no-op syncs")
    let noOp = try await alternatingNoOps(smallOrg.admin, large.admin, runs: noOpRuns, warmup: noOpWarmup)
    let (smallStats, largeStats) = (Stats(noOp.small.times), Stats(noOp.large.times))
    lines.append(String(format: "  no-op sync (%d alternating runs each after %d warm-up): %d revisions median %.2f ms (p90 %.2f), "
                            + "%d revisions median %.2f ms (p90 %.2f); ratio of medians %.2f (goal ≤ 1.2)",
                        noOpRuns, noOpWarmup, small, smallStats.median * 1000, smallStats.p90 * 1000,
                        revisions, largeStats.median * 1000, largeStats.p90 * 1000, largeStats.median / smallStats.median))
    lines.append("    phase medians (ms), \(small): \(phases(noOp.small.phaseMedians))")
    lines.append("    phase medians (ms), \(revisions): \(phases(noOp.large.phaseMedians))")
    return lines
}

/// What accepting one revision costs on one thread, step by step: where the time of an initial sync goes.
private func stepCosts(_ sealed: [SealedRevision], singleSigned: [SealedRevision], authors: [DeviceID: DevicePublicKeys],
                       keys: [String: CaseKey]) throws -> String {
    let sample = Array(sealed.prefix(2_000))
    let wires = sample.map { WireRevision($0) }
    let body = try SyncAPI.makeEncoder().encode(PullResponse(revisions: wires, cursor: "bench", hasMore: false))
    func micros(_ work: () throws -> Void) rethrows -> Double {
        try Harness.median(runs: 5, warmup: 1, work) / Double(sample.count) * 1e6
    }
    let pairs = try sample.map { s throws(CasebookError) -> (SealedRevision, DevicePublicKeys, CaseKey) in
        guard let author = authors[s.header.authorDevice], let key = keys["\(s.header.caseID.rawValue)#\(s.header.keyEpoch)"] else {
            throw CasebookError(.storage, "the benchmark replica lacks a key or author")
        }
        return (s, author, key)
    }
    let wire = try micros { _ = try SyncAPI.makeDecoder().decode(PullResponse.self, from: body) }
    let structure = try micros { for w in wires { _ = try w.sealed() } }
    // As pulled, revisions carry batch proofs (ADR 0011); the author's vault holds the same
    // revisions with one signature each, the cost every revision paid before batch seals.
    let batchSeal = try micros {
        let roots = VerifiedBatchRoots()
        for (s, author, _) in pairs { try RevisionSealer.verifySignature(s, author: author, roots: roots) }
    }
    let singles = try singleSigned.prefix(sample.count).map { s throws(CasebookError) -> (SealedRevision, DevicePublicKeys) in
        guard let author = authors[s.header.authorDevice] else { throw CasebookError(.storage, "the benchmark replica lacks an author") }
        return (s, author)
    }
    let single = try micros { for (s, author) in singles { try RevisionSealer.verifySignature(s, author: author) } }
    let decrypt = try micros { for (s, _, key) in pairs { _ = try RevisionSealer.decrypt(s, key: key) } }
    return String(format: "wire JSON decode %.1f, structure + content address %.1f, batch seal check (path + root signature once per batch) %.1f "
                  + "vs one Ed25519 signature per revision %.1f, AES-GCM open + body decode %.1f",
                  wire, structure, batchSeal, single, decrypt)
}

private func phases(_ t: [String: Double]) -> String {
    t.sorted { $0.key < $1.key }.map { String(format: "%@ %.2f", $0.key, $0.value) }.joined(separator: ", ")
}

private func seconds(_ d: Duration) -> Double {
    Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
}

/// Median and 90th percentile of a sample.
struct Stats {
    let median: Double
    let p90: Double
    init(_ samples: [Double]) {
        let sorted = samples.sorted()
        median = sorted.isEmpty ? 0 : sorted[sorted.count / 2]
        p90 = sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int((Double(sorted.count) * 0.9).rounded(.down)))]
    }
}

private struct NoOpSamples {
    var times: [Double] = []
    var phases: [String: [Double]] = [:]
    var phaseMedians: [String: Double] { phases.mapValues { Stats($0).median } }
}

/// `warmup` unmeasured no-op syncs of each replica, then `runs` measured ones, alternating.
private func alternatingNoOps(_ a: SyncBenchOrganisation.Replica, _ b: SyncBenchOrganisation.Replica, runs: Int,
                              warmup: Int) async throws -> (small: NoOpSamples, large: NoOpSamples) {
    let clients = [SyncClient(vault: a.vault, transport: a.transport), SyncClient(vault: b.vault, transport: b.transport)]
    for client in clients {
        for _ in 0..<max(1, warmup) { _ = try await client.run() }  // token, caches, anything left to settle
    }
    var samples = [NoOpSamples(), NoOpSamples()]
    for run in 0..<(2 * runs) {
        let which = (run / 2) % 2 == 0 ? run % 2 : 1 - run % 2  // ABBA order: neither always goes first
        let start = ContinuousClock.now
        let report = try await clients[which].run()
        samples[which].times.append(seconds(ContinuousClock.now - start))
        guard report.pushed == 0, report.stored == 0, report.pulled == 0 else { throw CasebookError(.storage, "a no-op sync moved data") }
        for (phase, ms) in report.timings { samples[which].phases[phase, default: []].append(ms) }
    }
    return (samples[0], samples[1])
}

/// The floor: what the same work costs with no protocol around it.
private func insertFloor(_ sealed: [SealedRevision], authors: [DeviceID: DevicePublicKeys], keys: [String: CaseKey],
                         path: String, page: Int, concurrency: Int) throws {
    var config = Configuration()
    config.journalMode = .wal
    config.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
    let pool = try DatabasePool(path: path, configuration: config)
    try pool.write { db in
        try db.execute(sql: """
            CREATE TABLE revisions (local_seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, case_id TEXT NOT NULL,
                record_id TEXT NOT NULL, record_type TEXT NOT NULL, author_device TEXT NOT NULL, hlc TEXT NOT NULL, key_epoch INTEGER NOT NULL,
                header BLOB NOT NULL, ciphertext BLOB NOT NULL, signature BLOB NOT NULL, server_seq INTEGER);
            CREATE INDEX revisions_by_case ON revisions (case_id, record_type);
            CREATE INDEX revisions_by_record ON revisions (record_id);
            """)
    }
    var offset = 0
    while offset < sealed.count {
        let chunk = Array(sealed[offset..<min(sealed.count, offset + page)])
        offset += chunk.count
        // Verified on `concurrency` threads while this thread inserts what is already verified,
        // exactly as the sync apply path overlaps them.
        try pool.write { db in
            let insert = try db.cachedStatement(sql: """
                INSERT INTO revisions (id, case_id, record_id, record_type, author_device, hlc, key_epoch, header, ciphertext, signature, server_seq)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING
                """)
            let roots = VerifiedBatchRoots()  // as the sync does: each batch root's signature checked once per page
            try Vault.verifyStreamingForBenchmark(chunk, concurrency: concurrency, { s in
                guard let author = authors[s.header.authorDevice], let key = keys["\(s.header.caseID.rawValue)#\(s.header.keyEpoch)"] else { return false }
                return (try? RevisionSealer.open(s, key: key, author: author, roots: roots)) != nil
            }, consume: { i, ok in
                guard ok else { throw CasebookError(.tampered, "floor: a revision failed to verify") }
                let s = chunk[i], h = s.header
                try insert.execute(arguments: [s.id.rawValue, h.caseID.rawValue, h.recordID.rawValue, h.recordType.rawValue, h.authorDevice.rawValue,
                                               h.hlc.description, Int64(h.keyEpoch), s.headerBytes, s.ciphertext, s.signature, Int64(offset + i)])
            })
        }
    }
}

/// One organisation on its own in-process server and SQLite database.
final class SyncBenchOrganisation: Sendable {
    struct Replica: Sendable {
        let vault: Vault
        let transport: HTTPSyncTransport
    }

    let base: String
    let admin: Replica
    let dir: URL
    let name: String
    private let task: Task<Void, any Error>

    private init(base: String, admin: Replica, dir: URL, name: String, task: Task<Void, any Error>) {
        self.base = base
        self.admin = admin
        self.dir = dir
        self.name = name
        self.task = task
    }

    func stop() { task.cancel() }

    static func start(dir: URL, name: String, revisions: Int, cases: Int, passphrase: PreparedPassphrase, logger: Logger,
                      progress: @escaping @Sendable (String) -> Void) async throws -> SyncBenchOrganisation {
        let url = "sqlite:" + dir.appendingPathComponent("\(name)-server.db").path
        let (person, code) = try await withServerStore(url: url, logger: logger) { store in
            try await initialiseOrganisation(store: store, name: "Bench \(name)")
        }
        let reader = ConfigReader(provider: InMemoryProvider(values: [
            "database.url": .init(.string(url), isSecret: true),
            "http.port": .init(.int(0), isSecret: false),
            "log.level": .init(.string("error"), isSecret: false),
            "auth.rate-burst": .init(.int(1_000_000), isSecret: false),
            "auth.rate-per-minute": .init(.int(1_000_000), isSecret: false),
        ]))
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = try await buildApplication(reader: reader, logger: logger) { port in continuation.yield(port) }
        let group = ServiceGroup(services: [app], gracefulShutdownSignals: [], logger: logger)
        let task = Task { try await group.run() }
        var port = 0
        for await value in ports { port = value; break }
        let base = "http://127.0.0.1:\(port)"

        let enrolment = try await SyncClient.enrol(code: try EnrolmentCode(parsing: code), person: person,
                                                   transport: try HTTPSyncTransport(baseURL: base, identity: nil))
        let vault = try Vault.createEnrolled(at: dir.appendingPathComponent("\(name)-admin.casebook").path, prepared: passphrase,
                                             identity: enrolment.identity, ownerName: "Bench Admin", role: .admin, type: .staff,
                                             organisation: enrolment.organisation, root: enrolment.root,
                                             recoveryKey: enrolment.recovery?.publicKey, server: base)
        let admin = Replica(vault: vault, transport: try HTTPSyncTransport(baseURL: base, identity: vault.identity))
        progress("sync bench (\(name)): generating \(revisions) revisions")
        let caseIDs = (0..<cases).map { _ in CaseID.random() }
        for caseID in caseIDs {
            try vault.commitForTesting([PendingChange(record: caseID.clientRecordID, type: .client, caseID: caseID,
                                                      fields: ["status": .string("active")])], createCase: true)
        }
        var made = cases
        while made < revisions {
            let batch = min(2_000, revisions - made)
            try vault.commitForTesting((0..<batch).map { i in
                PendingChange(record: .random(), type: .session, caseID: caseIDs[(made + i) % cases],
                              fields: ["minutes": .int(50), "topics": .string("bench session \(made + i) with some narrative text")])
            })
            made += batch
        }
        progress("sync bench (\(name)): pushing")
        var configuration = SyncConfiguration()
        configuration.pushBatch = 5_000
        configuration.pullLimit = 5_000
        configuration.requestTimeout = .seconds(120)
        _ = try await SyncClient(vault: vault, transport: admin.transport, configuration: configuration).run()
        return SyncBenchOrganisation(base: base, admin: admin, dir: dir, name: name, task: task)
    }

    /// A DSL invited, enrolled, vouched for and given every case key; its vault is empty of revisions.
    func freshDSL(passphrase: PreparedPassphrase) async throws -> Replica {
        let adminClient = SyncClient(vault: admin.vault, transport: admin.transport)
        let invitation = try await adminClient.invite(name: "Bench DSL", role: .dsl, type: .staff)
        let enrolment = try await SyncClient.enrol(code: try EnrolmentCode(parsing: invitation.code), person: nil,
                                                   transport: try HTTPSyncTransport(baseURL: base, identity: nil))
        let vault = try Vault.createEnrolled(at: dir.appendingPathComponent("\(name)-dsl-\(UUID().uuidString.prefix(8)).casebook").path, prepared: passphrase,
                                             identity: enrolment.identity, ownerName: "Bench DSL", role: .dsl, type: .staff,
                                             organisation: enrolment.organisation, root: enrolment.root, recoveryKey: nil, server: base)
        _ = try await adminClient.run()  // vouches for the DSL device and wraps every case key for it
        return Replica(vault: vault, transport: try HTTPSyncTransport(baseURL: base, identity: vault.identity))
    }
}

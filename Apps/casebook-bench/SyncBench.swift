import AsyncHTTPClient
import CasebookCrypto
import CasebookModels
import CasebookServer
import CasebookStorage
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
///   in revisions/s, against the floor: the same rows verified, decrypted and inserted straight
///   into SQLite (one transaction per page, prepared statement, same parallel signature checks);
/// - no-op sync time for a replica of `small` and of `revisions` revisions (median of `noOpRuns`),
///   and their ratio (goal ≤ 1.2: sync cost grows with changes, not with size).
///
/// Setup (generating, pushing and key distribution) is not measured.
func runSyncBenchmark(revisions: Int = 100_000, small: Int = 1_000, cases: Int = 20, noOpRuns: Int = 15,
                      progress: @escaping @Sendable (String) -> Void = { _ in }) async throws -> [String] {
    var logger = Logger(label: "casebook-bench")
    logger.logLevel = .error
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("casebook-syncbench-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let passphrase = try PreparedPassphrase.prepare("bench passphrase 0123")

    var lines = ["sync: initial sync of \(revisions) revisions (\(cases) cases) over loopback HTTP, SQLite server store"]
    let large = try await SyncBenchOrganisation.start(dir: dir, name: "large", revisions: revisions, cases: cases,
                                                      passphrase: passphrase, logger: logger, progress: progress)
    defer { large.stop() }
    let smallOrg = try await SyncBenchOrganisation.start(dir: dir, name: "small", revisions: small, cases: cases,
                                                         passphrase: passphrase, logger: logger, progress: progress)
    defer { smallOrg.stop() }

    // Initial sync into an empty replica.
    progress("sync bench: measuring the initial sync")
    let fresh = try await large.freshDSL(passphrase: passphrase)
    var configuration = SyncConfiguration()
    configuration.pullLimit = 5_000
    let start = ContinuousClock.now
    let report = try await SyncClient(vault: fresh.vault, transport: fresh.transport, configuration: configuration).run()
    let elapsed = seconds(ContinuousClock.now - start)
    let received = report.pulled
    guard report.rejected.isEmpty, try fresh.vault.revisionCount() >= revisions else {
        throw CasebookError(.storage, "the benchmark replica did not receive every revision (\(report.rejected.count) rejected)")
    }

    // The floor: the same sealed revisions, verified, decrypted and inserted straight into SQLite.
    let sealed = try fresh.vault.sealedRevisionsForBenchmark()
    let authors = try fresh.vault.authorKeysForBenchmark()
    let keys = try fresh.vault.caseKeysForBenchmark()
    let floorStart = ContinuousClock.now
    try insertFloor(sealed, authors: authors, keys: keys, path: dir.appendingPathComponent("floor.sqlite").path, page: 5_000)
    let floorElapsed = seconds(ContinuousClock.now - floorStart)
    let rate = Double(received) / elapsed
    let floorRate = Double(sealed.count) / floorElapsed
    lines.append(String(format: "  initial sync: %d revisions in %.2f s = %.0f revisions/s (goal ≥ 20,000)", received, elapsed, rate))
    lines.append(String(format: "  floor (verify + decrypt + insert into SQLite): %d in %.2f s = %.0f revisions/s; sync at %.0f%% of the floor",
                        sealed.count, floorElapsed, floorRate, 100 * rate / floorRate))

    // No-op syncs.
    progress("sync bench: measuring no-op syncs")
    let (noOpSmall, phasesSmall) = try await medianNoOp(smallOrg.admin, runs: noOpRuns)
    let (noOpLarge, phasesLarge) = try await medianNoOp(large.admin, runs: noOpRuns)
    lines.append(String(format: "  no-op sync: %d revisions %.1f ms, %d revisions %.1f ms (median of %d); ratio %.2f (goal ≤ 1.2)",
                        small, noOpSmall * 1000, revisions, noOpLarge * 1000, noOpRuns, noOpLarge / noOpSmall))
    func phases(_ t: [String: Double]) -> String { t.sorted { $0.key < $1.key }.map { String(format: "%@ %.1f", $0.key, $0.value) }.joined(separator: ", ") }
    lines.append("  no-op phases (ms), \(small): \(phases(phasesSmall))")
    lines.append("  no-op phases (ms), \(revisions): \(phases(phasesLarge))")
    return lines
}

private func seconds(_ d: Duration) -> Double {
    Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
}

private func medianNoOp(_ member: SyncBenchOrganisation.Replica, runs: Int) async throws -> (Double, [String: Double]) {
    let client = SyncClient(vault: member.vault, transport: member.transport)
    _ = try await client.run()  // settle (token, anything left)
    var times: [Double] = []
    var phases: [String: Double] = [:]
    for _ in 0..<runs {
        let start = ContinuousClock.now
        let report = try await client.run()
        times.append(seconds(ContinuousClock.now - start))
        guard report.pushed == 0, report.stored == 0 else { throw CasebookError(.storage, "a no-op sync moved data") }
        phases = report.timings
    }
    return (times.sorted()[times.count / 2], phases)
}

/// The floor: what the same work costs with no protocol around it.
private func insertFloor(_ sealed: [SealedRevision], authors: [DeviceID: DevicePublicKeys], keys: [String: CaseKey],
                         path: String, page: Int) throws {
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
        let ok = Vault.verifyConcurrentlyForBenchmark(chunk) { s in
            guard let author = authors[s.header.authorDevice], let key = keys["\(s.header.caseID.rawValue)#\(s.header.keyEpoch)"] else { return false }
            return (try? RevisionSealer.open(s, key: key, author: author)) != nil
        }
        guard ok.allSatisfy({ $0 }) else { throw CasebookError(.tampered, "floor: a revision failed to verify") }
        try pool.write { db in
            let insert = try db.cachedStatement(sql: """
                INSERT INTO revisions (id, case_id, record_id, record_type, author_device, hlc, key_epoch, header, ciphertext, signature, server_seq)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING
                """)
            for (i, s) in chunk.enumerated() {
                let h = s.header
                try insert.execute(arguments: [s.id.rawValue, h.caseID.rawValue, h.recordID.rawValue, h.recordType.rawValue, h.authorDevice.rawValue,
                                               h.hlc.description, Int64(h.keyEpoch), s.headerBytes, s.ciphertext, s.signature, Int64(offset + i)])
            }
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
        let vault = try Vault.createEnrolled(at: dir.appendingPathComponent("\(name)-dsl.casebook").path, prepared: passphrase,
                                             identity: enrolment.identity, ownerName: "Bench DSL", role: .dsl, type: .staff,
                                             organisation: enrolment.organisation, root: enrolment.root, recoveryKey: nil, server: base)
        _ = try await adminClient.run()  // vouches for the DSL device and wraps every case key for it
        return Replica(vault: vault, transport: try HTTPSyncTransport(baseURL: base, identity: vault.identity))
    }
}

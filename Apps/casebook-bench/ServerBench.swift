import AsyncHTTPClient
import CasebookCrypto
import CasebookModels
import CasebookServer
import CasebookSync
import Configuration
import Crypto
import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization
import HTTPTypes
import NIOHTTP1
import NIOFoundationEssentialsCompat

/// The sync server under concurrent load: `clients` simulated replicas, each logging in, pushing
/// `revisionsPerPush` revisions to its own case and pulling, for `rounds` rounds (bounded by
/// `timeLimit`). The server runs in-process on a loopback port with the real HTTP stack. SQLite
/// always runs. PostgreSQL runs when `CASEBOOK_TEST_POSTGRES_URL` is set (a fresh database is created).
/// Returns report lines: p50/p99 latency per operation, throughput and errors, per store.
///
/// Two load shapes, each beside its same-run baseline (`GET /health` on the same server, same
/// clients, same shape), because the two answer different questions (ADR 0027):
/// - **saturation**: every client loops with no pause (closed loop). Latency here is queueing: with
///   200 requests always in flight, p50 ≈ 200 / throughput (Little's law), whatever the server does.
/// - **paced**: every client syncs (push + pull) once per `pace`, starting at a random offset, as
///   200 practitioners syncing through a busy hour would (200 / 4 s = 50 syncs/s, 100 requests/s).
///   Latency is measured from each round's *scheduled* start, so a server that falls behind shows
///   it (no coordinated omission).
///
/// `soak: true` runs only the paced load, for `pacedRounds` rounds (150 rounds of 4 s = 10 minutes),
/// on SQLite (the embedded default), and reports the process's resident memory before and after.
func runServerBenchmark(clients: Int = 200, revisionsPerPush: Int = 5, rounds: Int = 3,
                        pacedRounds: Int = 6, pace: Duration = .seconds(4),
                        timeLimit: Duration = .seconds(120), soak: Bool = false) async throws -> [String] {
    var logger = Logger(label: "casebook-bench")
    logger.logLevel = .error
    var lines: [String] = ["server: \(clients) concurrent clients, push \(revisionsPerPush) + pull per round (one login per client, token reused); "
        + "saturation: \(rounds) rounds with no pause; paced: \(pacedRounds) rounds, one every \(pace.milliseconds / 1000) s per client"]
    var stores: [(String, String)] = []
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("casebook-bench-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    stores.append(("sqlite", "sqlite:" + dir.appendingPathComponent("server.db").path))
    if soak {
        lines[0] = "server soak: \(clients) clients, each pushing \(revisionsPerPush) + pulling once every \(pace.milliseconds / 1000) s for "
            + "\(pacedRounds) rounds (\(String(format: "%.1f", Double(pacedRounds) * pace.milliseconds / 60_000)) minutes), SQLite"
    } else if let base = ProcessInfo.processInfo.environment["CASEBOOK_TEST_POSTGRES_URL"] {
        stores.append(("postgres", try await freshPostgresDatabase(base: base, logger: logger)))
    } else {
        lines.append("postgres: skipped (set CASEBOOK_TEST_POSTGRES_URL, e.g. eval \"$(Scripts/postgres-test-server start)\")")
    }
    let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(
        connectionPool: .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: clients)))
    defer { _ = http.shutdown() }
    for (name, url) in stores {
        lines += try await benchmarkStore(name: name, url: url, http: http, clients: clients, revisionsPerPush: revisionsPerPush,
                                          rounds: rounds, pacedRounds: pacedRounds, pace: pace,
                                          timeLimit: soak ? pace * pacedRounds + .seconds(120) : timeLimit, soak: soak, logger: logger)
    }
    return lines
}

private func freshPostgresDatabase(base: String, logger: Logger) async throws -> String {
    try await createPostgresDatabase(adminURL: base, name: "casebook_bench_" + String(UInt32.random(in: 0...UInt32.max), radix: 16),
                                     logger: logger)
}

private func benchmarkStore(name: String, url: String, http: HTTPClient, clients: Int, revisionsPerPush: Int, rounds: Int,
                            pacedRounds: Int, pace: Duration, timeLimit: Duration, soak: Bool, logger: Logger) async throws -> [String] {
    let (admin, code) = try await withServerStore(url: url, logger: logger) { store in
        try await initialiseOrganisation(store: store, name: "Bench")
    }
    let reader = ConfigReader(provider: InMemoryProvider(values: [
        "database.url": .init(.string(url), isSecret: true),
        "http.port": .init(.int(0), isSecret: false),
        "log.level": .init(.string("error"), isSecret: false),
        // Every simulated client shares 127.0.0.1, where an office has one address per 50 people.
        "auth.rate-burst": .init(.int(1_000_000), isSecret: false),
        "auth.rate-per-minute": .init(.int(1_000_000), isSecret: false),
        "database.max-connections": .init(.int(40), isSecret: false),
    ]))
    let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
    let app = try await buildApplication(reader: reader, logger: logger) { port in portContinuation.yield(port) }
    let group = ServiceGroup(services: [app], gracefulShutdownSignals: [], logger: logger)
    return try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask { try await group.run() }
        defer { tasks.cancelAll() }
        var port = 0
        for await value in ports { port = value; break }
        let api = BenchClient(http: http, base: "http://127.0.0.1:\(port)")

        // Setup (not measured): the administrator enrols and invites one practitioner per client.
        let adminIdentity = DeviceIdentity.generate(person: admin)
        _ = try await api.enrol(code: EnrolmentSecret.serverAuth(ofCode: code) ?? code, identity: adminIdentity)  // ADR 0015
        let adminToken = try await api.login(adminIdentity)
        var members: [DeviceIdentity] = []
        for _ in 0..<clients {
            let person = PersonID.random()
            let invitationCode = SymmetricKey.randomToken()
            _ = try await api.call(.POST, SyncAPI.Path.people, token: adminToken,
                                   InviteRequest(person: person, role: .practitioner, type: .staff,
                                                 codeHash: Data(SHA256.hash(data: Data(invitationCode.utf8)))))
            let identity = DeviceIdentity.generate(person: person)
            _ = try await api.enrol(code: invitationCode, identity: identity)
            members.append(identity)
        }

        // Measured, in four passes on the same server: the baseline and the sync rounds, closed loop then paced.
        var lines: [String] = []
        let phases: [(LoadShape, Bool)] = soak ? [(.paced(rounds: pacedRounds, every: pace), false)]
            : [(.saturation(rounds: rounds), true), (.saturation(rounds: rounds), false),
               (.paced(rounds: pacedRounds, every: pace), true), (.paced(rounds: pacedRounds, every: pace), false)]
        if soak { lines.append("  \(name) soak start: resident memory \(residentMemory()) (whole process: server and 200 clients)") }
        var baselineP99: [String: Double] = [:]
        for (shape, isBaseline) in phases {
            let stats = await runLoad(api: api, members: members, shape: shape, baseline: isBaseline,
                                      revisionsPerPush: revisionsPerPush, timeLimit: timeLimit)
            let phase = "\(name) \(shape.name)"
            if isBaseline {
                let p99 = stats.percentile("health", 0.99)
                baselineP99[shape.name] = p99
                lines.append("  \(phase) baseline GET /health: n=\(stats.count("health")) p50 \(fmt(stats.percentile("health", 0.5))) ms, "
                    + "p99 \(fmt(p99)) ms, \(stats.errors.load(ordering: .relaxed)) errors")
                continue
            }
            lines.append("\(phase): \(stats.requests) operations (login = 2 requests) in \(fmt(stats.elapsed)) s = "
                + "\(String(format: "%.0f", Double(stats.requests) / stats.elapsed)) ops/s, \(stats.revisionsPushed.load(ordering: .relaxed)) revisions stored, "
                + "\(stats.errors.load(ordering: .relaxed)) errors")
            for label in ["login", "push", "pull", "lag"] where stats.count(label) > 0 {
                let p99 = stats.percentile(label, 0.99)
                var line = "  \(phase) \(label): n=\(stats.count(label)) p50 \(fmt(stats.percentile(label, 0.5))) ms, p99 \(fmt(p99)) ms, "
                    + "max \(fmt(stats.percentile(label, 1.0))) ms"
                if label != "lag", let base = baselineP99[shape.name], base > 0 {
                    line += " | baseline p99 \(fmt(base)) ms | ratio \(String(format: "%.1f", p99 / base))x | goal p99 < 100 ms"
                }
                lines.append(line)
            }
        }
        if soak { lines.append("  \(name) soak end: resident memory \(residentMemory()), peak \(residentMemory(field: "VmHWM:"))") }
        await group.triggerGracefulShutdown()
        return lines
    }
}

private enum LoadShape: Sendable {
    case saturation(rounds: Int)
    case paced(rounds: Int, every: Duration)

    var name: String {
        switch self {
        case .saturation: "saturation"
        case .paced: "paced"
        }
    }

    var rounds: Int {
        switch self {
        case .saturation(let rounds), .paced(let rounds, _): rounds
        }
    }
}

/// One pass: every member runs `shape.rounds` rounds at once. A round is login (first round only),
/// push and pull; in a baseline pass it is the same number of `GET /health` requests instead.
private func runLoad(api: BenchClient, members: [DeviceIdentity], shape: LoadShape, baseline: Bool,
                     revisionsPerPush: Int, timeLimit: Duration) async -> BenchStats {
    let stats = BenchStats()
    let start = ContinuousClock.now
    let deadline = start + timeLimit
    await withTaskGroup(of: Void.self) { group in
        for identity in members {
            group.addTask {
                // Paced: this client's rounds fall at offset + k × every (offset uniform in [0, every)).
                var schedule: ContinuousClock.Instant?
                var every: Duration = .zero
                if case .paced(_, let interval) = shape {
                    every = interval
                    schedule = start + interval * Double.random(in: 0..<1)
                }
                func timed<T>(_ label: String, since begin: ContinuousClock.Instant = .now, _ body: () async throws -> T) async -> T? {
                    do {
                        let value = try await body()
                        stats.record(label, (ContinuousClock.now - begin).milliseconds)
                        return value
                    } catch {
                        stats.errors.add(1, ordering: .relaxed)
                        return nil
                    }
                }
                let caseID = CaseID.random()
                let key = CaseKey.generate(caseID: caseID, epoch: 0)
                var cursor = ""
                var session: String?
                for round in 0..<shape.rounds where ContinuousClock.now < deadline {
                    var scheduled = ContinuousClock.now
                    if let at = schedule {
                        if at > .now { try? await Task.sleep(until: at) }
                        scheduled = at
                        stats.record("lag", (ContinuousClock.now - at).milliseconds)
                        schedule = at + every
                    }
                    if baseline {
                        for _ in 0..<(round == 0 ? 4 : 2) {
                            _ = await timed("health") { try await api.call(.GET, "/health", Optional<PushRequest>.none) }
                        }
                        continue
                    }
                    // One login per working session (ADR 0018): the token is reused for every round.
                    if session == nil { session = await timed("login", since: scheduled) { try await api.login(identity) } }
                    guard let token = session else { continue }
                    let now = UInt64(Date().timeIntervalSince1970 * 1000)
                    let revisions = (0..<revisionsPerPush).compactMap { i -> WireRevision? in
                        let header = RevisionHeader(recordID: .random(), recordType: round == 0 && i == 0 ? .client : .session,
                                                    caseID: caseID, authorDevice: identity.deviceID,
                                                    hlc: HLCTimestamp(physical: now, logical: UInt32(i)), keyEpoch: 0)
                        let body = RevisionBody(fields: ["duration_minutes": .int(50)], author: identity.person, policyVersion: "1")
                        return (try? RevisionSealer.seal(header: header, body: body, key: key, author: identity)).map { WireRevision($0) }
                    }
                    // Paced rounds time the push from the round's schedule when login came first (round 0 includes it).
                    if let response: PushResponse = await timed("push", since: round == 0 ? .now : scheduled, {
                        try await api.decode(PushResponse.self, api.call(.POST, SyncAPI.Path.revisions, token: token,
                                                                         PushRequest(revisions: revisions)))
                    }) {
                        stats.revisionsPushed.add(response.accepted.count, ordering: .relaxed)
                        if !response.rejected.isEmpty { stats.errors.add(response.rejected.count, ordering: .relaxed) }
                    }
                    if let page: PullResponse = await timed("pull", {
                        try await api.decode(PullResponse.self, api.call(.GET, SyncAPI.Path.revisions + "?after=\(cursor)",
                                                                         token: token, Optional<PushRequest>.none))
                    }) {
                        cursor = page.cursor
                    }
                }
            }
        }
    }
    stats.elapsed = (ContinuousClock.now - start).milliseconds / 1000
    return stats
}

private func fmt(_ value: Double) -> String { String(format: "%.1f", value) }

/// This process's resident memory from /proc/self/status ("VmRSS:" now, "VmHWM:" peak), in MiB.
private func residentMemory(field: String = "VmRSS:") -> String {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
        let line = status.split(separator: "\n").first(where: { $0.hasPrefix(field) }),
        let kib = Double(line.split(separator: " ").dropFirst().first ?? "")
    else { return "unknown" }
    return String(format: "%.0f MiB", kib / 1024)
}

private struct BenchClient: Sendable {
    let http: HTTPClient
    let base: String

    func call(_ method: HTTPMethod, _ path: String, token: String? = nil, _ body: (some Encodable & Sendable)?) async throws -> ByteBuffer {
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: try SyncAPI.makeEncoder().encode(body)))
        }
        let response = try await http.execute(request, timeout: .seconds(60))
        let bytes = try await response.body.collect(upTo: 64 * 1024 * 1024)
        guard (200..<300).contains(response.status.code) else { throw BenchError.status(Int(response.status.code)) }
        return bytes
    }

    func decode<T: Decodable>(_ type: T.Type, _ buffer: ByteBuffer) throws -> T {
        try SyncAPI.makeDecoder().decode(type, from: Data(buffer: buffer))
    }

    func enrol(code: String, identity: DeviceIdentity) async throws -> EnrolResponse {
        let keys = identity.publicKeys
        let device = DeviceRecord(deviceID: keys.deviceID, person: keys.person, signing: keys.signing, agreement: keys.agreement)
        return try decode(EnrolResponse.self, try await call(.POST, SyncAPI.Path.enrol, EnrolRequest(code: code, device: device)))
    }

    func login(_ identity: DeviceIdentity) async throws -> String {
        let challenge = try decode(ChallengeResponse.self,
                                   try await call(.POST, SyncAPI.Path.challenge, ChallengeRequest(deviceID: identity.deviceID)))
        let signature = try identity.sign(ChallengeResponse.signedBytes(challenge: challenge.challenge, deviceID: identity.deviceID))
        return try decode(TokenResponse.self, try await call(.POST, SyncAPI.Path.token, TokenRequest(
            deviceID: identity.deviceID, challenge: challenge.challenge, signature: signature))).token
    }
}

private final class BenchStats: @unchecked Sendable {
    let samples = Mutex<[String: [Double]]>([:])
    let errors = Atomic<Int>(0)
    let revisionsPushed = Atomic<Int>(0)
    /// Set once, after every task of the pass has finished.
    var elapsed: Double = 0

    func record(_ label: String, _ ms: Double) { samples.withLock { $0[label, default: []].append(ms) } }
    func count(_ label: String) -> Int { samples.withLock { $0[label]?.count ?? 0 } }
    var requests: Int { samples.withLock { $0.filter { $0.key != "lag" }.values.reduce(0) { $0 + $1.count } } }

    func percentile(_ label: String, _ p: Double) -> Double {
        let sorted = samples.withLock { ($0[label] ?? []).sorted() }
        guard !sorted.isEmpty else { return 0 }
        return sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
    }
}

private enum BenchError: Error { case status(Int) }

private extension Duration {
    var milliseconds: Double { Double(components.seconds) * 1000 + Double(components.attoseconds) / 1e15 }
}

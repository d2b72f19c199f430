import AsyncHTTPClient
import CasebookCrypto
import CasebookModels
import CasebookSync
import Foundation
import NIOCore
import Testing
import HTTPTypes
import Configuration
import Crypto
import NIOFoundationEssentialsCompat
import Logging
import NIOHTTP1

/// The real binary, SIGKILLed in the middle of a large push, restarted, and the push retried:
/// every acknowledged revision is there exactly once.
@Suite("Crash safety", .serialized)
struct CrashTests {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var binary: URL? {
        if let dir = ProcessInfo.processInfo.environment["CASEBOOK_BIN_DIR"] {
            let url = URL(fileURLWithPath: dir).appendingPathComponent("casebook-server")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        for configuration in ["debug", "release"] {
            let url = packageRoot.appendingPathComponent(".build/\(configuration)/casebook-server")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return nil
    }

    static func freePort() throws -> Int {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import socket; s=socket.socket(); s.bind(('127.0.0.1',0)); print(s.getsockname()[1])"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        process.waitUntilExit()
        return Int(String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)) ?? 18080
    }

    static func run(_ binary: URL, _ arguments: [String]) throws -> Data {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return data
    }

    static func startServer(_ binary: URL, database: String, port: Int) async throws -> Process {
        let process = Process()
        process.executableURL = binary
        process.arguments = ["serve", "--database", database, "--port", "\(port)", "--log-level", "warning"]
        process.standardError = FileHandle.nullDevice
        try process.run()
        for _ in 0..<200 {
            if let response = try? await HTTPClient.shared.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)/ready"), timeout: .seconds(1)),
               response.status == .ok { return process }
            try await Task.sleep(for: .milliseconds(50))
        }
        process.terminate()
        throw CasebookError(.network, "the server did not become ready")
    }

    struct Client {
        let base: String
        var token = ""

        func send<T: Decodable>(_ method: HTTPMethod, _ path: String, _ body: some Encodable, as: T.Type) async throws -> T {
            var request = HTTPClientRequest(url: base + path)
            request.method = method
            request.headers.add(name: "Content-Type", value: "application/json")
            if !token.isEmpty { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
            request.body = .bytes(ByteBuffer(bytes: try SyncAPI.makeEncoder().encode(body)))
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
            let bytes = try await response.body.collect(upTo: 256 * 1024 * 1024)
            guard (200..<300).contains(response.status.code) else {
                throw CasebookError(.network, "\(path): \(response.status.code) \(String(buffer: bytes))")
            }
            return try SyncAPI.makeDecoder().decode(T.self, from: Data(buffer: bytes))
        }

        mutating func login(_ identity: DeviceIdentity) async throws {
            token = ""
            let challenge = try await send(.POST, SyncAPI.Path.challenge, ChallengeRequest(deviceID: identity.deviceID), as: ChallengeResponse.self)
            let signature = try identity.sign(ChallengeResponse.signedBytes(challenge: challenge.challenge, deviceID: identity.deviceID))
            token = try await send(.POST, SyncAPI.Path.token,
                                   TokenRequest(deviceID: identity.deviceID, challenge: challenge.challenge, signature: signature),
                                   as: TokenResponse.self).token
        }

        func pullAll() async throws -> [WireRevision] {
            var cursor = ""
            var all: [WireRevision] = []
            while true {
                var request = HTTPClientRequest(url: base + SyncAPI.Path.revisions + "?limit=5000&after=\(cursor)")
                request.headers.add(name: "Authorization", value: "Bearer \(token)")
                let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
                let page = try SyncAPI.makeDecoder().decode(PullResponse.self,
                                                            from: Data(buffer: try await response.body.collect(upTo: 512 * 1024 * 1024)))
                all += page.revisions
                cursor = page.cursor
                if !page.hasMore { return all }
            }
        }
    }

    @Test("SIGKILL mid-push, restart, retry: every acknowledged revision exactly once")
    func killMidPush() async throws {
        guard let binary = Self.binary else {
            Issue.record("build casebook-server first (swift build --product casebook-server)")
            return
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("casebook-crash-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let database = "sqlite:" + dir.appendingPathComponent("server.db").path
        let initOutput = try Self.run(binary, ["init", "--database", database, "--org", "Crash Org", "--admin", "Admin", "--json"])
        let created = try #require(try JSONSerialization.jsonObject(with: initOutput) as? [String: String])
        let code = try #require(created["enrolment_code"])
        let person = PersonID(rawValue: try #require(created["person_id"]))

        let port = try Self.freePort()
        var server = try await Self.startServer(binary, database: database, port: port)
        // Never leave a server behind, whatever fails below.
        defer { if server.isRunning { server.terminate() } }
        var client = Client(base: "http://127.0.0.1:\(port)")
        let identity = DeviceIdentity.generate(person: person)
        let keys = identity.publicKeys
        _ = try await client.send(.POST, SyncAPI.Path.enrol, EnrolRequest(
            code: try #require(EnrolmentSecret.serverAuth(ofCode: code)),
            device: DeviceRecord(deviceID: keys.deviceID, person: person, signing: keys.signing, agreement: keys.agreement)),
            as: EnrolResponse.self)
        try await client.login(identity)

        // Given 8 batches of 2000 revisions (about 1 MB of JSON each).
        let caseID = CaseID.random()
        let key = CaseKey.generate(caseID: caseID, epoch: 0)
        let now = UInt64(Date().timeIntervalSince1970 * 1000)
        let batches: [[WireRevision]] = try (0..<8).map { b in
            try (0..<2000).map { i in
                let header = RevisionHeader(recordID: .random(), recordType: b == 0 && i == 0 ? .client : .session, caseID: caseID,
                                            authorDevice: identity.deviceID, hlc: HLCTimestamp(physical: now, logical: UInt32(b * 2000 + i)),
                                            keyEpoch: 0)
                let body = RevisionBody(fields: ["notes": .string(String(repeating: "x", count: 200))], author: person, policyVersion: "1")
                return WireRevision(try RevisionSealer.seal(header: header, body: body, key: key, author: identity))
            }
        }

        // When the server is killed with SIGKILL while the pushes are running…
        var acknowledged: [String: Int64] = [:]
        let pushClient = client
        let (firstAck, firstAckContinuation) = AsyncStream.makeStream(of: Void.self)
        let pushing = Task {
            var acks: [String: Int64] = [:]
            for batch in batches {
                guard let response = try? await pushClient.send(.POST, SyncAPI.Path.revisions, PushRequest(revisions: batch),
                                                               as: PushResponse.self) else { break }
                for ack in response.accepted { acks[ack.id] = ack.seq }
                firstAckContinuation.yield()
            }
            firstAckContinuation.finish()
            return acks
        }
        // Kill shortly after the first batch is acknowledged: the second batch is in flight.
        for await _ in firstAck { break }
        try await Task.sleep(for: .milliseconds(Int.random(in: 20...120)))
        kill(server.processIdentifier, SIGKILL)
        server.waitUntilExit()
        acknowledged = await pushing.value
        #expect(acknowledged.count < batches.count * 2000, "the kill landed before the last push finished")

        // …then restarted, and every batch retried.
        server = try await Self.startServer(binary, database: database, port: port)
        try await client.login(identity)
        var retried: [String: Int64] = [:]
        for batch in batches {
            let response = try await client.send(.POST, SyncAPI.Path.revisions, PushRequest(revisions: batch), as: PushResponse.self)
            #expect(response.rejected.isEmpty)
            for ack in response.accepted { retried[ack.id] = ack.seq }
        }

        // Then every acknowledged revision kept its seq, and the store holds each revision once.
        for (id, seq) in acknowledged { #expect(retried[id] == seq, "revision \(id.prefix(12)) changed seq") }
        let stored = try await client.pullAll()
        let ids = stored.map(\.id)
        #expect(ids.count == batches.count * 2000)
        #expect(Set(ids).count == ids.count, "no duplicates")
        #expect(Set(ids) == Set(batches.flatMap { $0.map(\.id) }))
        print("crash test: \(acknowledged.count) revisions acknowledged before SIGKILL, \(ids.count) stored after retry")
        try? FileManager.default.removeItem(at: dir)
    }
}

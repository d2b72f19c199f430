import CasebookCrypto
import CasebookModels
@testable import CasebookServer
import CasebookSync
import Configuration
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Logging
import ServiceLifecycle
import Synchronization
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Issue 12 (ADR 0018), the replica's side over a real socket: a 429 is waited out within the
/// deadline and announced; beyond the deadline the failure says when to try again; a server that
/// is down is "offline" within seconds.
@Suite("Busy and offline servers")
struct BusyAndOfflineTests {
    /// A live server on loopback with the given limits and an organisation whose first
    /// administrator `identity` is enrolled.
    static func withServer(burst: Int, perMinute: Int, _ body: @Sendable (String, DeviceIdentity) async throws -> Void) async throws {
        guard let url = try await TestDatabase.make(.sqlite) else { return }
        let (admin, code) = try await withServerStore(url: url, logger: TestDatabase.logger) { store in
            try await initialiseOrganisation(store: store, name: "Busy Org")
        }
        let reader = testReader(url: url, extra: ["auth.rate-burst": .init(.int(burst), isSecret: false),
                                                  "auth.rate-per-minute": .init(.int(perMinute), isSecret: false)])
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = try await buildApplication(reader: reader, logger: TestDatabase.logger) { continuation.yield($0) }
        let group = ServiceGroup(services: [app], gracefulShutdownSignals: [], logger: TestDatabase.logger)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var port = 0
            for await value in ports { port = value; break }
            let base = "http://127.0.0.1:\(port)"
            let identity = DeviceIdentity.generate(person: admin)
            let keys = identity.publicKeys
            _ = try await HTTPSyncTransport(baseURL: base, identity: nil).enrol(EnrolRequest(
                code: try #require(EnrolmentSecret.serverAuth(ofCode: code)), device: DeviceRecord(deviceID: keys.deviceID, person: keys.person, signing: keys.signing, agreement: keys.agreement),
                recoveryKey: Curve25519.KeyAgreement.PrivateKey().publicKey.rawRepresentation), timeout: .seconds(120))
            try await body(base, identity)
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    final class Notices: Sendable {
        let lines = Mutex<[String]>([])
        var all: [String] { lines.withLock { $0 } }
    }

    /// A stand-in server whose challenge route answers 429 with `Retry-After: retryAfter` the
    /// first `busyTimes` times (deterministic, unlike a real bucket under a loaded machine).
    static func withBusyServer(busyTimes: Int, retryAfter: Int, _ body: @Sendable (String, RequestLog) async throws -> Void) async throws {
        let seen = RequestLog()
        let refusals = Mutex(busyTimes)
        let router = Router()
        let protocolField = HTTPField.Name(SyncAPI.protocolHeader)!
        router.get("health") { _, _ in
            Response(status: .ok, headers: [protocolField: String(SyncAPI.protocolVersion), .contentType: "application/json"],
                     body: .init(byteBuffer: ByteBuffer(string: "{\"status\":\"ok\"}")))
        }
        router.post("v1/auth/challenge") { _, _ in
            seen.append("challenge")
            let busy = refusals.withLock { left in left > 0 ? { left -= 1; return true }() : false }
            if busy {
                return Response(status: .tooManyRequests, headers: [.retryAfter: String(retryAfter), .contentType: "application/json"],
                                body: .init(byteBuffer: ByteBuffer(string: "{\"error\":\"rate-limited\",\"message\":\"too many attempts\"}")))
            }
            let challenge = ChallengeResponse(challenge: Data(repeating: 7, count: 32), expiresAt: Date().addingTimeInterval(60))
            return Response(status: .ok, headers: [.contentType: "application/json"],
                            body: .init(byteBuffer: ByteBuffer(bytes: try SyncAPI.makeEncoder().encode(challenge))))
        }
        router.post("v1/auth/token") { _, _ in
            seen.append("token")
            let token = TokenResponse(token: SymmetricKey.randomToken(), expiresAt: Date().addingTimeInterval(900))
            return Response(status: .ok, headers: [.contentType: "application/json"],
                            body: .init(byteBuffer: ByteBuffer(bytes: try SyncAPI.makeEncoder().encode(token))))
        }
        try await serveOnLoopback(router) { base in try await body(base, seen) }
    }

    @Test("a 429 is waited out within the deadline and announced")
    func busyThenServed() async throws {
        try await Self.withBusyServer(busyTimes: 1, retryAfter: 1) { base, seen in
            let notices = Notices()
            let transport = try HTTPSyncTransport(baseURL: base, identity: DeviceIdentity.generate(person: .random()), reusing: nil,
                                                  notice: { line in notices.lines.withLock { $0.append(line) } })
            try await transport.authenticate(timeout: .seconds(120))
            #expect(notices.all == ["the sync server is busy; waiting 1 s and trying again"])
            #expect(seen.all == ["challenge", "challenge", "token"])
            #expect(transport.currentToken != nil)
        }
    }

    @Test("a 429 whose wait does not fit the deadline fails at once, not retried, saying when to try again")
    func busyBeyondTheDeadline() async throws {
        try await Self.withBusyServer(busyTimes: 100, retryAfter: 90) { base, seen in
            let transport = try HTTPSyncTransport(baseURL: base, identity: DeviceIdentity.generate(person: .random()))
            do {
                try await transport.authenticate(timeout: .seconds(30))
                Issue.record("a sign-in went through a busy server")
            } catch let failure as SyncFailure {
                #expect(failure.kind == .busy)
                #expect(!failure.isRetryable)
                #expect(failure.message.contains("try again in 90 seconds"))
                #expect(!failure.message.contains("rate-limited"), "no internal codes in what people read")
            }
            #expect(seen.all == ["challenge"], "one request, no hammering")
        }
    }

    @Test("a reused token from an earlier run is used without signing in again")
    func reusedToken() async throws {
        try await Self.withServer(burst: 100, perMinute: 600) { base, identity in
            let first = try HTTPSyncTransport(baseURL: base, identity: identity)
            _ = try await first.organisation(timeout: .seconds(120))
            let kept = try #require(first.currentToken)
            // A new run (a new transport) with the kept token: the server sees no new sign-in…
            let second = try HTTPSyncTransport(baseURL: base, identity: identity, reusing: kept, notice: nil)
            _ = try await second.organisation(timeout: .seconds(120))
            #expect(second.currentToken?.token == kept.token)
            // …and a token revoked meanwhile is replaced by a fresh sign-in (one retry).
            let third = try HTTPSyncTransport(baseURL: base, identity: identity, reusing: (SymmetricKey.randomToken(), Date().addingTimeInterval(600)),
                                              notice: nil)
            _ = try await third.organisation(timeout: .seconds(120))
            #expect(third.currentToken?.token != kept.token)
        }
    }

    @Test("with the server down, a call fails as offline within seconds")
    func offline() async throws {
        // Bind a port, then close it: connections to it are refused.
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        close(fd)
        let transport = try HTTPSyncTransport(baseURL: "http://127.0.0.1:\(UInt16(bigEndian: address.sin_port))",
                                              identity: DeviceIdentity.generate(person: .random()))
        let started = ContinuousClock.now
        do {
            try await transport.authenticate(timeout: .seconds(300))
            Issue.record("a closed port answered")
        } catch let failure as SyncFailure {
            #expect(failure.kind == .offline)
            #expect(!failure.isRetryable)
            #expect(failure.casebookError.code == .offline)
            #expect(failure.message.hasPrefix("offline:"))
        }
        // `offline` (not `timeout`) shows it came from the refused connection, not the deadline. The
        // 5 s bound is checked on a real process by Scripts/e2e-office; here the bound is loose because
        // the whole suite starves the cooperative pool on 2 cores (see ReachabilityTests).
        #expect(ContinuousClock.now - started < .seconds(120), "offline is reported long before the 300 s deadline")
    }
}

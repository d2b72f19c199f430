import AsyncHTTPClient
import CasebookCrypto
import CasebookModels
@testable import CasebookServer
import CasebookSync
import Foundation
import Hummingbird
import HummingbirdTesting
import HTTPTypes
import Logging
import NIOCore
import NIOFoundationEssentialsCompat
import ServiceLifecycle
import Synchronization
import Testing

/// Requests a stand-in server received, in order.
final class RequestLog: Sendable {
    private let entries = Mutex<[String]>([])
    func append(_ entry: String) { entries.withLock { $0.append(entry) } }
    var all: [String] { entries.withLock { $0 } }
}

/// `Casebook-Protocol`: a server and a replica that speak different sync protocols (ADR 0011
/// changed what a revision's signature field holds) refuse each other before anything is sent.
@Suite("Sync protocol version")
struct ProtocolVersionTests {
    static let field = HTTPField.Name(SyncAPI.protocolHeader)!

    @Test("every response names the server's protocol; an older client gets 426 protocol-mismatch")
    func serverSide() async throws {
        guard let fixture = try await Fixture.make(.sqlite) else { return }
        let app = try await buildApplication(reader: testReader(url: fixture.url), clock: fixture.clock, logger: TestDatabase.logger)
        try await app.test(.router) { client in
            let health = try await client.execute(uri: "/health", method: .get)
            #expect(health.status == .ok)
            #expect(health.headers[Self.field] == String(SyncAPI.protocolVersion))
            for old in ["1", "0", "x"] {
                let refused = try await client.execute(uri: SyncAPI.Path.challenge, method: .post, headers: [Self.field: old, .contentType: "application/json"],
                                                       body: ByteBuffer(string: "{\"device_id\":\"d\"}"))
                #expect(refused.status == .upgradeRequired)
                #expect(refused.headers[Self.field] == String(SyncAPI.protocolVersion))
                let body = try SyncAPI.makeDecoder().decode(APIErrorBody.self, from: Data(buffer: refused.body))
                #expect(body.error == "protocol-mismatch")
                #expect(body.message.contains("upgrade casebook"))
            }
            // The current protocol, and no header at all (monitoring, curl), are served as usual.
            let unknownDevice = try await client.execute(uri: SyncAPI.Path.organisation, method: .get,
                                                         headers: [Self.field: String(SyncAPI.protocolVersion)])
            #expect(unknownDevice.status == .unauthorized)
            #expect(try await client.execute(uri: "/ready", method: .get).status == .ok)
        }
    }

    /// A stand-in for a casebook-server from before protocol versions (no header), or one newer
    /// than this build, on a real socket; it records every request it receives.
    static func withOldServer(protocol served: String?, _ body: @Sendable (String, RequestLog) async throws -> Void) async throws {
        let seen = RequestLog()
        let router = Router()
        router.middlewares.add(RecordingMiddleware(seen: seen, served: served))
        router.get("health") { _, _ in "{\"status\":\"ok\"}" }
        router.post("v1/enrol") { _, _ in "{}" }
        router.post("v1/auth/challenge") { _, _ in "{}" }
        try await serveOnLoopback(router) { base in try await body(base, seen) }
    }

    @Test("a replica refuses an older or newer server before sending anything", arguments: [nil, "1", "99"])
    func clientSide(served: String?) async throws {
        try await Self.withOldServer(protocol: served) { base, seen in
            let identity = DeviceIdentity.generate(person: .random())
            let enrolling = try HTTPSyncTransport(baseURL: base, identity: nil)
            let keys = identity.publicKeys
            let request = EnrolRequest(code: "code", device: DeviceRecord(deviceID: keys.deviceID, person: keys.person,
                                                                          signing: keys.signing, agreement: keys.agreement))
            for attempt in [{ _ = try await enrolling.enrol(request, timeout: .seconds(10)) },
                            { try await HTTPSyncTransport(baseURL: base, identity: identity).authenticate(timeout: .seconds(10)) }] {
                do {
                    try await attempt()
                    Issue.record("the call went through to a server of another protocol")
                } catch let failure as SyncFailure {
                    #expect(failure.kind == .incompatible)
                    #expect(!failure.isRetryable)
                    #expect(failure.casebookError.code == .protocolMismatch)
                    #expect(failure.message.contains(served == "99" ? "upgrade casebook on this device" : "ask your administrator to upgrade"))
                }
            }
            #expect(seen.all.allSatisfy { $0 == "GET /health" }, "nothing but the health check reached the server")
            #expect(seen.all.count == 2)
        }
    }
}

private struct RecordingMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext
    let seen: RequestLog
    let served: String?

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        seen.append("\(request.method.rawValue) \(request.uri.path)")
        var response = try await next(request, context)
        if let served { response.headers[HTTPField.Name(SyncAPI.protocolHeader)!] = served }
        return response
    }
}

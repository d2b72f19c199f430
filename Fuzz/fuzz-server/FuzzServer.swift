// libFuzzer target: the real server router (`buildApplication`, every middleware and route) over a
// real SQLite store in a temporary file, driven through hummingbird's test client
// (HummingbirdTesting, `.router`: no socket) with random method, route, path parameters, query
// (the pull cursor, limits), bearer token, protocol header and body. An administrator is enrolled
// and logged in through the real routes first, so an input can carry a valid token and reach
// the authenticated routes' decoders and store calls. A crash, a sanitizer report, or any 5xx
// other than the documented 503 (`deadline-exceeded`, `storage`) is a finding. Built only by
// Scripts/fuzz (see docs/fuzzing.md).
import CasebookCrypto
import CasebookModels
import CasebookServer
import CasebookSync
import Configuration
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import NIOFoundationEssentialsCompat
import Synchronization

/// One request handed from libFuzzer's thread to the test client's task.
struct Job: Sendable {
    var method: HTTPRequest.Method
    var uri: String
    var headers: HTTPFields
    var body: ByteBuffer?
    var reply: @Sendable (HTTPResponse.Status?) -> Void
}

/// What the set-up made: the administrator's live token and ids the path parameters can name.
struct Fixture: Sendable {
    var token: String
    var invitee: PersonID
    var caseID: CaseID
    var otherDevice: DeviceID
    var jobs: AsyncStream<Job>.Continuation
}

/// Route templates (`SyncServer.routes`'s paths); `{…}` is filled from the input or a known id.
let routes: [String] = [
    "/health", "/ready", "/metrics", "/v1/enrol", "/v1/auth/challenge", "/v1/auth/token", "/v1/auth/logout",
    "/v1/organisation", "/v1/people", "/v1/people/{person}", "/v1/people/{person}/training",
    "/v1/devices/{device}/certification", "/v1/revisions", "/v1/cases/{case}/revisions", "/v1/cases/{case}/keys",
    "/v1/keys", "/v1/cases/{case}/grants", "/v1/cases/{case}/grants/{person}", "/v1/cases/{case}", "/v1/devices/{device}",
    "/v1/recovery/keys",
]
let methods: [HTTPRequest.Method] = [.get, .post, .put, .delete, .patch, .head, .options]

let logger: Logger = {
    var logger = Logger(label: "fuzz-server")
    logger.logLevel = .critical
    return logger
}()

func fail(_ what: String) -> Never { fatalError("fuzz invariant broken: \(what)") }

/// Starts the server once: a fresh SQLite file, `casebook-server init`'s organisation, the first
/// administrator enrolled and logged in, one invitation pending; then serves jobs forever.
let fixture: Fixture = {
    let (jobs, continuation) = AsyncStream.makeStream(of: Job.self)
    let ready = DispatchSemaphore(value: 0)
    let made = Mutex<Fixture?>(nil)
    Task.detached {
        do {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fuzz-server-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let url = "sqlite:" + directory.appendingPathComponent("server.db").path
            let (admin, code) = try await withServerStore(url: url, logger: logger) { store in
                try await initialiseOrganisation(store: store, name: "Fuzz Mentoring")
            }
            let huge = ConfigValue(.int(1_000_000_000), isSecret: false)
            let reader = ConfigReader(provider: InMemoryProvider(values: [
                "database.url": .init(.string(url), isSecret: true), "http.port": .init(.int(0), isSecret: false),
                "log.level": .init(.string("critical"), isSecret: false), "auth.token-ttl": huge,
                "auth.rate-burst": huge, "auth.rate-per-minute": huge, "auth.failure-burst": huge, "auth.failure-per-minute": huge,
            ]))
            let app = try await buildApplication(reader: reader, logger: logger)
            try await app.test(.router) { client in
                let json = SyncAPI.makeEncoder()
                func send(_ method: HTTPRequest.Method, _ path: String, token: String? = nil, _ body: some Encodable) async throws -> TestResponse {
                    var headers: HTTPFields = [.contentType: "application/json"]
                    if let token { headers[.authorization] = "Bearer \(token)" }
                    return try await client.execute(uri: path, method: method, headers: headers, body: ByteBuffer(bytes: try json.encode(body)))
                }
                let identity = DeviceIdentity.generate(person: admin)
                let keys = identity.publicKeys
                let device = DeviceRecord(deviceID: keys.deviceID, person: keys.person, signing: keys.signing, agreement: keys.agreement)
                guard let serverAuth = EnrolmentSecret.serverAuth(ofCode: code),
                      try await send(.post, SyncAPI.Path.enrol, EnrolRequest(code: serverAuth, device: device)).status == .created else {
                    fail("set-up: the administrator could not enrol")
                }
                let challenge = try SyncAPI.makeDecoder().decode(ChallengeResponse.self, from: Data(buffer: try await send(
                    .post, SyncAPI.Path.challenge, ChallengeRequest(deviceID: identity.deviceID)).body))
                let signature = try identity.sign(ChallengeResponse.signedBytes(challenge: challenge.challenge, deviceID: identity.deviceID))
                let token = try SyncAPI.makeDecoder().decode(TokenResponse.self, from: Data(buffer: try await send(
                    .post, SyncAPI.Path.token, TokenRequest(deviceID: identity.deviceID, challenge: challenge.challenge, signature: signature)).body)).token
                let invitee = PersonID.random()
                let invite = InviteRequest(person: invitee, role: .practitioner, type: .staff,
                                           codeHash: EnrolmentSecret.generate().serverAuthHash)
                guard try await send(.post, SyncAPI.Path.people, token: token, invite).status == .created else {
                    fail("set-up: the administrator could not invite")
                }
                made.withLock { $0 = Fixture(token: token, invitee: invitee, caseID: .random(), otherDevice: .random(), jobs: continuation) }
                ready.signal()
                for await job in jobs {
                    let status = try? await client.execute(uri: job.uri, method: job.method, headers: job.headers, body: job.body).status
                    job.reply(status)
                }
            }
        } catch {
            fail("set-up failed: \(error)")
        }
    }
    ready.wait()
    guard let fixture = made.withLock({ $0 }) else { fail("set-up made nothing") }
    return fixture
}()

/// Input layout: method, flags, route, then NUL-separated path parameter, query, header value, body.
public func fuzzServer(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let start, count >= 3 else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: start, count: count))
    let method = methods[Int(bytes[0]) % methods.count]
    let flags = bytes[1]
    let routeIndex = Int(bytes[2]) % (routes.count + 1)
    let parts = bytes[3...].split(separator: 0, maxSplits: 3, omittingEmptySubsequences: false).map { Array($0) }
    func part(_ i: Int) -> String { i < parts.count ? String(decoding: parts[i], as: UTF8.self) : "" }
    let parameter = part(0), query = part(1), headerValue = part(2)
    let body = parts.count > 3 ? parts[3] : []

    // Path: a route with its parameters filled (known ids when flag 16, else the input), or the raw text.
    var path: String
    let template = routeIndex < routes.count ? routes[routeIndex] : "{raw}"
    if routeIndex < routes.count {
        let known = flags & 16 != 0
        path = template
            .replacingOccurrences(of: "{person}", with: known ? fixture.invitee.rawValue : parameter)
            .replacingOccurrences(of: "{case}", with: known ? fixture.caseID.rawValue : parameter)
            .replacingOccurrences(of: "{device}", with: known ? fixture.otherDevice.rawValue : parameter)
    } else {
        path = parameter
    }
    if !query.isEmpty { path += "?" + query }

    var headers: HTTPFields = [:]
    // The valid token (flag 1; never on logout, which would end it for every later input), or the input's text.
    if flags & 1 != 0, template != SyncAPI.Path.logout {
        headers[.authorization] = "Bearer \(fixture.token)"
    } else if flags & 2 != 0, !headerValue.isEmpty {
        headers[.authorization] = headerValue   // HTTPTypes turns bytes a field cannot hold into spaces
    }
    if flags & 4 != 0 { headers[HTTPField.Name(SyncAPI.protocolHeader)!] = flags & 8 != 0 ? headerValue : String(SyncAPI.protocolVersion) }
    if flags & 32 != 0 { headers[.contentType] = "application/json" }

    let done = DispatchSemaphore(value: 0)
    let result = Mutex<HTTPResponse.Status?>(nil)
    fixture.jobs.yield(Job(method: method, uri: path, headers: headers, body: body.isEmpty ? nil : ByteBuffer(bytes: body)) { status in
        result.withLock { $0 = status }
        done.signal()
    })
    done.wait()
    // A request the test client cannot even form (an unparseable URI) has no status: not the server's finding.
    if let status = result.withLock({ $0 }), status.code >= 500, status != .serviceUnavailable {
        fail("\(method) \(template) answered \(status.code)")
    }
    return 0
}

import CasebookCrypto
import CasebookModels
@testable @_spi(Testing) import CasebookServer
import CasebookSync
import CasebookTestSupport
import Configuration
import Crypto
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import PostgresNIO
import Synchronization
import Testing
import HTTPTypes
import NIOCore
import NIOFoundationEssentialsCompat

/// The store implementations; every conformance test runs against each (ADR 0016: the in-memory
/// store behind the real routes is what the client's sync tests run on).
enum StoreKind: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case memory, sqlite, postgres
    var testDescription: String { rawValue }
    /// The stores the parameterised tests run on: PostgreSQL only when a server is configured
    /// (`CASEBOOK_TEST_POSTGRES_URL`). Without one its cases are not run at all, not passed: the
    /// `PostgreSQLTests` suite shows as skipped, and `Scripts/test` fails if it was (ADR 0026).
    static var available: [StoreKind] { allCases.filter { $0 != .postgres || PostgreSQLTestServer.configured } }
    /// The stores that write files (for tests that read the raw bytes on disk).
    static var persistent: [StoreKind] { [.sqlite, .postgres].filter { available.contains($0) } }
}

/// Whether the PostgreSQL store can be tested here.
enum PostgreSQLTestServer {
    static var configured: Bool { ProcessInfo.processInfo.environment["CASEBOOK_TEST_POSTGRES_URL"] != nil }
}

/// The suite that shows as skipped when PostgreSQL cannot be tested here.
@Suite("PostgreSQL store", .enabled(if: PostgreSQLTestServer.configured,
                                    "no PostgreSQL: set CASEBOOK_TEST_POSTGRES_URL (eval \"$(Scripts/postgres-test-server start)\")"))
struct PostgreSQLTests {
    @Test("PostgreSQL: a fresh database migrates twice (idempotently) and answers a ping")
    func migratesAndAnswers() async throws {
        let url = try #require(try await TestDatabase.make(.postgres))
        try await withServerStore(url: url, logger: TestDatabase.logger) { store in
            try await store.migrate()
            try await store.migrate()
            try await store.ping()
        }
    }
}

/// With `CI=true`, or when `Scripts/test` started PostgreSQL itself (`CASEBOOK_TEST_POSTGRES_REQUIRED=1`),
/// a missing PostgreSQL fails the run instead of skipping its tests.
@Test("PostgreSQL is configured wherever it is required",
      .enabled(if: ProcessInfo.processInfo.environment["CI"] == "true"
                   || ProcessInfo.processInfo.environment["CASEBOOK_TEST_POSTGRES_REQUIRED"] == "1"))
func postgreSQLIsConfiguredWhereRequired() {
    #expect(PostgreSQLTestServer.configured, "CASEBOOK_TEST_POSTGRES_URL is not set: run Scripts/postgres-test-server first")
    #expect(StoreKind.available.contains(.postgres))
}

enum TestDatabase {
    static let logger: Logger = {
        var l = Logger(label: "casebook-server-tests")
        l.logLevel = .warning
        return l
    }()

    /// A fresh database URL for one test. PostgreSQL without `CASEBOOK_TEST_POSTGRES_URL` is a
    /// recorded issue and nil: tests take their stores from `StoreKind.available`, so it never is.
    static func make(_ kind: StoreKind) async throws -> String? {
        switch kind {
        case .memory:
            return ServerStoreRegistry.register(InMemoryServerStore())
        case .sqlite:
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("casebook-server-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            return "sqlite:" + dir.appendingPathComponent("server.db").path
        case .postgres:
            let env = ProcessInfo.processInfo.environment
            guard let base = env["CASEBOOK_TEST_POSTGRES_URL"] else {
                Issue.record("CASEBOOK_TEST_POSTGRES_URL is not set: take stores from StoreKind.available, or run Scripts/postgres-test-server")
                return nil
            }
            let name = "casebook_t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16)
            return try await createPostgresDatabase(adminURL: base, name: String(name), logger: logger)
        }
    }

    static func sqlitePath(_ url: String) -> String { String(url.dropFirst("sqlite:".count)) }
}

/// Every route the server's router serves ("METHOD" and "/path/{param}"), read from hummingbird's
/// `Router.routes` of the router `buildApplication` serves (ADR 0026): not a hand-kept list.
func servedRoutes() throws -> [(method: String, path: String)] {
    let store = InMemoryServerStore()
    let url = ServerStoreRegistry.register(store)
    defer { ServerStoreRegistry.unregister(url: url) }
    let router = buildRouter(store: store, clock: SystemWallClock(), settings: try ServerSettings(reader: testReader(url: url)))
    return router.routes.map { (method: $0.method.rawValue, path: "\($0.path)") }
}

/// In-memory configuration for `buildApplication(reader:)`.
func testReader(url: String, extra: [AbsoluteConfigKey: ConfigValue] = [:]) -> ConfigReader {
    var values: [AbsoluteConfigKey: ConfigValue] = [
        "database.url": .init(.string(url), isSecret: true),
        "http.port": .init(.int(0), isSecret: false),
        "log.level": .init(.string("warning"), isSecret: false),
        "auth.rate-burst": .init(.int(1000), isSecret: false),
        "auth.rate-per-minute": .init(.int(60000), isSecret: false),
    ]
    values.merge(extra) { $1 }
    return ConfigReader(provider: InMemoryProvider(values: values))
}

/// A member of the test organisation with an enrolled device and a live token.
struct Member: Sendable {
    var identity: DeviceIdentity
    var role: Role
    var token: String
    var person: PersonID { identity.person }
    var device: DeviceID { identity.deviceID }
}

/// Thin JSON client over hummingbird's test client, speaking the wire contract.
struct API: Sendable {
    let client: any TestClientProtocol

    @discardableResult
    func send(_ method: HTTPRequest.Method, _ path: String, token: String? = nil,
              json: (any Encodable & Sendable)? = nil) async throws -> TestResponse {
        var headers: HTTPFields = [:]
        if let token { headers[.authorization] = "Bearer \(token)" }
        var body: ByteBuffer?
        if let json {
            headers[.contentType] = "application/json"
            body = ByteBuffer(bytes: try SyncAPI.makeEncoder().encode(json))
        }
        return try await client.execute(uri: path, method: method, headers: headers, body: body)
    }

    func decode<T: Decodable>(_ type: T.Type, _ response: TestResponse, sourceLocation: SourceLocation = #_sourceLocation) throws -> T {
        do {
            return try SyncAPI.makeDecoder().decode(type, from: Data(buffer: response.body))
        } catch {
            Issue.record("cannot decode \(type) from \(response.status): \(String(buffer: response.body))", sourceLocation: sourceLocation)
            throw error
        }
    }

    func login(_ identity: DeviceIdentity) async throws -> String {
        let challenge = try decode(ChallengeResponse.self,
                                   try await send(.post, SyncAPI.Path.challenge, json: ChallengeRequest(deviceID: identity.deviceID)))
        let signature = try identity.sign(ChallengeResponse.signedBytes(challenge: challenge.challenge, deviceID: identity.deviceID))
        let response = try await send(.post, SyncAPI.Path.token,
                                      json: TokenRequest(deviceID: identity.deviceID, challenge: challenge.challenge, signature: signature))
        #expect(response.status == .ok)
        return try decode(TokenResponse.self, response).token
    }

    func enrol(code: String, identity: DeviceIdentity, role: Role, recoveryKey: Data? = nil) async throws -> Member {
        let keys = identity.publicKeys
        let device = DeviceRecord(deviceID: keys.deviceID, person: keys.person, signing: keys.signing, agreement: keys.agreement)
        let response = try await send(.post, SyncAPI.Path.enrol, json: EnrolRequest(code: code, device: device, recoveryKey: recoveryKey))
        #expect(response.status == .created, "enrol: \(String(buffer: response.body))")
        return Member(identity: identity, role: role, token: try await login(identity))
    }

    /// The admin invites a new person (code generated here, only its hash sent) who then enrols.
    func invite(by admin: Member, role: Role, type: PersonType = .staff) async throws -> Member {
        let person = PersonID.random()
        let code = SymmetricKey.randomToken()
        let invite = InviteRequest(person: person, role: role, type: type, codeHash: Data(SHA256.hash(data: Data(code.utf8))))
        let response = try await send(.post, SyncAPI.Path.people, token: admin.token, json: invite)
        #expect(response.status == .created)
        return try await enrol(code: code, identity: .generate(person: person), role: role)
    }

    func push(_ revisions: [SealedRevision], as member: Member) async throws -> PushResponse {
        let response = try await send(.post, SyncAPI.Path.revisions, token: member.token,
                                      json: PushRequest(revisions: revisions.map { WireRevision($0) }))
        #expect(response.status == .ok, "push: \(String(buffer: response.body))")
        return try decode(PushResponse.self, response)
    }

    func pull(as member: Member, after cursor: String? = nil, limit: Int? = nil, caseID: CaseID? = nil) async throws -> PullResponse {
        var path = caseID.map(SyncAPI.Path.caseRevisions) ?? SyncAPI.Path.revisions
        var query: [String] = []
        if let cursor { query.append("after=\(cursor)") }
        if let limit { query.append("limit=\(limit)") }
        if !query.isEmpty { path += "?" + query.joined(separator: "&") }
        let response = try await send(.get, path, token: member.token)
        #expect(response.status == .ok, "pull: \(String(buffer: response.body))")
        return try decode(PullResponse.self, response)
    }

    /// Pulls every page from `cursor`.
    func pullAll(as member: Member, after cursor: String? = nil) async throws -> (revisions: [WireRevision], cursor: String?) {
        var cursor = cursor
        var all: [WireRevision] = []
        while true {
            let page = try await pull(as: member, after: cursor, limit: 1000)
            all += page.revisions
            cursor = page.cursor
            if !page.hasMore { return (all, cursor) }
        }
    }
}

/// Builds sealed revisions the way a replica does.
struct Sealer: Sendable {
    let member: Member
    let clock: any WallClock

    func seal(case caseID: CaseID, type: RecordType = .session, record: RecordID = .random(), fields: [String: JSONValue] = [:],
              key: CaseKey? = nil, hlcOffsetMillis: Int64 = 0, logical: UInt32 = 0) throws -> SealedRevision {
        let physical = UInt64(max(0, Int64(clock.nowMillis) + hlcOffsetMillis))
        let header = RevisionHeader(recordID: record, recordType: type, caseID: caseID, authorDevice: member.device,
                                    hlc: HLCTimestamp(physical: physical, logical: logical), keyEpoch: 0)
        return try RevisionSealer.seal(header: header, body: RevisionBody(fields: fields, author: member.person, policyVersion: "1"),
                                       key: key ?? CaseKey.generate(caseID: caseID, epoch: 0), author: member.identity)
    }
}

/// An organisation with an administrator, ready to test against, on the given store.
struct Fixture: Sendable {
    let url: String
    let clock: TestClock
    let adminCode: String
    let adminPerson: PersonID

    static func make(_ kind: StoreKind) async throws -> Fixture? {
        guard let url = try await TestDatabase.make(kind) else { return nil }
        let clock = TestClock(Date())  // the real time: clients in these tests sign with the system clock
        let (admin, code) = try await withServerStore(url: url, logger: TestDatabase.logger) { store in
            try await initialiseOrganisation(store: store, name: "Test Org", clock: clock)
        }
        // The wire carries the code's server-auth value, never the printed code (ADR 0015).
        return Fixture(url: url, clock: clock, adminCode: try #require(EnrolmentSecret.serverAuth(ofCode: code)), adminPerson: admin)
    }

    /// Runs `body` against an in-process app with an enrolled administrator.
    func run(extra: [AbsoluteConfigKey: ConfigValue] = [:], _ body: @Sendable @escaping (API, Member) async throws -> Void) async throws {
        let app = try await buildApplication(reader: testReader(url: url, extra: extra), clock: clock, logger: TestDatabase.logger)
        try await app.test(.router) { client in
            let api = API(client: client)
            let admin = try await api.enrol(code: adminCode, identity: .generate(person: adminPerson), role: .admin,
                                            recoveryKey: Curve25519.KeyAgreement.PrivateKey().publicKey.rawRepresentation)
            try await body(api, admin)
        }
    }
}

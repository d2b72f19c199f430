import AsyncHTTPClient
public import CasebookCrypto
public import CasebookModels
public import CasebookStorage
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Synchronization

/// The v1 HTTP API over AsyncHTTPClient. Every request has a deadline; the bearer token comes
/// from a challenge signed with the device key and is kept in memory only (never on disk).
/// A 401 triggers one re-authentication and one retry of that request.
public final class HTTPSyncTransport: SyncTransport {
    public let baseURL: String
    let identity: DeviceIdentity?
    let client: HTTPClient
    private let token = Mutex<String?>(nil)
    /// Set once the server's `/health` showed it speaks this build's sync protocol.
    private let protocolChecked = Mutex(false)
    /// A page is at most `RevisionLimits.maximumPageBytes` of revisions (base64 in JSON: 4/3 of
    /// that, plus field names); anything much larger is refused, never retried.
    private static let maxBody = 4 * RevisionLimits.maximumPageBytes

    // MARK: Office limits (ADR 0018): busy servers, offline laptops, tokens reused across runs

    /// Where a 429 wait is announced ("the sync server is busy; waiting 4 s…"); the CLI prints it.
    let notice: (@Sendable (String) -> Void)?

    /// A connection that is refused or finds no route fails at once (AsyncHTTPClient would retry
    /// it until the deadline) and a connect takes at most 3 s: offline is reported within seconds.
    public static let defaultClient: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.timeout.connect = .seconds(3)
        configuration.connectionPool.retryConnectionEstablishment = false
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    /// The bearer token in use (a reused one, or the last issued), with its expiry, for the CLI to
    /// keep in the unlock agent until it expires.
    public var currentToken: (token: String, expiresAt: Date)? {
        token.withLock { token in token.map { ($0, tokenExpiry.withLock { $0 } ?? .distantPast) } }
    }
    private let tokenExpiry = Mutex<Date?>(nil)

    // MARK: TLS and plain HTTP (ADR 0015) — begin
    /// The TLS configuration of every request (the trusted CA instead of the system roots when
    /// given), nil for plain HTTP to loopback.
    let tls: TLSConfiguration?
    let pin: Data?
    private let host: String
    private let port: Int
    /// Set once the TLS check (`TLSCheck`) passed for this transport.
    private let tlsChecked = Mutex(false)

    /// `identity` is nil only for enrolment (the one unauthenticated call besides health).
    /// `security` carries the CA certificate(s) to trust and the pinned server certificate hash.
    /// Plain `http://` is refused unless the host is this machine (127.0.0.0/8, ::1, localhost):
    /// nothing is sent, so a network attacker sees nothing and can answer nothing.
    /// `reusing` is a token from an earlier run (the unlock agent's; ADR 0018); a 401 replaces it.
    /// `notice` is told about waits for a busy server.
    public init(baseURL: String, identity: DeviceIdentity?, security: TransportSecurity = TransportSecurity(),
                client: HTTPClient = HTTPSyncTransport.defaultClient, reusing: (token: String, expiresAt: Date)? = nil,
                notice: (@Sendable (String) -> Void)? = nil) throws(CasebookError) {
        var base = baseURL.trimmingCharacters(in: .whitespaces)
        while base.hasSuffix("/") { base.removeLast() }
        guard let url = URL(string: base), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
              let host = url.host, !host.isEmpty else {
            throw CasebookError(.invalidInput, "the server address '\(baseURL.prefix(80))' is not an http:// or https:// URL")
        }
        if scheme == "http", !Self.isLoopback(host) {
            throw CasebookError(.invalidInput,
                "refusing plain http:// to \(host.prefix(80)): anyone on the network could read and change the traffic; use the server's https:// address (plain http is only for a server on this machine)")
        }
        self.baseURL = base
        self.identity = identity
        self.client = client
        self.host = host
        self.port = url.port ?? (scheme == "https" ? 443 : 80)
        self.pin = scheme == "https" ? security.serverCertificatePin : nil
        if scheme == "https" {
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.minimumTLSVersion = .tlsv12
            if let pem = security.caCertificatesPEM {
                guard let roots = try? NIOSSLCertificate.fromPEMBytes(Array(pem.utf8)), !roots.isEmpty else {
                    throw CasebookError(.invalidInput, "the CA certificate file holds no PEM certificate", hint: .giveCACertificate)
                }
                tls.trustRoots = .certificates(roots)
            }
            self.tls = tls
        } else {
            self.tls = nil
        }
        self.notice = notice
        if let reusing, reusing.expiresAt > Date() {
            token.withLock { $0 = reusing.token }
            tokenExpiry.withLock { $0 = reusing.expiresAt }
        }
    }

    /// 127.0.0.0/8, ::1 and localhost: the only hosts plain HTTP may reach.
    static func isLoopback(_ host: String) -> Bool {
        let name = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        if name == "localhost" || name == "::1" || name == "0:0:0:0:0:0:0:1" { return true }
        let octets = name.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
    }

    /// SHA-256 of the first certificate in a PEM text (what `--pin` and invitation codes carry).
    public static func certificateFingerprint(pem: String) -> Data? { TLSCheck.fingerprint(pem: pem) }

    private func checkTLS(deadline: NIODeadline) async throws {
        guard let tls, !tlsChecked.withLock({ $0 }) else { return }
        let left = max(1, (deadline - .now()).nanoseconds / 1_000_000_000)
        try await TLSCheck.check(host: host, port: port, configuration: tls, pin: pin, baseURL: baseURL, timeout: .seconds(left))
        tlsChecked.withLock { $0 = true }
    }
    // MARK: TLS and plain HTTP (ADR 0015) — end

    // MARK: - Endpoints

    public func enrol(_ request: EnrolRequest, timeout: Duration) async throws -> EnrolResponse {
        try await send(.POST, SyncAPI.Path.enrol, body: request, authenticated: false, timeout: timeout)
    }

    public func authenticate(timeout: Duration) async throws {
        guard let identity else { throw SyncFailure(.unauthenticated, "this vault is not enrolled", hint: .enrol) }
        let challenge: ChallengeResponse = try await send(.POST, SyncAPI.Path.challenge, body: ChallengeRequest(deviceID: identity.deviceID),
                                                          authenticated: false, timeout: timeout)
        let signature = try identity.sign(ChallengeResponse.signedBytes(challenge: challenge.challenge, deviceID: identity.deviceID))
        let response: TokenResponse = try await send(.POST, SyncAPI.Path.token,
                                                     body: TokenRequest(deviceID: identity.deviceID, challenge: challenge.challenge, signature: signature),
                                                     authenticated: false, timeout: timeout)
        token.withLock { $0 = response.token }
        tokenExpiry.withLock { $0 = response.expiresAt }
    }

    public func organisation(timeout: Duration) async throws -> OrganisationInfo {
        try await send(.GET, SyncAPI.Path.organisation, body: Empty?.none, timeout: timeout)
    }

    public func invite(_ request: InviteRequest, timeout: Duration) async throws {
        try await sendNoContent(.POST, SyncAPI.Path.people, body: request, timeout: timeout)
    }

    public func certify(_ device: DeviceID, _ request: CertificationRequest, timeout: Duration) async throws {
        try await sendNoContent(.POST, SyncAPI.Path.certification(device), body: request, timeout: timeout)
    }

    public func push(_ request: PushRequest, timeout: Duration) async throws -> PushResponse {
        try await send(.POST, SyncAPI.Path.revisions, body: request, timeout: timeout)
    }

    public func pull(after cursor: String?, limit: Int, timeout: Duration) async throws -> PullResponse {
        try await send(.GET, SyncAPI.Path.revisions + Self.query(after: cursor, limit: limit), body: Empty?.none, timeout: timeout)
    }

    public func caseRevisions(_ caseID: CaseID, after cursor: String?, limit: Int, timeout: Duration) async throws -> PullResponse {
        try await send(.GET, SyncAPI.Path.caseRevisions(caseID) + Self.query(after: cursor, limit: limit), body: Empty?.none, timeout: timeout)
    }

    public func keys(timeout: Duration) async throws -> KeyList {
        try await send(.GET, SyncAPI.Path.keys, body: Empty?.none, timeout: timeout)
    }

    public func uploadKeys(_ caseID: CaseID, _ upload: KeyUpload, timeout: Duration) async throws {
        try await sendNoContent(.PUT, SyncAPI.Path.caseKeys(caseID), body: upload, timeout: timeout)
    }

    public func grant(_ caseID: CaseID, _ request: GrantRequest, timeout: Duration) async throws {
        try await sendNoContent(.POST, SyncAPI.Path.grants(caseID), body: request, timeout: timeout)
    }

    public func revoke(_ caseID: CaseID, person: PersonID, timeout: Duration) async throws {
        try await sendNoContent(.DELETE, SyncAPI.Path.grant(caseID, person), body: Empty?.none, timeout: timeout)
    }

    public func eraseCase(_ caseID: CaseID, timeout: Duration) async throws {
        _ = try await raw(.DELETE, SyncAPI.Path.caseErase(caseID), body: Empty?.none, authenticated: true, timeout: timeout,
                          alsoAccept: [404])
    }

    /// Whether the server answers `GET /health` with a 2xx within `timeout` (no credentials sent).
    /// Used to tell a practitioner raising a safeguarding concern whether it can reach the DSL.
    public func isReachable(timeout: Duration) async -> Bool {
        let deadline = NIODeadline.now() + .nanoseconds(Int64(timeout.seconds * 1e9))
        let probe: @Sendable () async throws -> Bool = {
            let (status, _, _) = try await self.execute(.GET, SyncAPI.Path.health, body: Empty?.none, authenticated: false, deadline: deadline)
            return (200..<300).contains(status)
        }
        return (try? await withDeadline(timeout, what: "the health check", probe)) ?? false
    }

    public func putTraining(_ person: PersonID, _ update: TrainingUpdate, timeout: Duration) async throws {
        try await sendNoContent(.PUT, SyncAPI.Path.training(person), body: update, timeout: timeout)
    }

    public func removeDevice(_ device: DeviceID, _ request: DeviceRemovalRequest, timeout: Duration) async throws {
        try await sendNoContent(.DELETE, SyncAPI.Path.device(device), body: request, timeout: timeout)
    }

    public func deactivate(_ person: PersonID, timeout: Duration) async throws {
        try await sendNoContent(.DELETE, SyncAPI.Path.person(person), body: Empty?.none, timeout: timeout)
    }

    public func recoveryKeys(for person: PersonID, caseID: CaseID?, timeout: Duration) async throws -> KeyList {
        try await send(.GET, SyncAPI.Path.recoveryKeysQuery(person: person, caseID: caseID), body: Empty?.none, timeout: timeout)
    }

    // MARK: - Plumbing

    struct Empty: Codable {}

    static func query(after cursor: String?, limit: Int) -> String {
        var items = ["limit=\(limit)"]
        if let cursor, let escaped = cursor.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-_"))) {
            items.insert("after=\(escaped)", at: 0)
        }
        return "?" + items.joined(separator: "&")
    }

    private func sendNoContent<B: Encodable>(_ method: HTTPMethod, _ path: String, body: B?, timeout: Duration) async throws {
        _ = try await raw(method, path, body: body, authenticated: true, timeout: timeout)
    }

    private func send<B: Encodable, R: Decodable>(_ method: HTTPMethod, _ path: String, body: B?, authenticated: Bool = true,
                                                   timeout: Duration) async throws -> R {
        let data = try await raw(method, path, body: body, authenticated: authenticated, timeout: timeout)
        do { return try SyncAPI.makeDecoder().decode(R.self, from: data) } catch {
            throw SyncFailure(.rejected, "the sync server sent a response this client does not understand (\(R.self))")
        }
    }

    private func raw<B: Encodable>(_ method: HTTPMethod, _ path: String, body: B?, authenticated: Bool, timeout: Duration,
                                   alsoAccept: Set<Int> = []) async throws -> Data {
        let deadline = NIODeadline.now() + .nanoseconds(Int64(timeout.seconds * 1e9))
        try await checkProtocol(deadline: deadline)
        if authenticated, token.withLock({ $0 }) == nil { try await authenticate(timeout: timeout) }
        let (status, data, _) = try await executeWaitingIfBusy(method, path, body: body, authenticated: authenticated, deadline: deadline)
        if status == 401, authenticated {
            try await authenticate(timeout: timeout)
            let (again, retried, _) = try await executeWaitingIfBusy(method, path, body: body, authenticated: true,
                                                                     deadline: NIODeadline.now() + .nanoseconds(Int64(timeout.seconds * 1e9)))
            return try Self.check(again, retried, method: method, path: path, alsoAccept: alsoAccept)
        }
        return try Self.check(status, data, method: method, path: path, alsoAccept: alsoAccept)
    }

    /// A 429 is waited out (its `Retry-After`, announced through `notice`) and the request sent
    /// again, as long as the wait ends before the request's deadline; otherwise the failure says
    /// when to try again. Never loops: each wait needs a deadline further away.
    private func executeWaitingIfBusy<B: Encodable>(_ method: HTTPMethod, _ path: String, body: B?, authenticated: Bool,
                                                    deadline: NIODeadline) async throws -> (Int, Data, String?) {
        while true {
            let (status, data, served, retryAfter) = try await executeWithRetryAfter(method, path, body: body, authenticated: authenticated,
                                                                                     deadline: deadline)
            guard status == 429 else { return (status, data, served) }
            let wait = max(1, min(retryAfter ?? 5, 3600))
            let remaining = Double((deadline - NIODeadline.now()).nanoseconds) / 1e9
            guard Double(wait) + 1 < remaining else {
                throw SyncFailure(.busy, "the sync server at \(baseURL) is refusing sign-ins from this network for now (too many at once); "
                                  + "nothing was lost: try again in \(Self.spoken(seconds: wait))")
            }
            notice?("the sync server is busy; waiting \(wait) s and trying again")
            try await Task.sleep(for: .seconds(wait))
        }
    }

    static func spoken(seconds: Int) -> String {
        seconds == 1 ? "1 second" : seconds < 120 ? "\(seconds) seconds" : "\((seconds + 59) / 60) minutes"
    }

    /// Connection refused, no route, unknown host, or no connection within the connect timeout.
    static func isOffline(_ error: any Error) -> Bool {
        if let error = error as? HTTPClientError { return error == .connectTimeout }
        if error is NIOConnectionError { return true }
        if let error = error as? IOError {
            return [ECONNREFUSED, EHOSTUNREACH, ENETUNREACH, ETIMEDOUT, ENETDOWN, EHOSTDOWN].contains(error.errnoCode)
        }
        return false
    }

    /// Once per transport, before the first API call: the server's `/health` must carry this
    /// build's `Casebook-Protocol`. An older server (no header, or a lower number) or a newer one
    /// is refused here, so nothing is sent that it would misread (e.g. batch seals, ADR 0011).
    private func checkProtocol(deadline: NIODeadline) async throws {
        guard !protocolChecked.withLock({ $0 }) else { return }
        try await checkTLS(deadline: deadline)
        let (status, _, served) = try await executeWaitingIfBusy(.GET, SyncAPI.Path.health, body: Empty?.none, authenticated: false,
                                                                 deadline: deadline)
        if (500...599).contains(status) { throw SyncFailure(.server, "the sync server at \(baseURL) is not healthy (HTTP \(status))") }
        let ours = SyncAPI.protocolVersion
        guard let served, let version = Int(served) else {
            throw SyncFailure(.incompatible, "the sync server at \(baseURL) runs an older casebook-server that does not speak sync protocol \(ours); "
                              + "ask your administrator to upgrade it (nothing was sent)")
        }
        guard version == ours else {
            throw SyncFailure(.incompatible, version < ours
                ? "the sync server at \(baseURL) speaks sync protocol \(version), older than this casebook's \(ours); ask your administrator to upgrade casebook-server (nothing was sent)"
                : "the sync server at \(baseURL) speaks sync protocol \(version), newer than this casebook's \(ours); upgrade casebook on this device (nothing was sent)")
        }
        protocolChecked.withLock { $0 = true }
    }

    private static func check(_ status: Int, _ data: Data, method: HTTPMethod, path: String, alsoAccept: Set<Int> = []) throws -> Data {
        if (200..<300).contains(status) || alsoAccept.contains(status) { return data }
        // The server's one-line message only: its error code is for programs, not people. Both are
        // untrusted text bound for the user's terminal: cleaned and capped here, at the receiving
        // edge (ADR 0029); a code that is not code-shaped is dropped.
        let body = try? SyncAPI.makeDecoder().decode(APIErrorBody.self, from: data)
        let detail = body.map { UntrustedText.line($0.message) } ?? "it answered with HTTP status \(status)"
        let code = body.flatMap { UntrustedText.code($0.error) }
        let what = "\(method.rawValue) \(path.split(separator: "?").first ?? "")"
        switch status {
        // A removed device is told so plainly, in one line (issue 13): nothing to retry.
        case 403 where code == CasebookError.Code.deviceRemoved.rawValue: throw SyncFailure(.forbidden, detail, code: code)
        case 401: throw SyncFailure(.unauthenticated, "the server refused this device's credentials for \(what): \(detail)", code: code)
        case 403: throw SyncFailure(.forbidden, "not permitted: \(detail)", code: code)
        case 408, 429, 500...599: throw SyncFailure(.server, "the sync server failed \(what): \(detail)", code: code)
        default: throw SyncFailure(.rejected, "the sync server refused \(what): \(detail)", code: code)
        }
    }

    private func execute<B: Encodable>(_ method: HTTPMethod, _ path: String, body: B?, authenticated: Bool,
                                       deadline: NIODeadline) async throws -> (Int, Data, String?) {
        let (status, data, served, _) = try await executeWithRetryAfter(method, path, body: body, authenticated: authenticated, deadline: deadline)
        return (status, data, served)
    }

    private func executeWithRetryAfter<B: Encodable>(_ method: HTTPMethod, _ path: String, body: B?, authenticated: Bool,
                                                     deadline: NIODeadline) async throws -> (Int, Data, String?, Int?) {
        var request = HTTPClientRequest(url: baseURL + path)
        request.tlsConfiguration = tls
        request.method = method
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "User-Agent", value: "casebook-sync/1")
        request.headers.add(name: SyncAPI.protocolHeader, value: String(SyncAPI.protocolVersion))
        if authenticated, let token = token.withLock({ $0 }) { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let body {
            let data: Data
            do { data = try SyncAPI.makeEncoder().encode(body) } catch { throw SyncFailure(.rejected, "could not encode the request") }
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: data))
        }
        do {
            let response = try await client.execute(request, deadline: deadline)
            var buffer = try await response.body.collect(upTo: Self.maxBody)
            let bytes = buffer.readBytes(length: buffer.readableBytes) ?? []
            return (Int(response.status.code), Data(bytes), response.headers.first(name: SyncAPI.protocolHeader),
                    response.headers.first(name: "Retry-After").flatMap { Int($0.trimmingCharacters(in: .whitespaces)) })
        } catch let failure as SyncFailure {
            throw failure
        } catch is NIOTooManyBytesError {
            throw SyncFailure(.rejected, "the sync server at \(baseURL) sent an answer larger than \(Self.maxBody >> 20) MiB, "
                              + "more than any page may hold; ask your administrator to upgrade casebook-server")
        } catch where Self.isOffline(error) {
            throw SyncFailure(.offline, "offline: the sync server at \(baseURL) cannot be reached")
        } catch let error as HTTPClientError {
            if error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout || error == .writeTimeout {
                throw SyncFailure(.timeout, "the sync server at \(baseURL) did not answer in time")
            }
            throw SyncFailure(.unreachable, "the sync server at \(baseURL) could not be reached: \(error)")
        } catch is CancellationError {
            throw SyncFailure(.timeout, "the request to \(baseURL) was cancelled at its deadline")
        } catch {
            throw SyncFailure(.unreachable, "the sync server at \(baseURL) could not be reached: \(String(describing: error).prefix(120))")
        }
    }
}

public import CasebookCrypto
public import CasebookModels
public import CasebookSync
import Synchronization

/// The real `HTTPSyncTransport` to a `SyncTestServer`, counting each request by kind (the
/// server's `requestCounts`) so tests can tell what was, or was not, sent.
public struct CountingTransport: SyncTransport {
    public let server: SyncTestServer
    public let identity: DeviceIdentity?
    let http: HTTPSyncTransport

    init(server: SyncTestServer, identity: DeviceIdentity?) {
        self.server = server
        self.identity = identity
        // The base URL is the server's own `http://127.0.0.1:PORT`, which always parses.
        do { http = try HTTPSyncTransport(baseURL: server.baseURL, identity: identity) } catch {
            preconditionFailure("the test server's URL \(server.baseURL) does not parse: \(error)")
        }
    }

    public var device: DeviceID? { identity?.deviceID }

    public func enrol(_ request: EnrolRequest, timeout: Duration) async throws -> EnrolResponse {
        server.count("enrol")
        return try await http.enrol(request, timeout: timeout)
    }

    public func authenticate(timeout: Duration) async throws {
        server.count("authenticate")
        try await http.authenticate(timeout: timeout)
    }

    public func organisation(timeout: Duration) async throws -> OrganisationInfo {
        server.count("organisation")
        return try await http.organisation(timeout: timeout)
    }

    public func invite(_ request: InviteRequest, timeout: Duration) async throws {
        server.count("invite")
        try await http.invite(request, timeout: timeout)
    }

    public func certify(_ device: DeviceID, _ request: CertificationRequest, timeout: Duration) async throws {
        server.count("certify")
        try await http.certify(device, request, timeout: timeout)
    }

    public func push(_ request: PushRequest, timeout: Duration) async throws -> PushResponse {
        server.count("push")
        return try await http.push(request, timeout: timeout)
    }

    public func pull(after cursor: String?, limit: Int, timeout: Duration) async throws -> PullResponse {
        server.count("pull")
        return try await http.pull(after: cursor, limit: limit, timeout: timeout)
    }

    public func caseRevisions(_ caseID: CaseID, after cursor: String?, limit: Int, timeout: Duration) async throws -> PullResponse {
        server.count("case-revisions")
        return try await http.caseRevisions(caseID, after: cursor, limit: limit, timeout: timeout)
    }

    public func keys(timeout: Duration) async throws -> KeyList {
        server.count("keys")
        return try await http.keys(timeout: timeout)
    }

    public func uploadKeys(_ caseID: CaseID, _ upload: KeyUpload, timeout: Duration) async throws {
        server.count("upload-keys")
        try await http.uploadKeys(caseID, upload, timeout: timeout)
    }

    public func grant(_ caseID: CaseID, _ request: GrantRequest, timeout: Duration) async throws {
        server.count("grant")
        try await http.grant(caseID, request, timeout: timeout)
    }

    public func revoke(_ caseID: CaseID, person: PersonID, timeout: Duration) async throws {
        server.count("revoke")
        try await http.revoke(caseID, person: person, timeout: timeout)
    }

    public func eraseCase(_ caseID: CaseID, timeout: Duration) async throws {
        server.count("erase")
        try await http.eraseCase(caseID, timeout: timeout)
    }

    public func isReachable(timeout: Duration) async -> Bool {
        guard server.reachable.withLock({ $0 }) else { return false }
        return await http.isReachable(timeout: timeout)
    }

    public func putTraining(_ person: PersonID, _ update: TrainingUpdate, timeout: Duration) async throws {
        server.count("training")
        try await http.putTraining(person, update, timeout: timeout)
    }

    public func removeDevice(_ device: DeviceID, _ request: DeviceRemovalRequest, timeout: Duration) async throws {
        server.count("remove-device")
        try await http.removeDevice(device, request, timeout: timeout)
    }

    public func deactivate(_ person: PersonID, timeout: Duration) async throws {
        server.count("deactivate")
        try await http.deactivate(person, timeout: timeout)
    }

    public func recoveryKeys(for person: PersonID, caseID: CaseID?, timeout: Duration) async throws -> KeyList {
        server.count("recovery-keys")
        return try await http.recoveryKeys(for: person, caseID: caseID, timeout: timeout)
    }
}

import CasebookCrypto
public import CasebookModels
import Foundation

/// How a replica talks to the sync server. `HTTPSyncTransport` speaks the v1 HTTP API;
/// tests run it against the real server on loopback (`CasebookServerTestSupport.SyncTestServer`).
///
/// Implementations throw `SyncFailure`. Each call is bounded by `timeout` (the HTTP transport
/// passes it to the connection as a deadline; `SyncClient` also races every call against it).
public protocol SyncTransport: Sendable {
    func enrol(_ request: EnrolRequest, timeout: Duration) async throws -> EnrolResponse
    func authenticate(timeout: Duration) async throws
    func organisation(timeout: Duration) async throws -> OrganisationInfo
    func invite(_ request: InviteRequest, timeout: Duration) async throws
    func certify(_ device: DeviceID, _ request: CertificationRequest, timeout: Duration) async throws
    func push(_ request: PushRequest, timeout: Duration) async throws -> PushResponse
    func pull(after cursor: String?, limit: Int, timeout: Duration) async throws -> PullResponse
    func caseRevisions(_ caseID: CaseID, after cursor: String?, limit: Int, timeout: Duration) async throws -> PullResponse
    func keys(timeout: Duration) async throws -> KeyList
    func uploadKeys(_ caseID: CaseID, _ upload: KeyUpload, timeout: Duration) async throws
    func grant(_ caseID: CaseID, _ request: GrantRequest, timeout: Duration) async throws
    func revoke(_ caseID: CaseID, person: PersonID, timeout: Duration) async throws
    /// `DELETE /v1/cases/{case_id}`: erases the case on the server (DSL or administrator). A case the
    /// server no longer holds (404, or already erased) counts as erased.
    func eraseCase(_ caseID: CaseID, timeout: Duration) async throws
    /// `GET /health` without credentials: whether the server answers at all within `timeout`.
    func isReachable(timeout: Duration) async -> Bool
    /// Administrators: tells the server a person's training summary (the training gate, P10).
    func putTraining(_ person: PersonID, _ update: TrainingUpdate, timeout: Duration) async throws
    /// Membership (docs/adr/0010-membership.md): remove a device, deactivate a person, and the
    /// recovery key's copies of the keys of the cases a person may read.
    func removeDevice(_ device: DeviceID, _ request: DeviceRemovalRequest, timeout: Duration) async throws
    func deactivate(_ person: PersonID, timeout: Duration) async throws
    func recoveryKeys(for person: PersonID, caseID: CaseID?, timeout: Duration) async throws -> KeyList
}

/// Runs an async operation with a deadline: whichever finishes first wins, and a hung call is
/// cancelled with a `.timeout` failure. A half-open connection never leaves sync stuck.
public func withDeadline<T: Sendable>(_ timeout: Duration, what: String,
                                      _ operation: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await operation() }
        group.addTask {
            try await Task.sleep(for: timeout)
            throw SyncFailure(.timeout, "the sync server did not answer \(what) within \(Int(timeout.seconds.rounded(.up))) s")
        }
        defer { group.cancelAll() }
        guard let first = try await group.next() else { throw SyncFailure(.timeout, "no answer to \(what)") }
        return first
    }
}

import CasebookCrypto
import CasebookModels
import CasebookSync
import Foundation
import Synchronization

/// A hostile server's two small powers, for one victim's connection (ADR 0014 tests; meant to move
/// into the hostile store decorator): it leaves chosen revisions out of every pull and backfill it
/// serves, and leaves chosen devices out of the organisation it describes. Powers can be switched
/// off mid-test (the server "serves it after all"). Everything else passes through unchanged.
final class WithholdingTransport: SyncTransport, Sendable {
    let inner: any SyncTransport
    private let powers: Mutex<(revisions: Set<String>, devices: Set<DeviceID>)>

    init(_ inner: any SyncTransport, withholding revisions: Set<RevisionID> = [], hiding devices: Set<DeviceID> = []) {
        self.inner = inner
        self.powers = Mutex((Set(revisions.map(\.rawValue)), devices))
    }

    func serveEverything() { powers.withLock { $0 = ([], []) } }

    private func filtered(_ response: PullResponse) -> PullResponse {
        let withheld = powers.withLock { $0.revisions }
        var response = response
        response.revisions.removeAll { withheld.contains($0.id) }
        return response
    }

    func organisation(timeout: Duration) async throws -> OrganisationInfo {
        var info = try await inner.organisation(timeout: timeout)
        let hidden = powers.withLock { $0.devices }
        info.devices.removeAll { hidden.contains($0.deviceID) }
        return info
    }
    func pull(after cursor: String?, limit: Int, timeout: Duration) async throws -> PullResponse {
        filtered(try await inner.pull(after: cursor, limit: limit, timeout: timeout))
    }
    func caseRevisions(_ caseID: CaseID, after cursor: String?, limit: Int, timeout: Duration) async throws -> PullResponse {
        filtered(try await inner.caseRevisions(caseID, after: cursor, limit: limit, timeout: timeout))
    }

    func enrol(_ request: EnrolRequest, timeout: Duration) async throws -> EnrolResponse { try await inner.enrol(request, timeout: timeout) }
    func authenticate(timeout: Duration) async throws { try await inner.authenticate(timeout: timeout) }
    func invite(_ request: InviteRequest, timeout: Duration) async throws { try await inner.invite(request, timeout: timeout) }
    func certify(_ device: DeviceID, _ request: CertificationRequest, timeout: Duration) async throws {
        try await inner.certify(device, request, timeout: timeout)
    }
    func push(_ request: PushRequest, timeout: Duration) async throws -> PushResponse { try await inner.push(request, timeout: timeout) }
    func keys(timeout: Duration) async throws -> KeyList { try await inner.keys(timeout: timeout) }
    func uploadKeys(_ caseID: CaseID, _ upload: KeyUpload, timeout: Duration) async throws { try await inner.uploadKeys(caseID, upload, timeout: timeout) }
    func grant(_ caseID: CaseID, _ request: GrantRequest, timeout: Duration) async throws { try await inner.grant(caseID, request, timeout: timeout) }
    func revoke(_ caseID: CaseID, person: PersonID, timeout: Duration) async throws { try await inner.revoke(caseID, person: person, timeout: timeout) }
    func eraseCase(_ caseID: CaseID, timeout: Duration) async throws { try await inner.eraseCase(caseID, timeout: timeout) }
    func isReachable(timeout: Duration) async -> Bool { await inner.isReachable(timeout: timeout) }
    func putTraining(_ person: PersonID, _ update: TrainingUpdate, timeout: Duration) async throws {
        try await inner.putTraining(person, update, timeout: timeout)
    }
    func removeDevice(_ device: DeviceID, _ request: DeviceRemovalRequest, timeout: Duration) async throws {
        try await inner.removeDevice(device, request, timeout: timeout)
    }
    func deactivate(_ person: PersonID, timeout: Duration) async throws { try await inner.deactivate(person, timeout: timeout) }
    func recoveryKeys(for person: PersonID, caseID: CaseID?, timeout: Duration) async throws -> KeyList {
        try await inner.recoveryKeys(for: person, caseID: caseID, timeout: timeout)
    }
}

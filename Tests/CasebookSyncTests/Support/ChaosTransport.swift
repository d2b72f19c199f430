import CasebookCrypto
import CasebookModels
import CasebookSync
import CasebookTestSupport
import Foundation
import Synchronization

/// Wraps a transport and misbehaves like a bad network: drops requests before the server sees
/// them, drops responses after it acted, duplicates requests, and replays stale pushes later
/// (reordering). Deterministic for a seed.
final class ChaosTransport: SyncTransport, Sendable {
    let inner: any SyncTransport
    private let state: Mutex<(rng: SeededGenerator, stalePushes: [PushRequest])>
    let dropBefore: Double
    let dropAfter: Double
    let duplicate: Double
    let replay: Double

    init(_ inner: any SyncTransport, seed: UInt64, dropBefore: Double = 0.15, dropAfter: Double = 0.15, duplicate: Double = 0.15,
         replay: Double = 0.2) {
        self.inner = inner
        self.state = Mutex((SeededGenerator(seed: seed), []))
        self.dropBefore = dropBefore
        self.dropAfter = dropAfter
        self.duplicate = duplicate
        self.replay = replay
    }

    private func roll(_ p: Double) -> Bool { state.withLock { Double.random(in: 0..<1, using: &$0.rng) < p } }

    private func chaos<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        if roll(dropBefore) { throw SyncFailure(.unreachable, "chaos: request dropped") }
        var result = try await body()
        if roll(duplicate) { result = try await body() }
        if roll(dropAfter) { throw SyncFailure(.timeout, "chaos: response dropped") }
        return result
    }

    func enrol(_ request: EnrolRequest, timeout: Duration) async throws -> EnrolResponse { try await inner.enrol(request, timeout: timeout) }
    func authenticate(timeout: Duration) async throws { try await inner.authenticate(timeout: timeout) }
    func organisation(timeout: Duration) async throws -> OrganisationInfo { try await chaos { try await inner.organisation(timeout: timeout) } }
    func invite(_ request: InviteRequest, timeout: Duration) async throws { try await inner.invite(request, timeout: timeout) }
    func certify(_ device: DeviceID, _ request: CertificationRequest, timeout: Duration) async throws {
        try await chaos { try await inner.certify(device, request, timeout: timeout) }
    }

    func push(_ request: PushRequest, timeout: Duration) async throws -> PushResponse {
        let stale: PushRequest? = state.withLock { s in
            s.stalePushes.append(request)
            guard !s.stalePushes.isEmpty, Double.random(in: 0..<1, using: &s.rng) < replay else { return nil }
            return s.stalePushes.randomElement(using: &s.rng)
        }
        if let stale { _ = try? await inner.push(stale, timeout: timeout) }
        return try await chaos { try await inner.push(request, timeout: timeout) }
    }

    func pull(after cursor: String?, limit: Int, timeout: Duration) async throws -> PullResponse {
        try await chaos { try await inner.pull(after: cursor, limit: limit, timeout: timeout) }
    }

    func caseRevisions(_ caseID: CaseID, after cursor: String?, limit: Int, timeout: Duration) async throws -> PullResponse {
        try await chaos { try await inner.caseRevisions(caseID, after: cursor, limit: limit, timeout: timeout) }
    }

    func keys(timeout: Duration) async throws -> KeyList { try await chaos { try await inner.keys(timeout: timeout) } }

    func uploadKeys(_ caseID: CaseID, _ upload: KeyUpload, timeout: Duration) async throws {
        try await chaos { try await inner.uploadKeys(caseID, upload, timeout: timeout) }
    }

    func grant(_ caseID: CaseID, _ request: GrantRequest, timeout: Duration) async throws { try await inner.grant(caseID, request, timeout: timeout) }
    func revoke(_ caseID: CaseID, person: PersonID, timeout: Duration) async throws { try await inner.revoke(caseID, person: person, timeout: timeout) }
    func eraseCase(_ caseID: CaseID, timeout: Duration) async throws { try await chaos { try await inner.eraseCase(caseID, timeout: timeout) } }
    func isReachable(timeout: Duration) async -> Bool { await inner.isReachable(timeout: timeout) }
    func putTraining(_ person: PersonID, _ update: TrainingUpdate, timeout: Duration) async throws {
        try await chaos { try await inner.putTraining(person, update, timeout: timeout) }
    }
    func removeDevice(_ device: DeviceID, _ request: DeviceRemovalRequest, timeout: Duration) async throws {
        try await inner.removeDevice(device, request, timeout: timeout)
    }
    func deactivate(_ person: PersonID, timeout: Duration) async throws { try await inner.deactivate(person, timeout: timeout) }
    func recoveryKeys(for person: PersonID, caseID: CaseID?, timeout: Duration) async throws -> KeyList {
        try await inner.recoveryKeys(for: person, caseID: caseID, timeout: timeout)
    }
}

/// A transport whose calls never return (a half-open connection).
struct HangingTransport: SyncTransport {
    let inner: any SyncTransport
    func hang<T>() async throws -> T {
        try await Task.sleep(for: .seconds(3600))
        throw CancellationError()
    }
    func enrol(_ request: EnrolRequest, timeout: Duration) async throws -> EnrolResponse { try await hang() }
    func authenticate(timeout: Duration) async throws {}
    func organisation(timeout: Duration) async throws -> OrganisationInfo { try await hang() }
    func invite(_ request: InviteRequest, timeout: Duration) async throws { try await hang() as Void }
    func certify(_ device: DeviceID, _ request: CertificationRequest, timeout: Duration) async throws { try await hang() as Void }
    func push(_ request: PushRequest, timeout: Duration) async throws -> PushResponse { try await hang() }
    func pull(after cursor: String?, limit: Int, timeout: Duration) async throws -> PullResponse { try await hang() }
    func caseRevisions(_ caseID: CaseID, after cursor: String?, limit: Int, timeout: Duration) async throws -> PullResponse { try await hang() }
    func keys(timeout: Duration) async throws -> KeyList { try await hang() }
    func uploadKeys(_ caseID: CaseID, _ upload: KeyUpload, timeout: Duration) async throws { try await hang() as Void }
    func grant(_ caseID: CaseID, _ request: GrantRequest, timeout: Duration) async throws { try await hang() as Void }
    func revoke(_ caseID: CaseID, person: PersonID, timeout: Duration) async throws { try await hang() as Void }
    func eraseCase(_ caseID: CaseID, timeout: Duration) async throws { try await hang() as Void }
    func isReachable(timeout: Duration) async -> Bool { (try? await withDeadline(timeout, what: "a probe") { try await hang() as Bool }) ?? false }
    func putTraining(_ person: PersonID, _ update: TrainingUpdate, timeout: Duration) async throws { try await hang() as Void }
    func removeDevice(_ device: DeviceID, _ request: DeviceRemovalRequest, timeout: Duration) async throws { try await hang() as Void }
    func deactivate(_ person: PersonID, timeout: Duration) async throws { try await hang() as Void }
    func recoveryKeys(for person: PersonID, caseID: CaseID?, timeout: Duration) async throws -> KeyList { try await hang() }
}

/// A transport that stops answering pulls after `pages` pages (a client killed mid-pull).
final class DyingTransport: SyncTransport, Sendable {
    let inner: any SyncTransport
    private let remaining: Mutex<Int>
    init(_ inner: any SyncTransport, pages: Int) {
        self.inner = inner
        self.remaining = Mutex(pages)
    }
    struct Killed: Error {}
    func enrol(_ request: EnrolRequest, timeout: Duration) async throws -> EnrolResponse { try await inner.enrol(request, timeout: timeout) }
    func authenticate(timeout: Duration) async throws {}
    func organisation(timeout: Duration) async throws -> OrganisationInfo { try await inner.organisation(timeout: timeout) }
    func invite(_ request: InviteRequest, timeout: Duration) async throws { try await inner.invite(request, timeout: timeout) }
    func certify(_ device: DeviceID, _ request: CertificationRequest, timeout: Duration) async throws {
        try await inner.certify(device, request, timeout: timeout)
    }
    func push(_ request: PushRequest, timeout: Duration) async throws -> PushResponse { try await inner.push(request, timeout: timeout) }
    func pull(after cursor: String?, limit: Int, timeout: Duration) async throws -> PullResponse {
        let left = remaining.withLock { r in r -= 1; return r }
        guard left >= 0 else { throw SyncFailure(.rejected, "killed") }
        return try await inner.pull(after: cursor, limit: limit, timeout: timeout)
    }
    func caseRevisions(_ caseID: CaseID, after cursor: String?, limit: Int, timeout: Duration) async throws -> PullResponse {
        try await inner.caseRevisions(caseID, after: cursor, limit: limit, timeout: timeout)
    }
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

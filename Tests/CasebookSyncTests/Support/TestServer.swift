import CasebookCrypto
import CasebookModels
@_spi(Testing) import CasebookServer
import CasebookServerTestSupport
import CasebookSync

/// The organisation's server as sync tests see it: the real server (`SyncTestServer`: every route
/// of `casebook-server` on loopback, over an in-memory store behind a `HostileStore`; ADR 0016).
/// Declared in this test target so a test file needs no extra import for `org.server.…`.
///
/// Hostile powers: `hostile` (every power of `HostileStore`), or the shortcuts `inject`,
/// `withhold`, `registerUncertified` and `tamper`. What the server really holds: `storedKeys`,
/// `revisionCount`, `grantees`, `erased`, `trainingSummary`.
final class TestServer: Sendable {
    let real: SyncTestServer

    init(_ real: SyncTestServer) { self.real = real }

    var hostile: HostileStore { real.hostile }
    var memory: InMemoryServerStore { real.memory }
    var baseURL: String { real.baseURL }

    func bootstrap() async throws -> (person: PersonID, code: String) { try await real.bootstrap() }

    /// A device's transport (the real HTTP client); nil: enrolment only.
    func transport(for identity: DeviceIdentity?) -> any SyncTransport { real.transport(for: identity) }
    /// The transport of a device whose identity the organisation registered (every member's is).
    func transport(for device: DeviceID) -> any SyncTransport { real.transport(for: device) }
    func register(_ identity: DeviceIdentity) { real.register(identity) }

    var requestCounts: [String: Int] { get async { await real.requestCounts } }
    func setReachable(_ value: Bool) { real.setReachable(value) }

    var revisionCount: Int { get async { await real.revisionCount } }
    func revisionCount(of caseID: CaseID) async -> Int { await real.revisionCount(of: caseID) }
    func grantees(of caseID: CaseID) async -> [PersonID] { await real.grantees(of: caseID) }
    func storedKeys(of caseID: CaseID) async -> [WrappedCaseKey] { await real.storedKeys(of: caseID) }
    var erased: Set<CaseID> { get async { await real.erased } }
    func trainingSummary(of person: PersonID) async -> TrainingSummary? { await real.trainingSummary(of: person) }

    func inject(_ key: WrappedCaseKey) async { await real.inject(key) }
    func withhold(_ caseID: CaseID, epoch: UInt32, recipient: DeviceID) async -> WrappedCaseKey? {
        await real.withhold(caseID, epoch: epoch, recipient: recipient)
    }
    func registerUncertified(_ record: DeviceRecord) async { await real.registerUncertified(record) }
    /// Serves `wire` (anything) after everything stored so far (see `HostileStore.serve`).
    func serve(_ wire: WireRevision, to devices: Set<DeviceID>? = nil) async throws { try await real.hostile.serve(wire, to: devices) }
    /// Stops serving these revisions to `devices` (nil: everyone), in pulls and backfills alike.
    func withholdRevisions(_ ids: Set<RevisionID>, from devices: Set<DeviceID>? = nil) {
        real.hostile.withhold(Set(ids.map(\.rawValue)), from: devices)
    }
    func hideDevice(_ device: DeviceID) { real.hostile.hideDevice(device) }
    func serveHonestly() { real.hostile.serveHonestly() }
    func plantDevice(_ record: DeviceRecord) async { await real.plantDevice(record) }
    func tamper(_ change: (inout [WireRevision]) -> Void) async { await real.tamper(change) }
}

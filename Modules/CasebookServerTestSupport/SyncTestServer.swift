public import CasebookCrypto
public import CasebookModels
@_spi(Testing) public import CasebookServer
public import CasebookSync
import Configuration
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// The real sync server for client tests (ADR 0016): `buildApplication` — every route,
/// middleware and check of `casebook-server` — listening on 127.0.0.1 (a free port), over an
/// `InMemoryServerStore` wrapped in a `HostileStore`. Replicas talk to it through the real
/// `HTTPSyncTransport`. Stopped when released.
///
/// A test gets a hostile operator's powers through `hostile` (or the shortcuts below, which keep
/// the call shapes of the in-memory server this replaced), and inspects what the server holds
/// through `memory`.
public final class SyncTestServer: Sendable {
    public let memory: InMemoryServerStore
    public let hostile: HostileStore
    public let baseURL: String
    public let clock: any WallClock
    let url: String
    let task: Task<Void, any Error>
    let counts = Mutex<[String: Int]>([:])
    let identities = Mutex<[DeviceID: DeviceIdentity]>([:])
    let reachable = Mutex(true)

    private init(memory: InMemoryServerStore, hostile: HostileStore, baseURL: String, clock: any WallClock, url: String,
                 task: Task<Void, any Error>) {
        self.memory = memory
        self.hostile = hostile
        self.baseURL = baseURL
        self.clock = clock
        self.url = url
        self.task = task
    }

    deinit {
        task.cancel()
        ServerStoreRegistry.unregister(url: url)
    }

    /// Starts the server; it answers once this returns.
    public static func start(clock: any WallClock = SystemWallClock()) async throws -> SyncTestServer {
        let memory = InMemoryServerStore()
        let hostile = HostileStore(memory)
        let url = ServerStoreRegistry.register(hostile)
        // Critical only: cancelling the service group at release logs shutdown noise at error level.
        var logger = Logger(label: "casebook-test-server")
        logger.logLevel = .critical
        let reader = ConfigReader(provider: InMemoryProvider(values: [
            "database.url": .init(.string(url), isSecret: true),
            "http.host": .init(.string("127.0.0.1"), isSecret: false),
            "http.port": .init(.int(0), isSecret: false),
            "log.level": .init(.string("critical"), isSecret: false),
            "auth.rate-burst": .init(.int(1_000_000), isSecret: false),
            "auth.rate-per-minute": .init(.int(1_000_000), isSecret: false),
        ]))
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = try await buildApplication(reader: reader, clock: clock, logger: logger) { port in continuation.yield(port) }
        let group = ServiceGroup(services: [app], gracefulShutdownSignals: [], logger: logger)
        let task = Task { try await group.run() }
        var port = 0
        for await value in ports {
            port = value
            break
        }
        return SyncTestServer(memory: memory, hostile: hostile, baseURL: "http://127.0.0.1:\(port)", clock: clock, url: url, task: task)
    }

    /// Like `casebook-server init`: the organisation and its first administrator's one-time code.
    public func bootstrap(name: String = "Test Organisation") async throws -> (person: PersonID, code: String) {
        let (person, code) = try await initialiseOrganisation(store: hostile, name: name, clock: clock)
        return (person, code)
    }

    // MARK: Transports

    /// A device's transport: the real HTTP client, signing in with `identity` (nil: enrolment only).
    public func transport(for identity: DeviceIdentity?) -> CountingTransport {
        if let identity { register(identity) }
        return CountingTransport(server: self, identity: identity)
    }

    /// The transport of a device whose identity a test registered (`register`, or an earlier
    /// `transport(for: identity)`); an unknown device gets an enrolment-only transport.
    public func transport(for device: DeviceID) -> CountingTransport {
        CountingTransport(server: self, identity: identities.withLock { $0[device] })
    }

    public func register(_ identity: DeviceIdentity) {
        identities.withLock { $0[identity.deviceID] = identity }
    }

    /// Requests made, per kind ("push", "pull", "organisation", "grant", …), by every transport.
    public var requestCounts: [String: Int] { get async { counts.withLock { $0 } } }

    /// When false, every transport's `isReachable` answers false (a server that is down).
    public func setReachable(_ value: Bool) { reachable.withLock { $0 = value } }

    func count(_ kind: String) { counts.withLock { $0[kind, default: 0] += 1 } }

    // MARK: What the server holds

    public var revisionCount: Int { get async { memory.revisionCount() } }
    public func revisionCount(of caseID: CaseID) async -> Int { memory.revisionCount(of: caseID) }
    public func grantees(of caseID: CaseID) async -> [PersonID] { memory.grantees(of: caseID) }
    public func storedKeys(of caseID: CaseID) async -> [WrappedCaseKey] { memory.storedKeys(of: caseID) }
    public var erased: Set<CaseID> { get async { memory.erasedCases } }
    public func trainingSummary(of person: PersonID) async -> TrainingSummary? { try? await memory.trainingFacts(person).summary }

    // MARK: A hostile operator's powers (shortcuts to `hostile`)

    /// Serves a wrapped key of the operator's making (or a moved, altered or unsigned one) to its recipient.
    public func inject(_ key: WrappedCaseKey) async { hostile.inject(key) }

    /// Stops serving one wrapped key; returns it (to serve later with `inject`). Nil if none was stored.
    public func withhold(_ caseID: CaseID, epoch: UInt32, recipient: DeviceID) async -> WrappedCaseKey? {
        (try? await hostile.withholdKey(caseID, epoch: epoch, recipient: recipient)) ?? nil
    }

    /// Lists a device nobody certified (the operator's own) in `GET /v1/organisation`.
    public func registerUncertified(_ record: DeviceRecord) async { hostile.serveDevice(record) }

    /// Edits the served log (see `HostileStore.tamper`). The in-memory store never fails a read,
    /// so an error here cannot happen; if it did, the edit would be missing and the test's own
    /// expectations would fail.
    public func tamper(_ change: (inout [WireRevision]) -> Void) async {
        try? await hostile.tamper(change)
    }
}

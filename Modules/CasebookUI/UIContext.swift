public import CasebookExport
public import CasebookSync
public import Hummingbird
import NIOCore

/// Per-request state the guard fills in before a handler runs: the CSP nonce of this response,
/// the session's CSRF token, and the parsed form of a state-changing request.
public struct UIContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    var nonce = ""
    var csrf = ""
    var form = Form()
    /// The connection's two ends (nil under the router test framework, which has no socket).
    let remoteAddress: SocketAddress?
    let localAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
        localAddress = source.channel.localAddress
    }
}

/// What the web app needs from the process that runs it (only apps know the environment).
public struct UIHooks: Sendable {
    /// False once the vault is locked or the unlock session has expired: every session ends.
    public var isUnlocked: @Sendable () -> Bool
    /// Runs one sync exactly as `casebook sync` does, reporting the sync engine's progress to the
    /// callback, and returns its one-line summary (nil: no server).
    public var sync: (@Sendable (_ progress: @escaping @Sendable (SyncProgress) -> Void) async throws -> String)?
    /// Whether the sync server answers now (nil: no server configured), as `casebook concern raise` asks.
    public var serverReachable: @Sendable () async -> Bool?
    /// The organisation's export key for release extracts and subject-access bundles, loaded as
    /// `casebook export`/`disclose --out` load it (`--signing-key`, `CASEBOOK_EXPORT_KEY`); nil: none given.
    public var exportKey: (@Sendable () throws -> ExportSigningKey)?
    /// The software version written into bundles' manifests.
    public var softwareVersion: String
    /// Runs `body` with a sync client set up exactly as every sync command sets one up (nil: no
    /// server), for the actions that go through the server: grants and revocations.
    public var withSyncClient: (@Sendable (_ body: @escaping @Sendable (SyncClient) async throws -> String) async throws -> String)?

    public init(isUnlocked: @escaping @Sendable () -> Bool = { true },
                sync: (@Sendable (_ progress: @escaping @Sendable (SyncProgress) -> Void) async throws -> String)? = nil,
                serverReachable: @escaping @Sendable () async -> Bool? = { nil },
                exportKey: (@Sendable () throws -> ExportSigningKey)? = nil,
                softwareVersion: String = "casebook",
                withSyncClient: (@Sendable (_ body: @escaping @Sendable (SyncClient) async throws -> String) async throws -> String)? = nil) {
        self.isUnlocked = isUnlocked
        self.sync = sync
        self.serverReachable = serverReachable
        self.exportKey = exportKey
        self.softwareVersion = softwareVersion
        self.withSyncClient = withSyncClient
    }
}

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
    /// Runs one sync exactly as `casebook sync` does and returns its one-line summary (nil: no server).
    public var sync: (@Sendable () async throws -> String)?
    /// Whether the sync server answers now (nil: no server configured), as `casebook concern raise` asks.
    public var serverReachable: @Sendable () async -> Bool?

    public init(isUnlocked: @escaping @Sendable () -> Bool = { true },
                sync: (@Sendable () async throws -> String)? = nil,
                serverReachable: @escaping @Sendable () async -> Bool? = { nil }) {
        self.isUnlocked = isUnlocked
        self.sync = sync
        self.serverReachable = serverReachable
    }
}

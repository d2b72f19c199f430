import ArgumentParser
import CasebookModels
import CasebookStorage
import CasebookSync
import Foundation

/// A vault command that talks to the sync server.
protocol AsyncVaultCommand: AsyncParsableCommand {
    var options: VaultOptions { get }
    var server: String? { get }
    var caCert: String? { get }
    func run(vault: Vault, client: SyncClient) async throws
    /// Command-specific settings (e.g. `sync --confirm-erasures`), after the environment's.
    func configure(_ configuration: inout SyncConfiguration) throws
}

extension AsyncVaultCommand {
    func configure(_ configuration: inout SyncConfiguration) throws {}
}

extension AsyncVaultCommand {
    func run() async throws {
        try await Output.guarded {
            let vault = try options.openVault()
            for warning in (try? vault.warnings()) ?? [] { Output.warn(warning) }
            guard try vault.enrolledOrganisation() != nil else {
                throw CasebookError(.invalidInput,
                    "this vault is standalone (created with 'casebook init'); sync needs a vault created with 'casebook enrol'")
            }
            try await SyncSupport.withClient(vault: vault, vaultPath: options.vaultPath, server: server, caCert: caCert,
                                             json: options.json, configure: configure) { client in
                try await run(vault: vault, client: client)
            }
        }
    }
}

enum SyncSupport {
    /// --server, else $CASEBOOK_SERVER, else the address remembered at enrolment.
    static func serverURL(explicit: String?, vault: Vault?) throws -> String {
        if let explicit, !explicit.isEmpty { return explicit }
        if let env = ProcessInfo.processInfo.environment["CASEBOOK_SERVER"], !env.isEmpty { return env }
        if let vault, let remembered = try vault.serverURL() { return remembered }
        throw CasebookError(.invalidInput, "no sync server: give --server URL or set CASEBOOK_SERVER (or enrol this vault first)")
    }

    /// The one line a command that needs the server prints when it cannot reach it.
    static func offline(_ vault: Vault) -> CasebookError {
        let kept = (try? vault.outboxCount()) ?? 0
        let changes = kept == 1 ? "1 change is" : "\(kept) changes are"
        return CasebookError(.offline, "offline: \(changes) kept and will be sent at the next sync")
    }

    /// $CASEBOOK_SYNC_TIMEOUT (seconds per request), when set to a positive whole number.
    static func requestTimeout() -> Duration? {
        guard let text = ProcessInfo.processInfo.environment["CASEBOOK_SYNC_TIMEOUT"], let seconds = Int(text), seconds > 0 else { return nil }
        return .seconds(seconds)
    }

    /// The CA to trust: --ca-cert FILE, else $CASEBOOK_CA_CERT (a file), else the one remembered in
    /// the vault at enrolment; plus the server certificate pin remembered at enrolment (ADR 0015).
    static func transportSecurity(caCert explicit: String?, vault: Vault?) throws -> TransportSecurity {
        var security = try vault?.transportSecurity() ?? TransportSecurity()
        security.serverCertificatePin = nil  // a pin is checked at enrolment only (ADR 0015); the vault's pin is for invitations
        if let pem = try caCertificate(explicit: explicit) { security.caCertificatesPEM = pem }
        return security
    }

    /// The PEM text of --ca-cert FILE or $CASEBOOK_CA_CERT, if either is given.
    static func caCertificate(explicit: String?) throws -> String? {
        let env = ProcessInfo.processInfo.environment["CASEBOOK_CA_CERT"].flatMap { $0.isEmpty ? nil : $0 }
        guard let path = explicit.flatMap({ $0.isEmpty ? nil : $0 }) ?? env else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CasebookError(.invalidInput, "cannot read the CA certificate file \(path) (--ca-cert or CASEBOOK_CA_CERT)")
        }
        let text = String(decoding: data, as: UTF8.self)
        guard text.contains("-----BEGIN CERTIFICATE-----") else {
            throw CasebookError(.invalidInput, "\(path) is not a PEM certificate file (it should contain -----BEGIN CERTIFICATE-----)")
        }
        return text
    }

    /// Progress on stderr every 1,000 revisions (long syncs only), and only on a terminal.
    static func progressPrinter(json: Bool) -> @Sendable (SyncProgress) -> Void {
        let last = LastShown()
        let terminal = isatty(STDERR_FILENO) != 0
        return { progress in
            guard terminal else { return }
            let total = progress.pushed + progress.pulled
            guard last.advance(to: total / 1_000) else { return }
            Output.info("sync: \(progress.phase.rawValue): \(progress.pushed) pushed, \(progress.pulled) received")
        }
    }
}

private final class LastShown: @unchecked Sendable {
    private var shown = 0
    private let lock = NSLock()
    func advance(to bucket: Int) -> Bool {
        lock.lock(); defer { lock.unlock() }
        guard bucket > shown else { return false }
        shown = bucket
        return true
    }
}

extension SyncSupport {
    /// One sync client set up as every sync command sets it up (server URL, TLS, the agent's token,
    /// timeouts, the erasure limit), for `body`; also used by `casebook ui`'s "Sync now" (ADR 0023).
    static func withClient<T>(vault: Vault, vaultPath: String, server: String?, caCert: String?, json: Bool,
                              configure: (inout SyncConfiguration) throws -> Void,
                              progress: (@Sendable (SyncProgress) -> Void)? = nil,
                              _ body: (SyncClient) async throws -> T) async throws -> T {
        let url = try SyncSupport.serverURL(explicit: server, vault: vault)
        // One login per working session: the unlock agent keeps the bearer token (ADR 0018).
        let kept = UnlockAgent.token(vault: vaultPath, server: url)
        let transport = try HTTPSyncTransport(baseURL: url, identity: vault.identity,
                                              security: try SyncSupport.transportSecurity(caCert: caCert, vault: vault),
                                              reusing: kept, notice: { Output.info("casebook: \($0)") })
        defer {
            if let current = transport.currentToken, current.token != kept?.token {
                UnlockAgent.keep(token: current.token, expiresAt: current.expiresAt, vault: vaultPath, server: url)
            }
        }
        var configuration = SyncConfiguration()
        if let timeout = SyncSupport.requestTimeout() { configuration.requestTimeout = timeout }
        if let text = ProcessInfo.processInfo.environment["CASEBOOK_SYNC_ERASURE_LIMIT"] {
            guard let limit = Int(text), limit >= 0 else {
                throw CasebookError(.invalidInput, "CASEBOOK_SYNC_ERASURE_LIMIT must be a whole number of cases (0 or more), not '\(text)'")
            }
            configuration.erasureLimit = limit
        }
        try configure(&configuration)
        let client = SyncClient(vault: vault, transport: transport, configuration: configuration,
                                progress: progress ?? SyncSupport.progressPrinter(json: json))
        do {
            return try await body(client)
        } catch let error as CasebookError where error.code == .offline {
            throw SyncSupport.offline(vault)
        }
    }
}

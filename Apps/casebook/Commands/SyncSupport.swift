import ArgumentParser
import CasebookModels
import CasebookStorage
import CasebookSync
import Foundation

/// A vault command that talks to the sync server.
protocol AsyncVaultCommand: AsyncParsableCommand {
    var options: VaultOptions { get }
    var server: String? { get }
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
            let url = try SyncSupport.serverURL(explicit: server, vault: vault)
            let transport = try HTTPSyncTransport(baseURL: url, identity: vault.identity)
            var configuration = SyncConfiguration()
            if let text = ProcessInfo.processInfo.environment["CASEBOOK_SYNC_TIMEOUT"], let seconds = Int(text), seconds > 0 {
                configuration.requestTimeout = .seconds(seconds)
            }
            if let text = ProcessInfo.processInfo.environment["CASEBOOK_SYNC_ERASURE_LIMIT"] {
                guard let limit = Int(text), limit >= 0 else {
                    throw CasebookError(.invalidInput, "CASEBOOK_SYNC_ERASURE_LIMIT must be a whole number of cases (0 or more), not '\(text)'")
                }
                configuration.erasureLimit = limit
            }
            try configure(&configuration)
            let client = SyncClient(vault: vault, transport: transport, configuration: configuration,
                                    progress: SyncSupport.progressPrinter(json: options.json))
            try await run(vault: vault, client: client)
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

    /// Progress on stderr every 1,000 revisions (long syncs only).
    static func progressPrinter(json: Bool) -> @Sendable (SyncProgress) -> Void {
        let last = LastShown()
        return { progress in
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

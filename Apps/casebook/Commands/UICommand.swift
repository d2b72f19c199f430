import ArgumentParser
import CasebookCrypto
import CasebookExport
import CasebookModels
import CasebookStorage
import CasebookSync
import CasebookUI
import Foundation
import Hummingbird
import Logging
import NIOCore
import Synchronization

/// `casebook ui`: the local web app (issue 14, ADR 0023) on 127.0.0.1, over the unlocked vault.
struct UICommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ui",
        abstract: "Open Casebook in your browser: a local web app on this laptop only (127.0.0.1).",
        discussion: """
            Unlocks the vault (or uses the unlock session of 'casebook unlock'), serves the app on 127.0.0.1 \
            and prints the address to open as the first line of standard output. The address carries a \
            one-time launch token: it works once, for one browser session. Nothing is served to other \
            machines, and nothing leaves this laptop except through 'Sync now'. Stops at Ctrl-C, or when \
            the unlock session ends ('casebook lock' or expiry).
            """)

    @OptionGroup var options: VaultOptions
    @Option(help: "Port on 127.0.0.1 (default: any free port).") var port = 0
    @Flag(help: "Print the address only; do not open a browser.") var noBrowser = false
    @Option(help: "End the web session after this many minutes without a request (1 to 480).") var idleMinutes = 15
    @Option(help: ArgumentHelp("The organisation's export key for release extracts and subject-access bundles, PKCS#8 PEM (default: $CASEBOOK_EXPORT_KEY).",
                               valueName: "file"))
    var signingKey: String?

    func validate() throws {
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be 0 to 65535") }
        guard (1...480).contains(idleMinutes) else { throw ValidationError("--idle-minutes must be 1 to 480") }
    }

    func run() async throws {
        try await Output.guarded { try await serve() }
    }

    func serve() async throws {
        do {
            let unlock = try options.unlock()
            var viaAgent = false
            if case .handOver = unlock { viaAgent = true }
            let vault = try Vault.open(at: options.vaultPath, unlock: unlock)
            for warning in (try? vault.warnings()) ?? [] { Output.warn(warning) }
            let vaultPath = options.vaultPath
            let unlocked = UnlockedFlag()
            let gate = UIGate(idleTimeout: TimeInterval(idleMinutes * 60))
            var sync: (@Sendable (@escaping @Sendable (SyncProgress) -> Void) async throws -> String)?
            var withSyncClient: (@Sendable (@escaping @Sendable (SyncClient) async throws -> String) async throws -> String)?
            if try vault.enrolledOrganisation() != nil {
                sync = { progress in try await UICommand.sync(vault: vault, vaultPath: vaultPath, progress: progress) }
                withSyncClient = { body in
                    try await SyncSupport.withClient(vault: vault, vaultPath: vaultPath, server: nil, caCert: nil, json: true,
                                                     configure: { _ in }, body)
                }
            }
            // The export key as `casebook export`/`disclose --out` load it, read when an extract is asked for.
            let keyPath = signingKey
            let hooks = UIHooks(isUnlocked: { unlocked.value.load(ordering: .relaxed) }, sync: sync,
                                serverReachable: { await UICommand.reachable(vault: vault) },
                                exportKey: { try ExportCommand.signingKey(keyPath) }, softwareVersion: CasebookVersion.current,
                                withSyncClient: withSyncClient)
            let web = LocalWebApp(vault: vault, gate: gate, hooks: hooks)
            var logger = Logger(label: "casebook-ui")
            logger.logLevel = .error  // never request lines: URLs carry ids and the launch token
            let openBrowser = !noBrowser
            let requested = port
            let app = Application(
                router: web.router(),
                configuration: .init(address: .hostname("127.0.0.1", port: requested), serverName: nil),
                onServerRunning: { channel in
                    let bound = channel.localAddress?.port ?? requested
                    gate.bind(port: bound)
                    let url = "http://127.0.0.1:\(bound)\(web.launchPath)"
                    FileHandle.standardOutput.write(Data((url + "\n").utf8))  // unbuffered: the first line, at once
                    Output.info("casebook ui: serving on 127.0.0.1:\(bound) until Ctrl-C or 'casebook lock'")
                    if openBrowser { Browser.open(url) }
                },
                logger: logger)
            if viaAgent {
                // Locking or expiry of the unlock session ends the web session too.
                Task.detached {
                    while true {
                        try? await Task.sleep(for: .seconds(2))
                        if UnlockAgent.handOver(vault: vaultPath) == nil {
                            unlocked.value.store(false, ordering: .relaxed)
                            gate.endAllSessions()
                            Output.info("casebook ui: the vault was locked (or its unlock session expired); stopped")
                            Foundation.exit(0)
                        }
                    }
                }
            }
            do {
                try await app.runService()
            } catch let error as IOError where error.errnoCode == EADDRINUSE {
                throw CasebookError(.invalidInput, "port \(requested) on 127.0.0.1 is in use; choose another with --port, or leave --port out for any free port")
            }
        }
    }

    /// The same sync as `casebook sync` (SyncSupport.withClient + SyncClient.run), summarised in one line.
    static func sync(vault: Vault, vaultPath: String, progress: @escaping @Sendable (SyncProgress) -> Void) async throws -> String {
        try await SyncSupport.withClient(vault: vault, vaultPath: vaultPath, server: nil, caCert: nil, json: true,
                                         configure: { _ in }, progress: progress) { client in
            let r = try await client.run()
            return "Sent \(r.pushed) revision(s); received \(r.pulled) (\(r.stored) new)."
        }
    }

    /// As `casebook concern raise` asks: nil when no server is configured, else whether it answers now.
    static func reachable(vault: Vault) async -> Bool? {
        guard let connectivity = try? vault.connectivity(), connectivity.serverConfigured,
              let url = try? SyncSupport.serverURL(explicit: nil, vault: vault),
              let transport = try? HTTPSyncTransport(baseURL: url, identity: nil,
                                                     security: (try? SyncSupport.transportSecurity(caCert: nil, vault: vault)) ?? TransportSecurity())
        else { return nil }
        return await transport.isReachable(timeout: ConcernCommand.probeTimeout)
    }
}

final class UnlockedFlag: Sendable {
    let value = Atomic(true)
}

/// Opens the launch address in the default browser without putting the token on a command line
/// (where `ps` would show it to other local users): a 0600 file in the user's runtime directory
/// redirects to it, as Jupyter does; the file is removed a minute later. Never fails the command.
enum Browser {
    static func open(_ url: String) {
        let paths = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        guard let opener = paths.map({ "\($0)/xdg-open" }).first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            Output.info("casebook ui: no browser opener (xdg-open) found; open the address above in your browser")
            return
        }
        let runtime = ProcessInfo.processInfo.environment["XDG_RUNTIME_DIR"].flatMap { $0.isEmpty ? nil : $0 } ?? NSTemporaryDirectory()
        let file = URL(fileURLWithPath: runtime).appendingPathComponent("casebook-ui-\(UUID().uuidString).html").path
        let html = "<!doctype html><meta charset=\"utf-8\"><meta http-equiv=\"refresh\" content=\"0;url=\(url)\"><a href=\"\(url)\">Open Casebook</a>"
        do { try OwnerOnlyFile.create(file, contents: Data(html.utf8)) } catch {
            Output.info("casebook ui: could not prepare the browser; open the address above")
            return
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: opener)
        process.arguments = [file]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        if (try? process.run()) == nil { Output.info("casebook ui: could not start the browser; open the address above") }
        Task.detached {
            try? await Task.sleep(for: .seconds(60))
            try? FileManager.default.removeItem(atPath: file)
        }
    }
}

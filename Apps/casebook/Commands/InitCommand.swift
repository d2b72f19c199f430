import ArgumentParser
import CasebookModels
import CasebookStorage
import Foundation

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a standalone vault; its owner administers it.",
        discussion: """
            Creates the vault file (owner-only permissions), your device keys, and the organisation \
            records with default settings (approved platform: Microsoft Teams). The passphrase must be \
            at least 10 characters: it protects the vault if the laptop is lost, so choose a long one.
            """)

    @OptionGroup var options: VaultOptions

    @Option(help: "Your name (stored encrypted).")
    var name: String

    @Option(help: "Your role: practitioner, dsl or admin. You also administer a standalone vault.")
    var role: Role = .practitioner

    @Option(help: "Who you are to the organisation: staff, volunteer or external.")
    var type: PersonType = .staff

    @Option(help: "Organisation name for a standalone vault.")
    var organisation: String?

    func run() throws {
        try Output.guarded {
            guard case .passphrase(let passphrase) = try options.unlock(forCreation: true) else {
                throw CasebookError(.invalidInput, "a new vault needs a passphrase, not a session token")
            }
            let vault = try Vault.create(at: options.vaultPath, passphrase: passphrase, ownerName: name, role: role,
                                         type: type, organisationName: organisation)
            if options.json {
                Output.json(["vault": vault.path, "person_id": vault.person.rawValue, "device_id": vault.device.rawValue])
            } else {
                print("Created vault \(vault.path)")
                print("Your person id: \(vault.person)")
                print("Next: record your confidentiality and data-protection training ('casebook training record'),")
                print("and adopt the policy version in force ('casebook policy adopt').")
            }
        }
    }
}

extension Role: ExpressibleByArgument {}
extension PersonType: ExpressibleByArgument {}
extension TrainingCourse: ExpressibleByArgument {}
extension Signatory: ExpressibleByArgument {}
extension RedactionPolicy: ExpressibleByArgument {}

struct UnlockCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unlock",
        abstract: "Stay unlocked for a while: an agent keeps the unlocked vault in memory until 'casebook lock' or expiry.",
        discussion: """
            Checks the passphrase once and starts an agent (like ssh-agent) that holds the unlocked keys \
            in memory only, on a socket only you can open ($XDG_RUNTIME_DIR/casebook, else /tmp/casebook-UID). \
            Later commands on this vault need no passphrase until the time is up or 'casebook lock' ends \
            it; nothing is printed, exported or written to the vault file that could reopen it afterwards. \
            The agent also keeps the sync server's login, so a working session signs in once.
            """)

    @OptionGroup var options: VaultOptions

    @Option(help: "How long to stay unlocked, in minutes (1-1440).")
    var minutes = 30

    @Option(help: ArgumentHelp("Seconds instead of minutes (for tests).", visibility: .private))
    var seconds: Int?

    func run() throws {
        try Output.guarded {
            guard (1...24 * 60).contains(minutes) else { throw CasebookError(.invalidInput, "--minutes must be between 1 and 1440") }
            let duration = seconds ?? minutes * 60
            guard (1...24 * 3600).contains(duration) else { throw CasebookError(.invalidInput, "--seconds must be between 1 and 86400") }
            let vault = try Vault.open(at: options.vaultPath, unlock: try options.unlock(useAgent: false))
            try UnlockAgent.start(vault: options.vaultPath, handOver: try vault.handOver(), seconds: duration)
            let expires = Date().addingTimeInterval(Double(duration))
            if options.json {
                Output.json(["unlocked_until": ISO8601DateFormatter().string(from: expires)])
            } else {
                let until = DateFormatter.localizedString(from: expires, dateStyle: .none, timeStyle: .short)
                print("Unlocked until \(until). 'casebook lock' ends it now.")
            }
        }
    }
}

struct LockCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lock", abstract: "End the unlock agent of the vault: it exits and forgets the keys and the server login.")

    @OptionGroup var options: VaultOptions

    func run() throws {
        try Output.guarded {
            let ended = UnlockAgent.lock(vault: options.vaultPath)
            if options.json {
                Output.json(["ended": ended ? 1 : 0])
            } else {
                print(ended ? "Locked." : "Not unlocked: no agent was running for this vault.")
            }
        }
    }
}

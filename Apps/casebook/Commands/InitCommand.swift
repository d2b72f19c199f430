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

struct UnlockCommand: VaultCommand {
    static let configuration = CommandConfiguration(
        commandName: "unlock",
        abstract: "Stay unlocked for a while: prints a session token for CASEBOOK_SESSION.",
        discussion: """
            Runs the passphrase check once and prints a token. Export it in this shell only:
              export CASEBOOK_SESSION=$(casebook unlock --minutes 30 --raw)
            The token unlocks this vault until it expires or 'casebook lock' ends every session. It is \
            256 random bits; only a sealed copy of your keys is stored, bound to the expiry.
            """)

    @OptionGroup var options: VaultOptions

    @Option(help: "How long the session lasts, in minutes (1-1440).")
    var minutes = 30

    @Flag(help: "Print only the token.")
    var raw = false

    func run(vault: Vault) throws {
        let (token, expires) = try vault.startSession(minutes: minutes)
        if options.json {
            Output.json(["token": token, "expires_at": ISO8601DateFormatter().string(from: expires)])
        } else if raw {
            print(token)
        } else {
            print("export CASEBOOK_SESSION=\(token)")
            Output.info("Unlocked until \(ISO8601DateFormatter().string(from: expires)). Run 'casebook lock' to end it early.")
        }
    }
}

struct LockCommand: VaultCommand {
    static let configuration = CommandConfiguration(commandName: "lock", abstract: "End every unlock session of the vault.")

    @OptionGroup var options: VaultOptions

    func run(vault: Vault) throws {
        let ended = try vault.lock()
        if options.json { Output.json(["ended": ended]) } else { print("Locked (\(ended) session(s) ended).") }
    }
}

import ArgumentParser
import CasebookModels
import CasebookStorage
import CasebookSync
import Foundation

struct GrantCommand: AsyncVaultCommand {
    static let configuration = CommandConfiguration(
        commandName: "grant",
        abstract: "Grant a person a client's records: the server serves them the case, and its key is wrapped for their devices.",
        discussion: """
            The DSL and the organisation recovery key already hold every case. --until makes the grant lapse on its own. \
            Refused (exit status 6) when the person's confidentiality or data-protection training is missing or expired \
            according to your vault's training records ('casebook training list'; sync first for the latest); the server \
            checks the same again from what the administrators' replicas told it (exit status 3 if it refuses).
            """)

    @OptionGroup var options: VaultOptions
    @Option(help: "Sync server URL (default: the one you enrolled with).") var server: String?
    @Option(name: .customLong("ca-cert"), help: ArgumentHelp("PEM file of the CA that signed the server's certificate (default: $CASEBOOK_CA_CERT, else the one remembered at enrolment, else the system's roots).", valueName: "file")) var caCert: String?
    @Argument(help: "Client id.") var client: String
    @Option(help: "Person id to grant.") var to: String
    @Option(help: "Last day of the grant, YYYY-MM-DD (volunteers, external practitioners).") var until: LocalDate?

    func run(vault: Vault, client syncClient: SyncClient) async throws {
        let caseID = try vault.resolveClient(client)
        let person = try vault.resolvePerson(to)
        if let until, until < vault.clock.today { throw CasebookError(.invalidInput, "--until \(until) is in the past") }
        let outcome = try await syncClient.grant(caseID, to: person, until: until)
        if options.json { Output.json(outcome); return }
        print("Granted client \(caseID) to \(person)\(until.map { " until \($0)" } ?? "").")
        if outcome.devices == 0 {
            Output.warn("\(person) has no certified device yet; the key is wrapped for them at a sync after they enrol")
        } else {
            print("Case key wrapped for \(outcome.devices) device(s).")
        }
    }
}

struct RevokeCommand: AsyncVaultCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke",
        abstract: "Revoke a person's access to a client: the server stops serving the case to them, and the case key is rotated.",
        discussion: """
            What they already synced cannot be un-read (access to old records is enforced by the server from now \
            on); records written after this command use a new key they never receive.
            """)

    @OptionGroup var options: VaultOptions
    @Option(help: "Sync server URL (default: the one you enrolled with).") var server: String?
    @Option(name: .customLong("ca-cert"), help: ArgumentHelp("PEM file of the CA that signed the server's certificate (default: $CASEBOOK_CA_CERT, else the one remembered at enrolment, else the system's roots).", valueName: "file")) var caCert: String?
    @Argument(help: "Client id.") var client: String
    @Option(help: "Person id to revoke.") var from: String

    func run(vault: Vault, client syncClient: SyncClient) async throws {
        let caseID = try vault.resolveClient(client)
        let person = try vault.resolvePerson(from)
        let outcome = try await syncClient.revoke(caseID, from: person)
        if options.json { Output.json(outcome); return }
        print("Revoked \(person) from client \(caseID); the case key is now epoch \(outcome.newEpoch), wrapped for \(outcome.recipients) remaining reader(s).")
    }
}

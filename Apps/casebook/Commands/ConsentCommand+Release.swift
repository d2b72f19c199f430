import ArgumentParser
import CasebookModels
import CasebookStorage
import Foundation

/// P2, P12: consent to release and its withdrawal (subcommands of `casebook consent`).
extension ConsentCommand {
    struct Release: VaultCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record the client's explicit consent to one release: who to, what for, until when.")
        @OptionGroup var options: VaultOptions
        @Argument(help: "Client id.") var client: String
        @Option(help: "Who may receive the information.") var to: String
        @Option(help: "What it is for.") var purpose: String
        @Option(help: "Last day the consent covers, YYYY-MM-DD (default: until withdrawn).") var until: LocalDate?

        func run(vault: Vault) throws {
            let consent = try vault.recordReleaseConsent(client: try vault.resolveClient(client),
                                                         recipient: to, purpose: purpose, until: until)
            if options.json { Output.json(["id": consent.id.rawValue]) } else { print("Recorded consent to release \(consent.id).") }
        }
    }

    struct WithdrawRelease: VaultCommand {
        static let configuration = CommandConfiguration(
            commandName: "withdraw-release",
            abstract: "Record that the client withdrew consent to releases: consent-based releases are refused from today.")
        @OptionGroup var options: VaultOptions
        @Argument(help: "Client id.") var client: String

        func run(vault: Vault) throws {
            let withdrawal = try vault.withdrawReleaseConsent(client: try vault.resolveClient(client))
            if options.json { Output.json(["id": withdrawal.id.rawValue]) } else {
                print("Recorded withdrawal \(withdrawal.id): consent-based releases are refused from \(withdrawal.on); safeguarding and legal-basis releases remain possible.")
            }
        }
    }
}

import ArgumentParser
import CasebookModels
import CasebookStorage
import CasebookSync
import Foundation

extension PersonCommand {
    struct Remove: AsyncVaultCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove a person who leaves (administrators): every device of theirs, then the person.",
            discussion: """
                Each of their devices is removed as by 'casebook device remove' (signed by this vault; \
                tokens revoked; no key is wrapped for it again; its later revisions are refused), the \
                person is deactivated on the server (they cannot sign in again), their person record is \
                marked inactive in the encrypted organisation records, and the keys of the cases this \
                vault holds that they could read are rotated. Other vaults rotate the cases they hold \
                at their next sync. What they already downloaded cannot be un-read.
                """)
        @OptionGroup var options: VaultOptions
        @Option(help: "Sync server URL (default: the one you enrolled with).") var server: String?
        @Option(name: .customLong("ca-cert"), help: ArgumentHelp("PEM file of the CA that signed the server's certificate (default: $CASEBOOK_CA_CERT, else the one remembered at enrolment, else the system's roots).", valueName: "file")) var caCert: String?
        @Argument(help: "Person id (see 'casebook person list').") var person: String
        @Option(help: ArgumentHelp("Why they are removed (one line, no client details), kept in their signed person record and shown by 'casebook person list'.", valueName: "text"))
        var reason: String?

        func validate() throws {
            if let reason, reason.trimmingCharacters(in: .whitespaces).isEmpty || reason.count > 200 || reason.contains(where: \.isNewline) {
                throw ValidationError("--reason must be one non-empty line of at most 200 characters")
            }
        }

        struct Removed: Encodable {
            var id: String
            var devices: [String]
            var rotatedCases: [String]
        }

        func run(vault: Vault, client: SyncClient) async throws {
            let id = try vault.resolvePerson(person)
            let outcome = try await client.removePerson(id, reason: reason?.trimmingCharacters(in: .whitespaces))
            if options.json {
                Output.json(Removed(id: outcome.person.rawValue, devices: outcome.devices.map(\.rawValue),
                                    rotatedCases: outcome.rotatedCases.map(\.rawValue)))
                return
            }
            print("Removed person \(outcome.person) and \(outcome.devices.count) device(s); they can no longer sign in.")
            print("Rotated the key of \(outcome.rotatedCases.count) case(s) this vault holds; other vaults rotate theirs at their next sync.")
        }
    }
}

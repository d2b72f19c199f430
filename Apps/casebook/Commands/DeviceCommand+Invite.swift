import ArgumentParser
import CasebookModels
import CasebookStorage
import CasebookSync
import Foundation

extension DeviceCommand {
    /// A new laptop for the same person (ADR 0024).
    struct Invite: AsyncVaultCommand {
        static let configuration = CommandConfiguration(
            abstract: "Invite a new laptop for an existing member (administrators); they keep their person id.",
            discussion: """
                For a replacement or an extra laptop: the code is for the person, who keeps their id, name, \
                role and authorship. They run 'casebook enrol' with it on the new laptop; your next 'casebook \
                sync' vouches for it, and the next sync of the DSL (who holds every case) wraps the keys of \
                the cases the person wrote or was granted for it. Remove a lost laptop first with 'casebook \
                device remove DEVICE --reason lost'. 'casebook recover' is needed only when nobody else holds \
                a case's key.
                """)
        @OptionGroup var options: VaultOptions
        @Option(help: "Sync server URL (default: the one you enrolled with).") var server: String?
        @Option(name: .customLong("ca-cert"), help: ArgumentHelp("PEM file of the CA that signed the server's certificate (default: $CASEBOOK_CA_CERT, else the one remembered at enrolment, else the system's roots).", valueName: "file")) var caCert: String?
        @Option(help: "The member whose new laptop it is: a name, person id or id prefix (see 'casebook person list').") var person: String

        func run(vault: Vault, client: SyncClient) async throws {
            let id = try vault.resolvePerson(person)
            let invitation = try await client.inviteDevice(for: id)
            if options.json {
                Output.json(["id": invitation.person.rawValue, "enrolment_code": invitation.code])
                return
            }
            print("Invited a new laptop for \(invitation.name) (person \(Vault.short(invitation.person)), kept).")
            print("Enrolment code (one use; give it to them privately):")
            print("  \(invitation.code)")
            let server = (try? vault.serverURL()).flatMap { $0 } ?? "URL"
            let quoted = "'" + invitation.name.replacingOccurrences(of: "'", with: "'\\''") + "'"
            print("They run on the new laptop: casebook enrol --server \(server) --code=CODE --name \(quoted)")
            print("Then you run: casebook sync (vouches for it); the DSL's next sync gives it the keys of their cases.")
        }
    }
}

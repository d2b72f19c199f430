import ArgumentParser
import CasebookModels
import CasebookStorage
import Foundation

/// Crypto-shredding of a client's case on this replica, with a destruction certificate.
struct EraseCommand: VaultCommand {
    static let configuration = CommandConfiguration(
        commandName: "erase",
        abstract: "Erase a client's records on this replica by destroying every wrapped copy of the case key (admin or DSL).",
        discussion: """
            Refused while a retention hold is active. Deletes the case's keys and revisions, scrubs the \
            database file and its WAL, logs a destruction certificate, and queues the server's copy for \
            erasure at the next sync. Other replicas erase their copies when they next sync (see docs/safeguarding.md).
            """)

    @OptionGroup var options: VaultOptions
    @Argument(help: "Client id.") var client: String
    @Flag(help: "Confirm that the records are to be destroyed; this cannot be undone.") var confirm = false

    func run(vault: Vault) throws {
        let id = try vault.resolveClient(client)
        guard confirm else { throw CasebookError(.invalidInput, "erasing client \(id) cannot be undone; repeat with --confirm") }
        let certificate = try vault.erase(client: id)
        if options.json {
            Output.json(CertificateOutput(id: certificate.id.rawValue, caseId: certificate.caseID.rawValue, erasedOn: certificate.erasedOn.iso,
                                          erasedBy: certificate.erasedBy.rawValue, revisionsDestroyed: certificate.revisionsDestroyed,
                                          wrappedKeysDestroyed: certificate.wrappedKeysDestroyed,
                                          serverErasurePending: certificate.serverErasurePending))
        } else {
            print("Erased client \(id): \(certificate.revisionsDestroyed) revisions and \(certificate.wrappedKeysDestroyed) wrapped keys destroyed; destruction certificate \(certificate.id).")
            if certificate.serverErasurePending { print("The server's copy is erased at the next sync.") }
        }
    }

    struct CertificateOutput: Encodable {
        var id: String, caseId: String, erasedOn: String, erasedBy: String
        var revisionsDestroyed: Int, wrappedKeysDestroyed: Int, serverErasurePending: Bool
    }
}

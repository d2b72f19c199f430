import ArgumentParser
import CasebookModels
import CasebookStorage
import CasebookSync
import Foundation

struct SyncCommand: AsyncVaultCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Push your changes, then pull everyone else's (what you may read).",
        discussion: """
            The server is --server, else $CASEBOOK_SERVER, else the address you enrolled with. Every request \
            has a deadline ($CASEBOOK_SYNC_TIMEOUT seconds, default 30); failures are retried with backoff. \
            An interrupted sync resumes where it stopped. Revisions that fail verification (bad signature, \
            unknown device, clock more than five minutes ahead) are reported and not stored; so are case keys \
            not signed by a certified device of someone who may read that case.

            Administrators: your sync vouches for one device per invitation you issued (its enrolment proof \
            must verify); a further device claiming the same invitation is held and shown as 'pending: …' \
            until you compare its fingerprint and run 'casebook device certify DEVICE'.

            Erasure: a case you erased ('casebook erase') is erased on the server first; a destruction \
            certificate you receive makes this replica crypto-shred its own copy of that case. The report \
            counts both (server_erased, erased_locally). See 'casebook retention erasures'.
            """)

    @OptionGroup var options: VaultOptions
    @Option(help: "Sync server URL.") var server: String?
    @Option(name: .customLong("ca-cert"), help: ArgumentHelp("PEM file of the CA that signed the server's certificate (default: $CASEBOOK_CA_CERT, else the one remembered at enrolment, else the system's roots).", valueName: "file")) var caCert: String?

    struct Report: Encodable {
        var pushed: Int
        var pulled: Int
        var stored: Int
        var rejected: [RejectedRevision]
        var refused: [RejectedRevision]
        var pushRejected: [RejectedRevision]
        var keysReceived: Int
        var keysRejected: [RejectedKey]
        var keysDistributed: Int
        var trainingPublished: Int
        var certified: Int
        var backfilled: [String]
        var serverErased: [String]
        var serverErasureRefused: [String]
        var erasedLocally: [String]
        var cursor: String?
        var retries: Int
        var heldDevices: [HeldEnrolment]
    }

    func run(vault: Vault, client: SyncClient) async throws {
        if let server, !server.isEmpty, try vault.serverURL() == nil { try vault.setServerURL(server) }
        let r = try await client.run()
        let held = try vault.heldEnrolments()
        if options.json {
            Output.json(Report(pushed: r.pushed, pulled: r.pulled, stored: r.stored, rejected: r.rejected, refused: r.refused,
                               pushRejected: r.pushRejected,
                               keysReceived: r.keysReceived, keysRejected: r.keysRejected, keysDistributed: r.keysDistributed,
                               trainingPublished: r.trainingPublished, certified: r.certified,
                               backfilled: r.backfilled.map(\.rawValue), serverErased: r.serverErased.map(\.rawValue),
                               serverErasureRefused: r.serverErasureRefused.map(\.rawValue),
                               erasedLocally: r.erasedLocally.map(\.rawValue), cursor: r.cursor, retries: r.retries,
                               heldDevices: held))
            return
        }
        print("Sent \(r.pushed) revision(s); received \(r.pulled) (\(r.stored) new).")
        if r.certified > 0 { print("Vouched for \(r.certified) newly enrolled device(s); 'casebook device list' shows their fingerprints.") }
        for device in held { Output.warn(device.message) }
        if r.keysReceived > 0 { print("Received \(r.keysReceived) case key(s).") }
        if r.trainingPublished > 0 { print("Told the server the training of \(r.trainingPublished) person(s).") }
        if !r.serverErased.isEmpty { print("Erased \(r.serverErased.count) case(s) on the server.") }
        if !r.erasedLocally.isEmpty {
            print("Erased \(r.erasedLocally.count) case(s) on this replica, as their destruction certificates require.")
        }
        for caseID in r.serverErasureRefused {
            Output.warn("the server refused to erase case \(caseID); it stays queued for the next sync")
        }
        for rejected in r.rejected { Output.warn("refused revision \(rejected.id.prefix(12)): \(rejected.message)") }
        for refused in r.refused {
            Output.warn("kept revision \(refused.id.prefix(12)) out of the records (\(refused.reason)): \(refused.message)")
        }
        for rejected in r.keysRejected { Output.warn("refused a case key: \(rejected.message)") }
        for rejected in r.pushRejected { Output.warn("the server refused revision \(rejected.id.prefix(12)): \(rejected.message) (kept locally)") }
    }
}

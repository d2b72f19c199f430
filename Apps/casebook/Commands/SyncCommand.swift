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

            Nothing refused is lost: a revision refused for a reason that can pass (its author's device not \
            yet certified here, a clock behind the author's) is kept aside and tried again at every sync \
            (held, retried, retried_stored, waiting); one refused for good is recorded by id and reason. \
            Each device numbers its revisions per case: a gap this replica cannot fill (the server did not \
            serve those revisions to you) is listed as missing. A sync that would crypto-shred more than \
            $CASEBOOK_SYNC_ERASURE_LIMIT cases (default 3) at once erases none of them and stops (exit 6) \
            until the DSL or an administrator confirms with --confirm-erasures N.
            """)

    @OptionGroup var options: VaultOptions
    @Option(help: "Sync server URL.") var server: String?
    @Option(name: .customLong("ca-cert"), help: ArgumentHelp("PEM file of the CA that signed the server's certificate (default: $CASEBOOK_CA_CERT, else the one remembered at enrolment, else the system's roots).", valueName: "file")) var caCert: String?
    @Option(name: .customLong("confirm-erasures"),
            help: "Confirm that destruction certificates may crypto-shred up to N cases on this replica in this sync (DSL or administrator).")
    var confirmErasures: Int?

    func configure(_ configuration: inout SyncConfiguration) throws {
        guard let confirmErasures else { return }
        guard confirmErasures >= 0 else { throw CasebookError(.invalidInput, "--confirm-erasures needs a number of cases (0 or more)") }
        configuration.confirmedErasures = confirmErasures
    }

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
        // Integrity (ADR 0014)
        var held: Int
        var retried: Int
        var retriedStored: Int
        var waiting: Int
        var waitingRevisions: [HeldRevision]
        var missing: [Missing]
        var erasuresHeld: [String]
        var erasureLimit: Int
        /// Concerns saved while this laptop held no key for their client, raised by this sync, and still waiting (ADR 0024).
        var concernsRaised: Int
        var concernsWaiting: Int
    }

    struct Missing: Encodable {
        var device: String
        var person: String?
        var caseId: String
        var first: UInt64
        var last: UInt64
        var count: UInt64
    }

    func run(vault: Vault, client: SyncClient) async throws {
        if let server, !server.isEmpty, try vault.serverURL() == nil { try vault.setServerURL(server) }
        var r = try await client.run()
        // Concerns saved while this laptop held no key for their client (ADR 0024): raised once it
        // does, and sent by a second run at once.
        let raised = try vault.raiseQueuedConcerns()
        if !raised.isEmpty { r.pushed += try await client.run().pushed }
        let waitingConcerns = try vault.queuedConcerns().count
        let held = try vault.heldEnrolments()
        if options.json {
            Output.json(Report(pushed: r.pushed, pulled: r.pulled, stored: r.stored, rejected: r.rejected, refused: r.refused,
                               pushRejected: r.pushRejected,
                               keysReceived: r.keysReceived, keysRejected: r.keysRejected, keysDistributed: r.keysDistributed,
                               trainingPublished: r.trainingPublished, certified: r.certified,
                               backfilled: r.backfilled.map(\.rawValue), serverErased: r.serverErased.map(\.rawValue),
                               serverErasureRefused: r.serverErasureRefused.map(\.rawValue),
                               erasedLocally: r.erasedLocally.map(\.rawValue), cursor: r.cursor, retries: r.retries,
                               heldDevices: held,
                               held: r.held, retried: r.retried, retriedStored: r.retriedStored, waiting: r.waiting,
                               waitingRevisions: try vault.heldRevisions(),
                               missing: r.missing.map { Missing(device: $0.device.rawValue, person: $0.person?.rawValue, caseId: $0.caseID.rawValue,
                                                                first: $0.first, last: $0.last, count: $0.count) },
                               erasuresHeld: r.erasuresHeld.map(\.rawValue), erasureLimit: client.configuration.erasureLimit,
                               concernsRaised: raised.count, concernsWaiting: waitingConcerns))
            try stopIfErasuresHeld(r, client.configuration)
            return
        }
        // The same block as 'casebook status', short, at the top (issue 13); a status that cannot
        // be read (e.g. training lapsed) never fails the sync that already happened.
        if let status = try? vault.status(), let lines = try? StatusCommand.lines(status, vault: vault, short: true) {
            for line in lines { print(line) }
        }
        print("Sent \(r.pushed) revision(s); received \(r.pulled) (\(r.stored) new).")
        if let fingerprint = try vault.awaitingCertification() {
            print("Waiting for your administrator to certify this device (fingerprint \(fingerprint)); nothing shared with you is readable until then.")
        }
        if !raised.isEmpty { print("Raised and sent \(raised.count) concern(s) saved while this laptop waited for the client's key.") }
        if waitingConcerns > 0 {
            Output.warn("\(waitingConcerns) concern(s) saved on this laptop still wait for their client's key; they go at the sync that brings it (phone the DSL if you have not)")
        }
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
        if r.retried > 0 { print("Tried again \(r.retried) revision(s) kept aside earlier: \(r.retriedStored) now stored.") }
        for rejected in r.rejected {
            if rejected.kind == .transient {
                Output.warn("kept aside revision \(rejected.id.prefix(12)): \(rejected.message); it is tried again at every sync")
            } else {
                Output.warn("refused revision \(rejected.id.prefix(12)): \(rejected.message)")
            }
        }
        if r.waiting > 0 {
            Output.warn("\(r.waiting) revision(s) are kept aside until their reason passes (a certificate, a clock catching up); see 'casebook sync --json' (waiting_revisions)")
        }
        for gap in r.missing {
            let numbers = gap.first == gap.last ? "revision #\(gap.first)" : "revisions #\(gap.first)-#\(gap.last)"
            let who = gap.person.map { "device \(gap.device) (person \($0))" } ?? "device \(gap.device)"
            Output.warn("missing \(numbers) of \(who) in case \(gap.caseID): you hold later ones, but the server has not served these to you (withheld, or not yet uploaded); tell your DSL or administrator if this persists")
        }
        for refused in r.refused {
            Output.warn("kept revision \(refused.id.prefix(12)) out of the records (\(refused.reason)): \(refused.message)")
        }
        for rejected in r.keysRejected { Output.warn("refused a case key: \(rejected.message)") }
        for rejected in r.pushRejected { Output.warn("the server refused revision \(rejected.id.prefix(12)): \(rejected.message) (kept locally)") }
        try stopIfErasuresHeld(r, client.configuration)
    }

    /// The mass-erasure stop: the report is out; the command ends with a clear error (exit 6).
    func stopIfErasuresHeld(_ r: SyncReport, _ configuration: SyncConfiguration) throws {
        guard !r.erasuresHeld.isEmpty else { return }
        let n = r.erasuresHeld.count
        throw CasebookError(.approvalRequired, """
            sync stopped before crypto-shredding \(n) case(s) on this replica: destruction certificates would erase more than \
            \(max(configuration.erasureLimit, configuration.confirmedErasures)) at once, so none was erased; if the DSL or an \
            administrator confirms these erasures are expected, run 'casebook sync --confirm-erasures \(n)'
            """)
    }
}

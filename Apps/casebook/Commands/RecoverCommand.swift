import ArgumentParser
import CasebookCrypto
import CasebookModels
import CasebookStorage
import CasebookSync
import Foundation

struct RecoverCommand: AsyncVaultCommand {
    static let configuration = CommandConfiguration(
        commandName: "recover",
        abstract: "Re-wrap case keys from the organisation recovery key (administrators), after a lost device.",
        discussion: """
            Every case key is also wrapped for the organisation recovery key, whose private half was \
            written once, at the first administrator's enrolment, to the file kept offline. This command \
            reads that file, asks the server for the recovery key's copies of the keys, opens them on \
            this laptop, and wraps them for the certified devices of a person. The server never sees the \
            recovery key or a case key. Bring the file to this laptop only for the command (for example \
            on removable media), and take it away again.

            A practitioner lost their laptop (the new laptop joins under a new person id):
              casebook person remove OLD-PERSON      (devices locked out, keys rotate)
              casebook person invite --name NAME --role practitioner --type staff
              (on the new laptop: casebook enrol ...; then here: casebook sync)
              casebook recover --recovery-key FILE --from OLD-PERSON --for NEW-PERSON
              (they run casebook sync: every case OLD-PERSON could read comes back)

            'casebook recover --recovery-key FILE --for PERSON' alone re-wraps the keys of the cases \
            PERSON may read for each of their certified devices (for example when no other vault \
            that held a case is left to share its key).

            Every reader of a case is gone and it must be read or exported:
              casebook recover --recovery-key FILE --case CLIENT
              casebook sync      (the case is granted to you and its keys wrapped for you)

            Without --case: every case PERSON may read now (their grants; every case for a DSL), or \
            that --from PERSON could read (each granted to --for). With --case: only that case, granted \
            to --for first. --for defaults to you. Each recovered case is written to the audit log.
            """)

    @OptionGroup var options: VaultOptions
    @Option(help: "Sync server URL (default: the one you enrolled with).") var server: String?
    @Option(name: .customLong("ca-cert"), help: ArgumentHelp("PEM file of the CA that signed the server's certificate (default: $CASEBOOK_CA_CERT, else the one remembered at enrolment, else the system's roots).", valueName: "file")) var caCert: String?
    @Option(help: ArgumentHelp("The organisation recovery key file (kept offline).", valueName: "file")) var recoveryKey: String
    @Option(help: ArgumentHelp("Person whose devices receive the keys (default: you).", valueName: "person-id")) var `for`: String?
    @Option(help: ArgumentHelp("Only this client's case (granted to the person first).", valueName: "client-id")) var `case`: String?
    @Option(help: ArgumentHelp("Recover the cases this person could read (each is granted to --for).", valueName: "person-id")) var from: String?

    func run(vault: Vault, client: SyncClient) async throws {
        let person = try `for`.map { try vault.resolvePerson($0) } ?? vault.person
        let caseID = try `case`.map { try vault.resolveClient($0) }
        guard let data = FileManager.default.contents(atPath: recoveryKey) else {
            throw CasebookError(.notFound, "cannot read the recovery key file \(recoveryKey)")
        }
        let key = try RecoveryKey(fileContents: String(decoding: data, as: UTF8.self))
        let source = try from.map { try vault.resolvePerson($0) }
        let outcome = try await client.recover(with: key, for: person, from: source, caseID: caseID)
        if options.json { Output.json(outcome); return }
        print("Recovered \(outcome.cases.count) case(s) for \(person): \(outcome.keys) key(s) wrapped for \(outcome.devices.count) device(s).")
        if outcome.alreadyHeld > 0 { print("\(outcome.alreadyHeld) key(s) were already held by those devices.") }
        if outcome.unreadable > 0 { Output.warn("\(outcome.unreadable) recovery copies were not used: not signed by a device this organisation certified, or not opening with this key (tampered?)") }
        if outcome.cases.isEmpty, caseID == nil { print("Nothing to recover: the server lists no case \(person) may read.") }
        print(person == vault.person ? "Run 'casebook sync' to receive them." : "They run 'casebook sync' to receive them.")
    }
}

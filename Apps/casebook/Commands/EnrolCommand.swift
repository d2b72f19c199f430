import ArgumentParser
import CasebookCrypto
import CasebookModels
import CasebookStorage
import CasebookSync
import Foundation

struct EnrolCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enrol",
        abstract: "Make this vault a member of an organisation's sync server (creating the vault).",
        discussion: """
            Creates your device keys and registers their public halves with the server using a one-time \
            code. Every code starts with cb1. (so --code=CODE and --code CODE both work). An invited \
            person's code looks like cb1.PERSON.SECRET.FINGERPRINT[.PIN]: the fingerprint lets this command \
            check that the server serves the organisation's real root key; the optional pin is the SHA-256 \
            of the server's TLS certificate, checked before anything is sent. The server never sees the \
            code itself, only a value derived from it, and cannot vouch for a device of its own. This \
            command prints your device's fingerprint: your administrator sees the same one.

            TLS: a server with the organisation's own certificate needs its CA certificate: --ca-cert FILE \
            (or CASEBOOK_CA_CERT); it is remembered in the vault for later commands. Plain http:// is \
            refused except to this machine. $CASEBOOK_SYNC_TIMEOUT (seconds) bounds the request.

            The organisation's first administrator uses the code and person id printed by \
            'casebook-server init' (--code CODE --person ID) and must name a file for the organisation \
            recovery key (--recovery-key-out FILE): it is written once, owner-only. Keep it OFFLINE: with \
            it, lost records can be recovered; without it, only the DSL's replicas hold every case.

            An existing standalone vault (from 'casebook init') can join too: run this command on it. \
            Its device keys are registered, its clients, sessions and their keys are kept, and they are \
            pushed (and their keys wrapped for the DSL and the recovery key) at your next sync. Your \
            records keep their author, so the invitation must be for your vault's person id: tell the \
            administrator the id 'casebook person list' shows for you, and they invite you with \
            'casebook person invite --existing-person ID ...'. The standalone organisation records \
            (your own person record, settings, policy versions, training) are replaced by the \
            organisation's: ask the administrator to record your training.
            """)

    @OptionGroup var options: VaultOptions
    @Option(help: "Sync server URL, e.g. https://sync.example.org.") var server: String?
    @Option(name: .customLong("ca-cert"), help: ArgumentHelp("PEM file of the CA that signed the server's certificate (default: $CASEBOOK_CA_CERT, else the one remembered at enrolment, else the system's roots).", valueName: "file")) var caCert: String?
    @Option(help: "The one-time enrolment code.") var code: String
    @Option(help: "Your name (stored encrypted in the organisation records).") var name: String
    @Option(help: "Your person id (only for the first administrator's code from casebook-server init).") var person: String?
    @Option(help: "Who you are to the organisation: staff, volunteer or external.") var type: PersonType = .staff
    @Option(help: ArgumentHelp("First administrator only: where to write the organisation recovery key.", valueName: "file"))
    var recoveryKeyOut: String?

    /// The CA to trust (--ca-cert or CASEBOOK_CA_CERT) and the pin the invitation code carries.
    func enrolmentSecurity(_ parsed: EnrolmentCode) throws -> TransportSecurity {
        TransportSecurity(caCertificatesPEM: try SyncSupport.caCertificate(explicit: caCert), serverCertificatePin: parsed.serverCertificatePin)
    }

    func run() async throws {
        try await Output.guarded {
            let path = options.vaultPath
            let parsed = try EnrolmentCode(parsing: code)
            if FileManager.default.fileExists(atPath: path) {
                try await enrolExisting(code: parsed)  // EnrolCommand+Existing.swift
                return
            }
            let explicitPerson = try person.map { try Parse.id($0, as: PersonID.self, what: "person") }
            if parsed.rootFingerprint == nil {
                guard let out = recoveryKeyOut else {
                    throw CasebookError(.invalidInput, "the first administrator must give --recovery-key-out FILE for the organisation recovery key")
                }
                guard !FileManager.default.fileExists(atPath: out) else {
                    throw CasebookError(.invalidInput, "\(out) already exists; the recovery key is never written over another file")
                }
            }
            guard case .passphrase(let passphrase) = try options.unlock(forCreation: true) else {
                throw CasebookError(.invalidInput, "a new vault needs a passphrase, not a session token")
            }
            guard passphrase.count >= 10 else { throw CasebookError(.invalidInput, "the passphrase must be at least 10 characters long") }
            let url = try SyncSupport.serverURL(explicit: server, vault: nil)
            let security = try enrolmentSecurity(parsed)
            let transport = try HTTPSyncTransport(baseURL: url, identity: nil, security: security)
            let enrolment = try await SyncClient.enrol(code: parsed, person: explicitPerson, transport: transport,
                                                       timeout: SyncSupport.requestTimeout() ?? .seconds(30))
            if let recovery = enrolment.recovery, let out = recoveryKeyOut {
                // Owner-only from the first byte, never overwriting (OwnerOnlyFile, ADR 0018).
                do throws(CasebookError) { try OwnerOnlyFile.create(out, contents: Data(recovery.secretFileContents.utf8)) } catch {
                    throw CasebookError(.storage, "could not write the recovery key to \(out) (\(error.message)); the device is enrolled but the organisation has no usable recovery key")
                }
            }
            let vault = try Vault.createEnrolled(at: path, passphrase: passphrase, identity: enrolment.identity, ownerName: name,
                                                 role: enrolment.person.role, type: type, organisation: enrolment.organisation,
                                                 root: enrolment.root, recoveryKey: enrolment.recovery?.publicKey, server: url)
            try vault.rememberTransportSecurity(TransportSecurity(caCertificatesPEM: security.caCertificatesPEM))
            if options.json {
                Output.json(["vault": vault.path, "person_id": vault.person.rawValue, "device_id": vault.device.rawValue,
                             "organisation": enrolment.organisation.name, "role": enrolment.person.role.rawValue,
                             "root": enrolment.isRoot ? "yes" : "no", "fingerprint": enrolment.fingerprint])
            } else {
                print("Enrolled in \(enrolment.organisation.name) as \(enrolment.person.role.rawValue); vault \(vault.path)")
                print("Your person id: \(vault.person)")
                print("Your device fingerprint: \(enrolment.fingerprint) (your administrator sees the same one before vouching for this device)")
                if let out = recoveryKeyOut, enrolment.recovery != nil {
                    print("The organisation recovery key was written to \(out). Move it OFFLINE now (print it or copy it to")
                    print("removable media kept in a safe) and delete it from this laptop.")
                } else {
                    print("Next: ask your administrator to run 'casebook sync' (it vouches for your keys), then run 'casebook sync'.")
                }
            }
        }
    }
}

import ArgumentParser
import CasebookModels
import CasebookStorage
import CasebookSync
import Foundation

struct PersonCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "person", abstract: "People of the organisation: invite, list, remove.", subcommands: [Invite.self, List.self, Remove.self])

    struct Invite: AsyncVaultCommand {
        static let configuration = CommandConfiguration(
            abstract: "Invite a person (administrators); prints their one-time enrolment code.",
            discussion: """
                The code (cb1.PERSON.SECRET.FINGERPRINT[.PIN]) is generated on this laptop; the server receives \
                only the SHA-256 of a value derived from it, and cannot make the proof that the invitee's device \
                makes with it. Your next 'casebook sync' vouches for one device per invitation; a further device \
                claiming it is held until you run 'casebook device certify DEVICE'. The person's name \
                is stored encrypted in the organisation records, never on the server. Give the code to the \
                person privately; after they run 'casebook enrol', run 'casebook sync' to vouch for their keys.

                Someone who already keeps a standalone vault (from 'casebook init') joins with it: invite \
                them with --existing-person ID, the person id 'casebook person list' shows on their vault, \
                so that the records they already wrote keep their author. They run 'casebook enrol' on that vault.
                """)
        @OptionGroup var options: VaultOptions
        @Option(help: "Sync server URL (default: the one you enrolled with).") var server: String?
        @Option(name: .customLong("ca-cert"), help: ArgumentHelp("PEM file of the CA that signed the server's certificate (default: $CASEBOOK_CA_CERT, else the one remembered at enrolment, else the system's roots).", valueName: "file")) var caCert: String?
        @Option(help: "The person's name (stored encrypted).") var name: String
        @Option(help: "Their role: practitioner, dsl or admin.") var role: Role
        @Option(help: "Who they are: staff, volunteer or external.") var type: PersonType
        @Option(help: ArgumentHelp(
            "Invite the owner of an existing standalone vault under the person id its records carry (they read it from 'casebook person list').",
            valueName: "person-id"))
        var existingPerson: String?
        @Option(name: .customLong("server-cert"), help: ArgumentHelp(
            "The sync server's TLS certificate (PEM): its SHA-256 goes into this and later invitation codes, and the invitee's 'casebook enrol' checks it.",
            valueName: "file"))
        var serverCert: String?

        func run(vault: Vault, client: SyncClient) async throws {
            guard [.practitioner, .dsl, .admin].contains(role) else {
                throw CasebookError(.invalidInput, "--role must be practitioner, dsl or admin")
            }
            if let serverCert {
                guard let data = FileManager.default.contents(atPath: serverCert),
                      let pin = HTTPSyncTransport.certificateFingerprint(pem: String(decoding: data, as: UTF8.self)) else {
                    throw CasebookError(.invalidInput, "\(serverCert) is not a readable PEM certificate; give the server's certificate file (--server-cert)")
                }
                try vault.rememberTransportSecurity(TransportSecurity(serverCertificatePin: pin))
            }
            let existing = try existingPerson.map { try Parse.id($0, as: PersonID.self, what: "--existing-person") }
            let invitation = try await client.invite(name: name, role: role, type: type, existing: existing)
            if options.json {
                Output.json(["id": invitation.person.rawValue, "enrolment_code": invitation.code])
            } else {
                print("Invited \(invitation.person) as \(role.rawValue).")
                print("Enrolment code (one use; give it to them privately):")
                print("  \(invitation.code)")
                let server = (try? vault.serverURL()).flatMap { $0 } ?? "URL"
                let quoted = "'" + name.replacingOccurrences(of: "'", with: "'\\''") + "'"
                print("They run: casebook enrol --server \(server) --code=CODE --name \(quoted)")
                print("(with --ca-cert FILE if the server uses the organisation's own CA); then you run: casebook sync")
                if existing != nil { print("(On their existing standalone vault: its records keep their author; see 'casebook enrol --help'.)") }
            }
        }
    }

    struct List: VaultCommand {
        static let configuration = CommandConfiguration(abstract: "Show everyone in the organisation records.")
        @OptionGroup var options: VaultOptions

        struct Row: Encodable {
            var id: String
            var name: String
            var roles: [String]
            var type: String
            var active: Bool
            var removalReason: String?
            var pendingCertification: Bool
            var devices: Int
        }

        func run(vault: Vault) throws {
            let org = try vault.organisation()
            let pending = Set(try vault.pendingInvitations())
            let rows = try org.people.sorted { ($0.name.lowercased(), $0.id) < ($1.name.lowercased(), $1.id) }.map { p in
                Row(id: p.id.rawValue, name: p.name, roles: p.roles.map(\.rawValue), type: p.type.rawValue, active: p.active,
                    removalReason: p.removalReason, pendingCertification: pending.contains(p.id), devices: try vault.trustedDevices(of: p.id).count)
            }
            if options.json { Output.json(rows); return }
            if rows.isEmpty { print("No people yet (sync first if you have just enrolled).") }
            for r in rows {
                let state = r.pendingCertification
                    ? (r.devices > 0 ? "  (a new device invited, not yet enrolled and vouched for)" : "  (invited, not yet enrolled and vouched for)")
                    : r.devices == 0 && r.active ? "  (no certified device yet)" : ""
                let inactive = r.active ? "" : "  removed\(r.removalReason.map { ": \($0)" } ?? "")"
                print("\(r.id)  \(r.name)  \(r.roles.joined(separator: ","))  \(r.type)\(inactive)\(state)")
            }
        }
    }
}

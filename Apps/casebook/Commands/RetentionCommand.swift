import ArgumentParser
import CasebookModels
import CasebookStorage
import Foundation

extension RetentionHoldReason: ExpressibleByArgument {}

/// Retention: seven years after last contact for adults; a child's records until their 25th birthday
/// (26th if 17 at the last contact); holds stop destruction.
struct RetentionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retention", abstract: "Retention rules, holds, and what falls due for destruction.",
        subcommands: [Due.self, Hold.self, LiftHold.self, Erasures.self])

    struct Due: VaultCommand {
        static let configuration = CommandConfiguration(abstract: "List cases whose destruction is due (admin, DSL or records officer).")
        @OptionGroup var options: VaultOptions
        @Flag(help: "List every case, not only those due.") var all = false

        struct Row: Encodable {
            var client: String, lastContact: String, dueOn: String, status: String, bornOnUnknown: Bool, holds: [String]
        }

        func run(vault: Vault) throws {
            let rows = try vault.retention(dueOnly: !all).map {
                Row(client: $0.clientID.rawValue, lastContact: $0.lastContact.iso, dueOn: $0.status.dueOn.iso, status: $0.status.label,
                    bornOnUnknown: $0.bornOnUnknown, holds: $0.holds.map { "\($0.reason.rawValue):\($0.id.rawValue)" })
            }
            if options.json { Output.json(rows); return }
            if rows.isEmpty { print(all ? "No cases." : "Nothing falls due.") }
            for r in rows {
                let held = r.holds.isEmpty ? "" : "  holds: \(r.holds.joined(separator: ", "))"
                print("\(r.client)  last contact \(r.lastContact)  due \(r.dueOn)  \(r.status)\(r.bornOnUnknown ? "  (date of birth unknown: adult rule)" : "")\(held)")
            }
        }
    }

    struct Hold: VaultCommand {
        static let configuration = CommandConfiguration(abstract: "Place a hold that stops a case's destruction (admin or DSL).")
        @OptionGroup var options: VaultOptions
        @Argument(help: "Client id.") var client: String
        @Option(help: "safeguarding or litigation") var reason: RetentionHoldReason

        func run(vault: Vault) throws {
            let hold = try vault.placeRetentionHold(client: try vault.resolveClient(client), reason: reason)
            if options.json { Output.json(["id": hold.id.rawValue]) } else { print("Placed \(hold.reason.rawValue) hold \(hold.id).") }
        }
    }

    struct LiftHold: VaultCommand {
        static let configuration = CommandConfiguration(commandName: "lift-hold", abstract: "Lift a retention hold (admin or DSL).")
        @OptionGroup var options: VaultOptions
        @Argument(help: "Hold id.") var id: String

        func run(vault: Vault) throws {
            let hold = try vault.liftRetentionHold(try vault.resolveRecord(id, types: [.retentionHold], what: "hold", list: "casebook retention due"))
            if options.json { Output.json(["id": hold.id.rawValue, "lifted_on": hold.liftedOn?.iso]) } else { print("Lifted hold \(hold.id).") }
        }
    }

    struct Erasures: VaultCommand {
        static let configuration = CommandConfiguration(
            abstract: "List destruction certificates and whether the server's copy is erased.",
            discussion: """
                Each erasure leaves a destruction certificate in the organisation records (every replica \
                holds them). 'server' says where the server's copy stands as this replica knows it: \
                pending (this replica erased the case and sends the erasure at its next sync), done (this \
                replica's sync erased it on the server, with the time), or not-tracked (another replica \
                erased it, and sends the server erasure itself). The certificate's own \
                server_erasure_pending stays as recorded at erasure time.
                """)
        @OptionGroup var options: VaultOptions

        struct Row: Encodable {
            var id: String, caseId: String, erasedOn: String, erasedBy: String
            var revisionsDestroyed: Int, wrappedKeysDestroyed: Int, serverErasurePending: Bool
            var server: String, serverErasedAt: Date?
        }

        func run(vault: Vault) throws {
            let rows = try vault.destructionCertificates().map { c in
                let server = try vault.serverErasureState(of: c.caseID)
                return Row(id: c.id.rawValue, caseId: c.caseID.rawValue, erasedOn: c.erasedOn.iso, erasedBy: c.erasedBy.rawValue,
                           revisionsDestroyed: c.revisionsDestroyed, wrappedKeysDestroyed: c.wrappedKeysDestroyed,
                           serverErasurePending: c.serverErasurePending, server: server.state.rawValue, serverErasedAt: server.at)
            }
            if options.json { Output.json(rows); return }
            if rows.isEmpty { print("No erasures.") }
            for r in rows {
                let at = r.serverErasedAt.map { " at \(ISO8601DateFormatter().string(from: $0))" } ?? ""
                print("\(r.id)  client \(r.caseId)  erased \(r.erasedOn) by \(r.erasedBy)  \(r.revisionsDestroyed) revisions, \(r.wrappedKeysDestroyed) keys  server: \(r.server)\(at)")
            }
        }
    }
}

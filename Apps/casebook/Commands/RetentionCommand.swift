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
        subcommands: [Due.self, Hold.self, LiftHold.self])

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
            let hold = try vault.placeRetentionHold(client: try Parse.id(client, as: ClientID.self, what: "client"), reason: reason)
            if options.json { Output.json(["id": hold.id.rawValue]) } else { print("Placed \(hold.reason.rawValue) hold \(hold.id).") }
        }
    }

    struct LiftHold: VaultCommand {
        static let configuration = CommandConfiguration(commandName: "lift-hold", abstract: "Lift a retention hold (admin or DSL).")
        @OptionGroup var options: VaultOptions
        @Argument(help: "Hold id.") var id: String

        func run(vault: Vault) throws {
            let hold = try vault.liftRetentionHold(try Parse.id(id, as: RecordID.self, what: "hold"))
            if options.json { Output.json(["id": hold.id.rawValue, "lifted_on": hold.liftedOn?.iso]) } else { print("Lifted hold \(hold.id).") }
        }
    }
}

import ArgumentParser
import CasebookModels
import CasebookStorage
import Foundation

/// P10: who needs training soon (a subcommand of `casebook training`).
extension TrainingCommand {
    struct Due: VaultCommand {
        static let configuration = CommandConfiguration(
            abstract: "List who needs confidentiality or data-protection training within the next days (default 30).")
        @OptionGroup var options: VaultOptions
        @Option(help: "Window in days.") var within = 30

        struct Row: Encodable { var person: String, name: String, course: String, expiresOn: String?, state: String }

        func run(vault: Vault) throws {
            guard (0...366).contains(within) else { throw CasebookError(.invalidInput, "--within must be 0 to 366 days") }
            let rows = try vault.trainingDue(within: within).map {
                Row(person: $0.person.rawValue, name: $0.name, course: $0.course.rawValue, expiresOn: $0.expiresOn?.iso, state: $0.state.rawValue)
            }
            if options.json { Output.json(rows); return }
            if rows.isEmpty { print("Nobody needs training within \(within) days.") }
            for r in rows { print("\(r.name) (\(r.person))  \(r.course)  \(r.state)\(r.expiresOn.map { " \($0)" } ?? "")") }
        }
    }
}

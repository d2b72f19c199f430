import ArgumentParser
import CasebookModels
import CasebookStorage
import Foundation

struct TrainingCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "training",
        abstract: "Confidentiality and data-protection training (needed to open client records).",
        subcommands: [Record.self, List.self, Due.self])

    struct Record: VaultCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record a completed course for yourself, or (administrators) for --person.")

        @OptionGroup var options: VaultOptions
        @Option(help: "confidentiality or data-protection") var course: TrainingCourse
        @Option(help: "Completion date, YYYY-MM-DD.") var completed: LocalDate
        @Option(help: "Person id (default: you).") var person: String?

        func run(vault: Vault) throws {
            let subject = try person.map { try vault.resolvePerson($0) }
            let record = try vault.recordTraining(course: course, completedOn: completed, for: subject)
            if options.json {
                Output.json(["id": record.id.rawValue, "expires_on": record.expiresOn.iso])
            } else {
                print("Recorded \(record.course.title) training completed \(record.completedOn), valid until \(record.expiresOn).")
            }
        }
    }

    struct List: VaultCommand {
        static let configuration = CommandConfiguration(abstract: "List training records.")
        @OptionGroup var options: VaultOptions

        struct Row: Encodable {
            var id: String, person: String, course: String, completedOn: String, expiresOn: String, current: Bool
        }

        func run(vault: Vault) throws {
            let org = try vault.organisation()
            let today = vault.clock.today
            let rows = org.training.sorted { ($0.person, $0.course.rawValue, $0.completedOn) < ($1.person, $1.course.rawValue, $1.completedOn) }
                .map { Row(id: $0.id.rawValue, person: $0.person.rawValue, course: $0.course.rawValue, completedOn: $0.completedOn.iso,
                           expiresOn: $0.expiresOn.iso, current: $0.completedOn <= today && today <= $0.expiresOn) }
            if options.json { Output.json(rows); return }
            if rows.isEmpty { print("No training recorded.") }
            let names = try Names(vault)
            for r in rows { print("\(names.person(r.person))  \(r.course)  completed \(r.completedOn)  expires \(r.expiresOn)\(r.current ? "" : "  (expired)")") }
        }
    }
}

struct PolicyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy", abstract: "The confidentiality policy version in force (reviewed annually).",
        subcommands: [Adopt.self, Show.self])

    struct Adopt: VaultCommand {
        static let configuration = CommandConfiguration(abstract: "Adopt a policy version (administrators).")
        @OptionGroup var options: VaultOptions
        @Option(help: "Version label, e.g. 2026-1.") var version: String
        @Option(help: "Date adopted, YYYY-MM-DD.") var adopted: LocalDate
        @Option(help: "Next review date (default: one year after adoption).") var reviewDue: LocalDate?

        func run(vault: Vault) throws {
            let policy = try vault.adoptPolicy(version: version, adoptedOn: adopted, reviewDue: reviewDue)
            if options.json { Output.json(["id": policy.id.rawValue, "review_due": policy.reviewDue.iso]) } else {
                print("Policy version \(policy.version) adopted \(policy.adoptedOn); review due \(policy.reviewDue).")
            }
        }
    }

    struct Show: VaultCommand {
        static let configuration = CommandConfiguration(abstract: "Show the policy version in force.")
        @OptionGroup var options: VaultOptions

        func run(vault: Vault) throws {
            let today = vault.clock.today
            let policy = try vault.organisation().policyInForce(on: today)
            if options.json {
                Output.json(["version": policy?.version, "adopted_on": policy?.adoptedOn.iso, "review_due": policy?.reviewDue.iso,
                             "overdue": policy.map { String($0.isReviewOverdue(on: today)) }])
            } else if let policy {
                print("Version \(policy.version), adopted \(policy.adoptedOn), review due \(policy.reviewDue)\(policy.isReviewOverdue(on: today) ? " (OVERDUE)" : "").")
            } else {
                print("No policy version recorded.")
            }
        }
    }
}

struct SettingsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "settings", abstract: "Organisation settings: approved platforms, redaction mode, DSL contact.",
        subcommands: [Show.self, Set.self])

    struct Show: VaultCommand {
        static let configuration = CommandConfiguration(abstract: "Show the settings.")
        @OptionGroup var options: VaultOptions
        func run(vault: Vault) throws {
            let s = try vault.organisation().settings
            if options.json { Output.json(s); return }
            print("Organisation: \(s.organisationName)")
            print("Approved platforms: \(s.approvedPlatforms.joined(separator: ", "))")
            print("Redaction: \(s.redaction.rawValue)")
            print("Training valid for: \(s.trainingValidityMonths) months")
            print("DSL contact: \(s.dslContact)")
        }
    }

    struct Set: VaultCommand {
        static let configuration = CommandConfiguration(abstract: "Change settings (administrators).")
        @OptionGroup var options: VaultOptions
        @Option(name: .customLong("approved-platform"), help: "An approved platform (repeat for several; replaces the list).")
        var platforms: [String] = []
        @Option(help: "mask (mask and report) or refuse.") var redaction: RedactionPolicy?
        @Option(help: "DSL contact shown when raising a concern offline.") var dslContact: String?
        @Option(help: "Months a training course stays valid.") var trainingValidityMonths: Int?

        func run(vault: Vault) throws {
            try vault.updateSettings { (s: inout OrganisationSettings) throws(CasebookError) in
                if !platforms.isEmpty {
                    let cleaned = platforms.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                    guard !cleaned.isEmpty else { throw CasebookError(.invalidInput, "--approved-platform must not be empty") }
                    s.approvedPlatforms = cleaned
                }
                if let redaction { s.redaction = redaction }
                if let dslContact { s.dslContact = dslContact }
                if let months = trainingValidityMonths {
                    guard (1...60).contains(months) else { throw CasebookError(.invalidInput, "--training-validity-months must be 1 to 60") }
                    s.trainingValidityMonths = months
                }
            }
            if options.json { Output.json(try vault.organisation().settings) } else { print("Settings updated.") }
        }
    }
}

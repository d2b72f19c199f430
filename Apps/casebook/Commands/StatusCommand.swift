import ArgumentParser
import CasebookModels
import CasebookStorage
import Foundation

/// `casebook status`: last sync, changes not yet sent, and what needs you (issue 13). For the DSL
/// this is the inbox: unacknowledged concerns with their escalation clock, releases awaiting
/// approval, subject-access deadlines; for everyone, their own stale drafts and training.
struct StatusCommand: VaultCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the last sync, changes not yet sent, and what needs you (the DSL's inbox).")
    @OptionGroup var options: VaultOptions

    struct ItemView: Encodable {
        var kind: String, record: String?, client: String?, person: String?, due: Date?, overdue: Bool, summary: String
    }
    struct View: Encodable {
        var serverConfigured: Bool, lastSync: Date?, unsent: Int, items: [ItemView]
    }

    func run(vault: Vault) throws {
        let report = try vault.status()
        if options.json {
            Output.json(View(serverConfigured: report.serverConfigured, lastSync: report.lastSync, unsent: report.unsent,
                             items: report.items.map {
                                 ItemView(kind: $0.kind.rawValue, record: $0.record?.rawValue, client: $0.client?.rawValue,
                                          person: $0.person?.rawValue, due: $0.due, overdue: $0.overdue, summary: $0.summary)
                             }))
            return
        }
        for line in try Self.lines(report, vault: vault) { print(line) }
    }

    /// The human-readable block, also printed (short) at the top of `casebook sync`.
    static func lines(_ report: StatusReport, vault: Vault, short: Bool = false) throws -> [String] {
        var lines: [String] = []
        if report.serverConfigured {
            let last = report.lastSync.map { "last sync \(Output.localTime($0))" } ?? "never synced"
            lines.append("Sync: \(last); \(report.unsent) change(s) not yet sent.")
        } else if !short {
            lines.append("Sync: no server (a standalone vault); \(report.unsent) change(s) recorded locally.")
        }
        guard !report.items.isEmpty else {
            if !short { lines.append("Nothing needs you.") }
            return lines
        }
        let names = try Names(vault, clients: report.items.compactMap(\.client))
        lines.append("Needs you (\(report.items.count)):")
        for item in report.items.prefix(short ? 5 : .max) {
            var parts = [item.overdue ? "OVERDUE" : "due", Self.heading(item.kind)]
            if let record = item.record { parts.append(Vault.short(record)) }
            if let client = item.client { parts.append("client \(names.client(client))") }
            if let person = item.person {
                switch item.kind {
                case .unacknowledgedConcern: parts.append("raised by \(names.person(person))")
                case .releaseAwaitingApproval: parts.append("recorded by \(names.person(person))")
                case .training: parts.append("for \(names.person(person))")
                case .breach: parts.append("of \(names.person(person))")
                default: break
                }
            }
            var line = "  " + parts.joined(separator: " ") + ": " + item.summary
            if item.kind == .breach, let due = item.due { line += " (deadline \(Output.localTime(due)))" }
            if item.kind == .unacknowledgedConcern, let due = item.due {
                line += item.overdue ? "; escalated at \(Output.localTime(due))" : "; escalates at \(Output.localTime(due))"
            }
            lines.append(line)
        }
        if short, report.items.count > 5 { lines.append("  … and \(report.items.count - 5) more: see 'casebook status'") }
        return lines
    }

    static func heading(_ kind: StatusItem.Kind) -> String {
        switch kind {
        case .unacknowledgedConcern: "concern"
        case .releaseAwaitingApproval: "release"
        case .subjectAccessDeadline: "subject-access"
        case .policyReview: "policy"
        case .staleDraft: "draft"
        case .training: "training"
        case .breach: "breach"
        }
    }
}

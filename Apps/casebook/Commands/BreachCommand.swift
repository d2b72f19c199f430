import ArgumentParser
import CasebookModels
import CasebookStorage
import Foundation

extension DeviceRemovalReason: ExpressibleByArgument {}

/// `casebook breach`: personal-data breaches opened by removing a lost or stolen device, and the
/// 72-hour clock for reporting them to the ICO (UK GDPR Art. 33; ADR 0022).
struct BreachCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "breach",
        abstract: "Breaches (a lost or stolen device): list them, record one as reported to the ICO or as no risk.",
        discussion: """
            'casebook device remove DEVICE --reason lost|stolen' opens a breach with a deadline 72 hours on. \
            It stays in the DSL's 'casebook status' until an administrator or the DSL records it as reported \
            to the ICO (with the ICO's reference) or assessed as unlikely to result in a risk to people (with \
            the reason); either records who decided and when, and cannot be changed afterwards. Breach \
            records name devices and staff, never clients: write the reason without client details.
            """,
        subcommands: [List.self, Report.self, Assess.self])

    struct Row: Encodable {
        var id: String, device: String, devicePerson: String?, cause: String, openedBy: String, openedAt: Date, deadline: Date
        var hoursLeft: Int?, status: String, decidedBy: String?, decidedAt: Date?, reference: String?, assessment: String?

        init(_ b: BreachRecord, now: Date) {
            id = b.id.rawValue; device = b.device.rawValue; devicePerson = b.devicePerson?.rawValue; cause = b.cause.rawValue
            openedBy = b.openedBy.rawValue; openedAt = b.openedAt; deadline = b.deadline
            hoursLeft = b.status == .open ? b.hoursLeft(at: now) : nil; status = b.status.rawValue
            decidedBy = b.decidedBy?.rawValue; decidedAt = b.decidedAt; reference = b.reference; assessment = b.assessment
        }
    }

    static func resolve(_ text: String, vault: Vault) throws -> RecordID {
        try vault.resolveRecord(text, types: [.breach], what: "breach", list: "casebook breach list --all")
    }

    static func describe(_ b: BreachRecord, vault: Vault, names: Names) -> String {
        let whose = b.devicePerson.map { " of \(names.person($0))" } ?? ""
        var line = "\(Vault.short(b.id))  \(b.cause.rawValue) device \(Vault.short(b.device))\(whose)  opened \(Output.localTime(b.openedAt)) by \(names.person(b.openedBy))  "
        switch b.status {
        case .open:
            let left = b.hoursLeft(at: vault.clock.now)
            line += left < 0 ? "OVERDUE: the ICO deadline \(Output.localTime(b.deadline)) passed \(-left) hour(s) ago"
                : "open: \(left) hour(s) left (report by \(Output.localTime(b.deadline)))"
        case .reported:
            line += "reported to the ICO (reference \(b.reference ?? "?"))"
        case .noRisk:
            line += "assessed as no risk: \(b.assessment ?? "")"
        }
        if let by = b.decidedBy, let at = b.decidedAt { line += " — decided by \(names.person(by)) at \(Output.localTime(at))" }
        return line
    }

    struct List: VaultCommand {
        static let configuration = CommandConfiguration(abstract: "List open breaches with the hours left to report them (--all: decided ones too).")
        @OptionGroup var options: VaultOptions
        @Flag(help: "Include breaches already reported or assessed.") var all = false

        func run(vault: Vault) throws {
            let breaches = try vault.breaches(all: all)
            if options.json { Output.json(breaches.map { Row($0, now: vault.clock.now) }); return }
            if breaches.isEmpty { print(all ? "No breaches recorded." : "No open breaches."); return }
            let names = try Names(vault)
            for b in breaches { print(BreachCommand.describe(b, vault: vault, names: names)) }
        }
    }

    struct Report: VaultCommand {
        static let configuration = CommandConfiguration(abstract: "Record that a breach was reported to the ICO (administrators and the DSL).")
        @OptionGroup var options: VaultOptions
        @Argument(help: "Breach id or a 6+ character prefix (see 'casebook breach list').") var breach: String
        @Option(help: ArgumentHelp("The ICO's reference for the report.", valueName: "ref")) var reference: String

        func run(vault: Vault) throws {
            let decided = try vault.reportBreach(try BreachCommand.resolve(breach, vault: vault), reference: reference)
            if options.json { Output.json(Row(decided, now: vault.clock.now)); return }
            print("Breach \(Vault.short(decided.id)) recorded as reported to the ICO (reference \(decided.reference ?? "")) at \(Output.localTime(decided.decidedAt ?? vault.clock.now)).")
        }
    }

    struct Assess: VaultCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record that a breach is unlikely to result in a risk to people, and why (administrators and the DSL).",
            discussion: "Art. 33(1): such a breach need not be reported, but the assessment is documented (Art. 33(5)).")
        @OptionGroup var options: VaultOptions
        @Argument(help: "Breach id or a 6+ character prefix (see 'casebook breach list').") var breach: String
        @Flag(help: "The assessment: no risk to people's rights and freedoms (required).") var noRisk = false
        @Option(help: ArgumentHelp("Why (e.g. 'full-disk encryption, passphrase not written down'); no client details.", valueName: "text"))
        var reason: String

        func validate() throws {
            guard noRisk else { throw ValidationError("give --no-risk to record the assessment, or 'casebook breach report' to record a report") }
        }

        func run(vault: Vault) throws {
            let decided = try vault.assessBreachNoRisk(try BreachCommand.resolve(breach, vault: vault), reason: reason)
            if options.json { Output.json(Row(decided, now: vault.clock.now)); return }
            print("Breach \(Vault.short(decided.id)) assessed as no risk at \(Output.localTime(decided.decidedAt ?? vault.clock.now)); it leaves the DSL's inbox.")
        }
    }
}

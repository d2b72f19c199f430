import ArgumentParser
import CasebookModels
import CasebookStorage
import Foundation

extension DisclosureBasis: ExpressibleByArgument {}

/// P2, P9, P12: releases to third parties and the disclosure log.
struct DiscloseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "disclose",
        abstract: "Release information to a third party: needs the client's live consent, or a legal basis approved by the DSL.",
        discussion: """
            casebook disclose CLIENT --to RECIPIENT --purpose TEXT --basis consent|safeguarding|court-order|legal-obligation \
            [--reference TEXT] [--records IDS]
            casebook disclose approve ID      (DSL: approve a legal-basis release)
            casebook disclose list CLIENT     (the client's disclosure log)
            """,
        subcommands: [Release.self, Approve.self, List.self],
        defaultSubcommand: Release.self)

    struct Release: VaultCommand {
        static let configuration = CommandConfiguration(commandName: "release", abstract: "Request a release (the default subcommand).")
        @OptionGroup var options: VaultOptions
        @Argument(help: "Client id.") var client: String
        @Option(help: "Who receives the information.") var to: String
        @Option(help: "What it is for.") var purpose: String
        @Option(help: "consent, safeguarding, court-order or legal-obligation") var basis: DisclosureBasis
        @Option(help: "The court order's number, or the referral or legal reference (needed unless the basis is consent).")
        var reference: String?
        @Option(help: "Comma-separated ids of the records released (minimum necessary).") var records: String?

        func run(vault: Vault) throws {
            let id = try vault.resolveClient(client)
            guard basis != .subjectAccess else {
                throw CasebookError(.invalidInput, "--basis subject-access is used by the subject-access export, not by disclose")
            }
            let ids = try (records ?? "").split(separator: ",").map { try vault.resolveRecord(String($0), types: [.session, .amendment, .consent, .concern, .concernAction, .disclosure, .releaseConsent, .accessRequest], what: "record", list: "casebook session list CLIENT") }
            let disclosure = try vault.disclose(client: id, recipient: to, purpose: purpose, basis: basis, reference: reference, records: ids)
            if options.json {
                Output.json(["id": disclosure.id.rawValue, "status": disclosure.status.rawValue])
            } else if disclosure.status == .released {
                print("Released as disclosure \(disclosure.id) (logged).")
            } else {
                print("Recorded disclosure \(disclosure.id); nothing is released until the DSL runs 'casebook disclose approve \(disclosure.id)'.")
            }
        }
    }

    struct Approve: VaultCommand {
        static let configuration = CommandConfiguration(abstract: "Approve a legal-basis release (DSL).")
        @OptionGroup var options: VaultOptions
        @Argument(help: "Disclosure id.") var id: String

        func run(vault: Vault) throws {
            let disclosure = try vault.approveDisclosure(try vault.resolveRecord(id, types: [.disclosure], what: "disclosure", list: "casebook disclose list CLIENT"))
            if options.json { Output.json(["id": disclosure.id.rawValue, "status": disclosure.status.rawValue]) } else {
                print("Approved and released disclosure \(disclosure.id).")
            }
        }
    }

    struct List: VaultCommand {
        static let configuration = CommandConfiguration(abstract: "A client's disclosure log, consents to release and withdrawals.")
        @OptionGroup var options: VaultOptions
        @Argument(help: "Client id.") var client: String

        struct Row: Encodable {
            var id: String, kind: String, recipient: String?, purpose: String?, basis: String?, reference: String?
            var records: [String]?, status: String?, by: String?, on: String, approvedBy: String?, approvedOn: String?
            var consentId: String?, until: String?
        }

        func run(vault: Vault) throws {
            let history = try vault.releaseHistory(client: try vault.resolveClient(client))
            var rows = history.disclosures.map {
                Row(id: $0.id.rawValue, kind: "disclosure", recipient: $0.recipient, purpose: $0.purpose, basis: $0.basis.rawValue,
                    reference: $0.reference, records: $0.records.map(\.rawValue), status: $0.status.rawValue, by: $0.requestedBy.rawValue,
                    on: $0.requestedOn.iso, approvedBy: $0.approvedBy?.rawValue, approvedOn: $0.approvedOn?.iso,
                    consentId: $0.consentID?.rawValue, until: nil)
            }
            rows += history.consents.map {
                Row(id: $0.id.rawValue, kind: "release-consent", recipient: $0.recipient, purpose: $0.purpose, basis: nil, reference: nil,
                    records: nil, status: nil, by: nil, on: $0.recordedOn.iso, approvedBy: nil, approvedOn: nil, consentId: nil,
                    until: $0.until?.iso)
            }
            rows += history.withdrawals.map {
                Row(id: $0.id.rawValue, kind: "release-withdrawal", recipient: nil, purpose: nil, basis: nil, reference: nil, records: nil,
                    status: nil, by: $0.recordedBy.rawValue, on: $0.on.iso, approvedBy: nil, approvedOn: nil, consentId: nil, until: nil)
            }
            rows.sort { ($0.on, $0.kind, $0.id) < ($1.on, $1.kind, $1.id) }
            if options.json { Output.json(rows); return }
            if rows.isEmpty { print("No releases, consents to release or withdrawals.") }
            for r in rows {
                switch r.kind {
                case "disclosure":
                    print("\(r.on)  disclosure \(r.id)  to \(r.recipient ?? "")  for \(r.purpose ?? "")  basis \(r.basis ?? "")\(r.reference.map { " ref \($0)" } ?? "")  \(r.status ?? "")\(r.approvedBy.map { " (approved by \($0) on \(r.approvedOn ?? ""))" } ?? "")  records: \(r.records?.joined(separator: ",") ?? "")")
                case "release-consent":
                    print("\(r.on)  consent \(r.id)  to \(r.recipient ?? "")  for \(r.purpose ?? "")\(r.until.map { " until \($0)" } ?? "")")
                default:
                    print("\(r.on)  WITHDRAWAL \(r.id) of consent to release, recorded by \(r.by ?? "")")
                }
            }
        }
    }
}

import ArgumentParser
import CasebookExport
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
            [--reference TEXT] [--records IDS] [--out FILE.zip [--password-file F] [--signing-key KEY]]
            casebook disclose approve ID [--out FILE.zip]   (DSL: approve a legal-basis release and write its extract)
            casebook disclose extract ID --out FILE.zip     (write the extract of a released release again)
            casebook disclose list CLIENT                   (the client's disclosure log)

            A release produces what is released: with --out, the extract for the recipient, a signed bundle in \
            the subject-access bundle's format holding exactly the records released (a session with its \
            amendments, a concern with its actions) and the release's basis and reference. Check it with \
            'casebook export verify'. A release on a legal basis waits for the DSL: the extract is written \
            by 'disclose approve ID --out FILE.zip'. Every check (key, password, destination, records, \
            policy) runs before anything is logged or written.
            """,
        subcommands: [Release.self, Approve.self, Extract.self, List.self],
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
        @Option(help: "Comma-separated ids of the records released (minimum necessary; a session takes its amendments, a concern its actions).") var records: String?
        @OptionGroup var extract: ExtractOptions

        func validate() throws {
            if extract.out != nil, basis != .consent {
                throw ValidationError("a release on a legal basis waits for the DSL's approval: leave out --out; the DSL writes the extract with 'casebook disclose approve ID --out FILE.zip'")
            }
            try extract.validate()
        }

        func run(vault: Vault) throws {
            let id = try vault.resolveClient(client)
            guard basis != .subjectAccess else {
                throw CasebookError(.invalidInput, "--basis subject-access is used by the subject-access export, not by disclose")
            }
            let ids = try (records ?? "").split(separator: ",").map { try vault.resolveRecord(String($0), types: [.session, .amendment, .consent, .concern, .concernAction, .disclosure, .releaseConsent, .accessRequest], what: "record", list: "casebook session list CLIENT") }
            // Checks before effects (issue 13): the extract's key, password and destination and the
            // records released, before the release is logged.
            let target = try extract.prepare()
            let released = try ReleaseExtractor.releasable(ids, from: vault, client: id)
            let disclosure = try vault.disclose(client: id, recipient: to, purpose: purpose, basis: basis, reference: reference, records: released)
            let written = try disclosure.status == .released ? target.map { try $0.write(vault: vault, disclosure: disclosure) } : nil
            if options.json {
                Output.json(ExtractView(id: disclosure.id.rawValue, status: disclosure.status.rawValue, records: released.count,
                                        extract: written?.path, sha256: written?.sha256))
            } else if disclosure.status == .released {
                print("Released as disclosure \(Vault.short(disclosure.id)) (logged), \(released.count) record(s).")
                if let written { print("Wrote the extract for \(disclosure.recipient): \(written.path) (sha256 \(written.sha256)); send it, and any password separately.") } else {
                    Output.info("No extract written: write the one to send with 'casebook disclose extract \(Vault.short(disclosure.id)) --out FILE.zip'.")
                }
            } else {
                print("Recorded disclosure \(Vault.short(disclosure.id)); nothing is released until the DSL runs 'casebook disclose approve \(Vault.short(disclosure.id)) --out FILE.zip', which writes the extract to send.")
            }
        }
    }

    struct Approve: VaultCommand {
        static let configuration = CommandConfiguration(abstract: "Approve a legal-basis release (DSL).")
        @OptionGroup var options: VaultOptions
        @Argument(help: "Disclosure id.") var id: String
        @OptionGroup var extract: ExtractOptions

        func validate() throws { try extract.validate() }

        func run(vault: Vault) throws {
            let resolved = try vault.resolveRecord(id, types: [.disclosure], what: "disclosure", list: "casebook disclose list CLIENT")
            let target = try extract.prepare()
            let disclosure = try vault.approveDisclosure(resolved)
            let written = try target.map { try $0.write(vault: vault, disclosure: disclosure) }
            if options.json {
                Output.json(ExtractView(id: disclosure.id.rawValue, status: disclosure.status.rawValue, records: disclosure.records.count,
                                        extract: written?.path, sha256: written?.sha256))
            } else {
                print("Approved and released disclosure \(Vault.short(disclosure.id)).")
                if let written { print("Wrote the extract for \(disclosure.recipient): \(written.path) (sha256 \(written.sha256)); send it, and any password separately.") } else {
                    Output.info("No extract written: write the one to send with 'casebook disclose extract \(Vault.short(disclosure.id)) --out FILE.zip'.")
                }
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

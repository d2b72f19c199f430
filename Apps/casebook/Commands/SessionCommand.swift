import ArgumentParser
import CasebookModels
import CasebookStorage
import Foundation

struct SessionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "session", abstract: "Session records: log, list, finalise, amend.",
        subcommands: [Log.self, List.self, Finalise.self, Amend.self])

    struct MaskedView: Encodable {
        var field: String
        var labels: [String: Int]
    }

    static func reportMasked(_ masked: [MaskedField]) {
        guard !masked.isEmpty else { return }
        Output.info("Identifying details were masked before storage (policy 3.1):")
        for field in masked {
            let counts = field.labels.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
            Output.info("  \(field.field) (\(counts)): \(field.redactedText)")
        }
    }

    struct Log: VaultCommand {
        static let configuration = CommandConfiguration(
            abstract: "Log a session (needs signed consent, an approved platform and both confidentiality confirmations).",
            discussion: """
                Topics, progress and follow-up must be general, without identifying details. Casebook masks \
                names, contact details, dates of birth and other identifiers it finds before anything is \
                stored, and shows you what it masked (or refuses the note, if the organisation chose that).
                """)
        @OptionGroup var options: VaultOptions
        @Argument(help: "Client id.") var client: String
        @Option(help: "Session date, YYYY-MM-DD.") var on: LocalDate
        @Option(help: "Duration in minutes.") var minutes: Int
        @Option(help: "Platform used (must be on the approved list, e.g. \"Microsoft Teams\").") var platform: String
        @Option(help: "General topics discussed.") var topics: String
        @Option(help: "Progress made.") var progress: String
        @Option(help: "Follow-up actions agreed.") var followUp: String
        @Flag(help: "You were in a confidential location.") var practitionerPrivate = false
        @Flag(help: "The client was encouraged to use a private space.") var clientPrivate = false

        func run(vault: Vault) throws {
            let id = try vault.resolveClient(client)
            let draft = SessionDraft(clientID: id, on: on, minutes: minutes, platform: platform,
                                     practitionerPrivate: practitionerPrivate, clientPrivate: clientPrivate,
                                     topics: topics, progress: progress, followUp: followUp)
            let result = try vault.logSession(draft)
            if options.json {
                struct View: Encodable { var id: String; var masked: [MaskedView] }
                Output.json(View(id: result.session.id.rawValue, masked: result.masked.map { MaskedView(field: $0.field, labels: $0.labels) }))
            } else {
                SessionCommand.reportMasked(result.masked)
                print("Logged session \(result.session.id) (draft; finalise it with 'casebook session finalise \(result.session.id)')")
            }
        }
    }

    struct SessionView: Encodable {
        var id: String, on: String, minutes: Int, platform: String, topics: String, progress: String, followUp: String
        var status: String, policyVersion: String?, amendments: [AmendmentView]
        init(_ e: SessionEntry) {
            let s = e.session
            id = s.id.rawValue; on = s.on.iso; minutes = s.minutes; platform = s.platform; topics = s.topics
            progress = s.progress; followUp = s.followUp; status = s.status.rawValue; policyVersion = e.policyVersion
            amendments = e.amendments.map { AmendmentView(id: $0.id.rawValue, on: $0.on.iso, text: $0.text) }
        }
    }

    struct AmendmentView: Encodable { var id: String, on: String, text: String }

    struct List: VaultCommand {
        static let configuration = CommandConfiguration(abstract: "List a client's sessions with their amendments.")
        @OptionGroup var options: VaultOptions
        @Argument(help: "Client id.") var client: String

        func run(vault: Vault) throws {
            let id = try vault.resolveClient(client)
            let entries = try vault.sessions(client: id)
            if options.json { Output.json(entries.map(SessionView.init)); return }
            if entries.isEmpty { print("No sessions.") }
            for e in entries {
                let s = e.session
                print("\(s.id)  \(s.on)  \(s.minutes) min  \(s.platform)  [\(s.status.rawValue)]")
                print("  Topics: \(s.topics)")
                print("  Progress: \(s.progress)")
                print("  Follow-up: \(s.followUp)")
                for a in e.amendments { print("  Amendment \(a.on): \(a.text)") }
            }
        }
    }

    struct Finalise: VaultCommand {
        static let configuration = CommandConfiguration(abstract: "Finalise a session: it can then only be amended.")
        @OptionGroup var options: VaultOptions
        @Argument(help: "Session id.") var session: String

        func run(vault: Vault) throws {
            let id = try vault.resolveRecord(session, types: [.session], what: "session", list: "casebook session list CLIENT")
            let record = try vault.finaliseSession(id)
            if options.json { Output.json(["id": record.id.rawValue, "status": record.status.rawValue]) } else {
                print("Finalised session \(record.id)")
            }
        }
    }

    struct Amend: VaultCommand {
        static let configuration = CommandConfiguration(abstract: "Add an amendment linked to a session.")
        @OptionGroup var options: VaultOptions
        @Argument(help: "Session id.") var session: String
        @Option(help: "The amendment.") var text: String

        func run(vault: Vault) throws {
            let id = try vault.resolveRecord(session, types: [.session], what: "session", list: "casebook session list CLIENT")
            let (amendment, masked) = try vault.amendSession(id, text: text)
            if options.json { Output.json(["id": amendment.id.rawValue]) } else {
                SessionCommand.reportMasked(masked)
                print("Amended session \(id) (amendment \(amendment.id))")
            }
        }
    }
}

struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "The tamper-evident audit log.", subcommands: [Verify.self, List.self])

    struct Verify: VaultCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check the audit chain: detects edited, inserted, reordered or deleted entries.")
        @OptionGroup var options: VaultOptions

        func run(vault: Vault) throws {
            let result = try vault.verifyAudit()
            if options.json {
                Output.json(result)
            } else if let broken = result.brokenAt {
                print("Audit log TAMPERED: the chain breaks at entry \(broken) of \(result.entries).")
            } else {
                print("Audit log intact: \(result.entries) entries verified.")
            }
            if let broken = result.brokenAt {
                throw CasebookError(.tampered, "the audit log has been altered (chain broken at entry \(broken))")
            }
        }
    }

    struct List: VaultCommand {
        static let configuration = CommandConfiguration(abstract: "List audit entries (who, what, when, which record; never content).")
        @OptionGroup var options: VaultOptions
        @Option(help: "Show only the last N entries.") var last: Int?

        func run(vault: Vault) throws {
            var entries = try vault.auditEntries()
            if let last { entries = Array(entries.suffix(max(0, last))) }
            if options.json { Output.json(entries); return }
            let formatter = ISO8601DateFormatter()
            for e in entries {
                print("\(e.sequence)  \(formatter.string(from: e.at))  \(e.action.rawValue)  \(e.recordType?.rawValue ?? "-")  \(e.recordID?.rawValue ?? "-")  case \(e.caseID?.rawValue ?? "-")  by \(e.actor)")
            }
        }
    }
}

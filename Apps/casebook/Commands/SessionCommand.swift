import ArgumentParser
import CasebookModels
import CasebookStorage
import Foundation

struct SessionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "session", abstract: "Session records: log, edit or discard drafts, list, finalise, amend.",
        subcommands: [Log.self, Edit.self, Discard.self, List.self, Finalise.self, Amend.self])

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

                Without --topics/--progress/--follow-up, the note is written in your editor ($VISUAL or \
                $EDITOR) on a template with one section per field ('Topics:', 'Progress:', 'Follow-up:'; \
                lines starting with # are ignored; an empty note cancels), in memory-backed storage only \
                ($XDG_RUNTIME_DIR or /dev/shm). --from-file F reads the same template from a file, or from \
                standard input with '-'.
                """)
        @OptionGroup var options: VaultOptions
        @Argument(help: "Client: name, id or id prefix.") var client: String
        @Option(help: "Session date, YYYY-MM-DD (default: today).") var on: LocalDate?
        @Option(help: "Duration in minutes (default: your last session's).") var minutes: Int?
        @Option(help: "Platform used (default: the organisation's first approved platform).") var platform: String?
        @Option(help: "General topics discussed.") var topics: String?
        @Option(help: "Progress made.") var progress: String?
        @Option(help: "Follow-up actions agreed.") var followUp: String?
        @Option(help: ArgumentHelp("Read the note (the editor's template) from this file, or '-' for standard input.",
                                   valueName: "file")) var fromFile: String?
        @Flag(help: "You were in a confidential location.") var practitionerPrivate = false
        @Flag(help: "The client was encouraged to use a private space.") var clientPrivate = false

        func run(vault: Vault) throws {
            let id = try vault.resolveClient(client)
            let settings = try vault.organisation().settings
            var draft = SessionDraft(clientID: id, on: on ?? vault.clock.today, minutes: minutes ?? vault.lastSessionMinutes() ?? 50,
                                     platform: platform ?? settings.approvedPlatforms.first ?? "",
                                     practitionerPrivate: practitionerPrivate, clientPrivate: clientPrivate,
                                     topics: topics ?? "", progress: progress ?? "", followUp: followUp ?? "")
            let given = [topics, progress, followUp].compactMap { $0 }.count
            if given == 0 {
                try vault.precheckSession(draft)  // refuse before the practitioner writes anything
                guard let note = try SessionCommand.note(fromFile: fromFile, editing: SessionNoteTemplate(
                    on: draft.on, minutes: draft.minutes, platform: draft.platform)) else {
                    Output.info("The note was empty: nothing was logged.")
                    return
                }
                draft.on = note.on ?? draft.on
                draft.minutes = note.minutes ?? draft.minutes
                draft.platform = note.platform ?? draft.platform
                draft.topics = note.topics
                draft.progress = note.progress
                draft.followUp = note.followUp
            } else if given < 3 || fromFile != nil {
                throw CasebookError(.invalidInput, "give all of --topics, --progress and --follow-up, or none of them (to write the note in your editor or with --from-file)")
            }
            let result = try vault.logSession(draft)
            if options.json {
                struct View: Encodable { var id: String; var masked: [MaskedView] }
                Output.json(View(id: result.session.id.rawValue, masked: result.masked.map { MaskedView(field: $0.field, labels: $0.labels) }))
            } else {
                SessionCommand.reportMasked(result.masked)
                let short = Vault.short(result.session.id)
                print("Logged session \(short) (draft; edit it with 'casebook session edit \(short)', finalise it with 'casebook session finalise \(short)')")
            }
        }
    }

    /// The note from a file, standard input or the editor; nil when the practitioner left it empty.
    static func note(fromFile: String?, editing template: SessionNoteTemplate) throws -> SessionNoteTemplate? {
        let text: String
        if let fromFile {
            text = try NoteEditor.text(fromFile: fromFile)
        } else {
            text = try NoteEditor.edit(template.render(guidance: [
                "Write the session note under each heading. Lines starting with # are ignored.",
                "General topics only: no names, places, contact details or dates that identify anyone.",
                "Leave Topics, Progress and Follow-up empty to cancel.",
            ]))
        }
        let note = try SessionNoteTemplate.parse(text)
        return note.isEmpty ? nil : note
    }

    struct Edit: VaultCommand {
        static let configuration = CommandConfiguration(
            abstract: "Edit one of your drafts (in your editor, from a file, or with flags) until it is finalised.")
        @OptionGroup var options: VaultOptions
        @Argument(help: "Session: id or id prefix.") var session: String
        @Option(help: "Session date, YYYY-MM-DD.") var on: LocalDate?
        @Option(help: "Duration in minutes.") var minutes: Int?
        @Option(help: "Platform used.") var platform: String?
        @Option(help: "General topics discussed.") var topics: String?
        @Option(help: "Progress made.") var progress: String?
        @Option(help: "Follow-up actions agreed.") var followUp: String?
        @Option(help: ArgumentHelp("Read the note (the editor's template) from this file, or '-' for standard input.",
                                   valueName: "file")) var fromFile: String?

        func run(vault: Vault) throws {
            let id = try vault.resolveRecord(session, types: [.session], what: "session", list: "casebook session list --drafts")
            guard let current = try vault.sessions(mine: true, since: nil, draftsOnly: true).first(where: { $0.session.id == id })?.session else {
                throw CasebookError(.notFound, "session \(Vault.short(id)) is not one of your drafts; a finalised note is corrected with 'casebook session amend'")
            }
            var draft = SessionDraft(clientID: current.clientID, on: on ?? current.on, minutes: minutes ?? current.minutes,
                                     platform: platform ?? current.platform, practitionerPrivate: current.practitionerPrivate,
                                     clientPrivate: current.clientPrivate, topics: topics ?? current.topics,
                                     progress: progress ?? current.progress, followUp: followUp ?? current.followUp)
            let flagged = [on?.iso, minutes.map(String.init), platform, topics, progress, followUp].contains { $0 != nil }
            if !flagged {
                guard let note = try SessionCommand.note(fromFile: fromFile, editing: SessionNoteTemplate(
                    on: current.on, minutes: current.minutes, platform: current.platform, topics: current.topics,
                    progress: current.progress, followUp: current.followUp)) else {
                    Output.info("The note was left empty: the draft is unchanged (discard it with 'casebook session discard \(Vault.short(id))').")
                    return
                }
                draft.on = note.on ?? draft.on
                draft.minutes = note.minutes ?? draft.minutes
                draft.platform = note.platform ?? draft.platform
                draft.topics = note.topics
                draft.progress = note.progress
                draft.followUp = note.followUp
            }
            let result = try vault.editDraft(id, to: draft)
            if options.json {
                Output.json(["id": id.rawValue, "status": result.session.status.rawValue])
            } else {
                SessionCommand.reportMasked(result.masked)
                print("Saved draft \(Vault.short(id)).")
            }
        }
    }

    struct Discard: VaultCommand {
        static let configuration = CommandConfiguration(abstract: "Discard one of your drafts (a finalised note is only amended).")
        @OptionGroup var options: VaultOptions
        @Argument(help: "Session: id or id prefix.") var session: String

        func run(vault: Vault) throws {
            let id = try vault.resolveRecord(session, types: [.session], what: "session", list: "casebook session list --drafts")
            let record = try vault.discardDraft(id)
            if options.json { Output.json(["id": record.id.rawValue, "status": record.status.rawValue]) } else {
                print("Discarded draft \(Vault.short(id)).")
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
        static let configuration = CommandConfiguration(
            abstract: "List sessions: a client's with their amendments, or across your clients (--mine, --since, --drafts).")
        @OptionGroup var options: VaultOptions
        @Argument(help: "Client: name, id or id prefix (default: every client you hold).") var client: String?
        @Flag(help: "Only sessions you wrote.") var mine = false
        @Option(help: ArgumentHelp("Only sessions on or after this date, or within this many days (7d).", valueName: "date|Nd"))
        var since: String?
        @Flag(help: "Only unfinalised drafts.") var drafts = false

        func run(vault: Vault) throws {
            let sinceDate = try since.map { try SessionCommand.parseSince($0, today: vault.clock.today) }
            let entries: [SessionEntry]
            if let client {
                let id = try vault.resolveClient(client)
                entries = try vault.sessions(client: id).filter { e in
                    (!mine || e.session.practitioner == vault.person) && (!drafts || e.session.status == .draft)
                        && (sinceDate.map { e.session.on >= $0 } ?? true)
                }
            } else {
                entries = try vault.sessions(mine: mine, since: sinceDate, draftsOnly: drafts)
            }
            if options.json { Output.json(entries.map(SessionView.init)); return }
            if entries.isEmpty { print("No sessions.") }
            let names = try Names(vault, clients: client == nil ? entries.map(\.session.clientID) : [])
            for e in entries {
                let s = e.session
                let who = client == nil ? "  \(names.client(s.clientID))" : ""
                print("\(Vault.short(s.id))  \(s.on)  \(s.minutes) min  \(s.platform)  [\(s.status.rawValue)]\(who)  by \(names.person(s.practitioner))")
                print("  Topics: \(s.topics)")
                print("  Progress: \(s.progress)")
                print("  Follow-up: \(s.followUp)")
                for a in e.amendments { print("  Amendment \(a.on): \(a.text)") }
            }
        }
    }

    /// `--since 2026-11-01` or `--since 7d`.
    static func parseSince(_ text: String, today: LocalDate) throws -> LocalDate {
        if let date = LocalDate(iso: text) { return date }
        if text.hasSuffix("d"), let days = Int(text.dropLast()), days >= 0 { return today.addingDays(-days) }
        throw CasebookError(.invalidInput, "--since takes a date (YYYY-MM-DD) or a number of days (e.g. 7d)")
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
            try vault.checkFile()  // the file itself first: a damaged page no command reads (ADR 0021)
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

import ArgumentParser
import CasebookModels
import CasebookStorage
import CasebookSync
import Foundation

extension ConcernCategory: ExpressibleByArgument {}

/// P8: safeguarding concerns, escalated to the Designated Safeguarding Lead.
struct ConcernCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "concern",
        abstract: "Safeguarding concerns (risk of harm, abuse or neglect, threats to life), tracked by the DSL to an outcome.",
        subcommands: [Raise.self, List.self, Acknowledge.self, RecordAction.self, Close.self, Escalation.self])

    /// Seconds the server probe at `concern raise` may take ($CASEBOOK_PROBE_TIMEOUT, default 3).
    static var probeTimeout: Duration {
        if let text = ProcessInfo.processInfo.environment["CASEBOOK_PROBE_TIMEOUT"], let seconds = Double(text), seconds > 0 {
            return .milliseconds(Int(seconds * 1000))
        }
        return .seconds(3)
    }

    struct Raise: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Raise a safeguarding concern about a client (never blocked by withdrawn consent or expired training).",
            discussion: """
                The concern is saved in your vault at once and reaches the DSL when you next sync. When a \
                sync server is configured, raise checks whether it answers (GET /health, at most \
                $CASEBOOK_PROBE_TIMEOUT seconds, default 3): if it does not, or if no server is configured \
                (a standalone vault), you are told to phone the Designated Safeguarding Lead now, with \
                their number from the organisation settings; if it does, you are told to run 'casebook sync'.
                """)
        @OptionGroup var options: VaultOptions
        @Argument(help: "Client id.") var client: String
        @Option(help: "risk-to-self, risk-to-others, abuse-or-neglect or threat-to-life") var category: ConcernCategory
        @Option(help: "What was disclosed or observed.") var details: String
        @Option(help: "The session it arose in (id).") var session: String?
        @Option(help: "The client's views on the concern and on what happens next.") var clientViews: String?
        @Option(help: "What you have done already.") var action: String?

        func run() async throws {
            try await Output.guarded {
                let vault = try options.openVault()
                for warning in (try? vault.warnings()) ?? [] { Output.warn(warning) }
                try await run(vault: vault)
            }
        }

        func run(vault: Vault) async throws {
            // A new laptop that holds no key for the client yet saves the concern (ADR 0024).
            let resolved = Result { try vault.resolveClient(client) }
            if case .failure = resolved, try vault.shouldQueueConcern(about: client) {
                try queue(vault: vault)
                return
            }
            let id = try resolved.get()
            let sessionID = try session.map { try vault.resolveRecord($0, types: [.session], what: "session", list: "casebook session list CLIENT") }
            let concern = try vault.raiseConcern(client: id, category: category, details: details, session: sessionID,
                                                 clientViews: clientViews, actionTaken: action)
            let connectivity = try vault.connectivity()
            // Standalone: offline by definition. Otherwise ask the server now: the last sync time alone
            // cannot tell a practitioner whether the DSL will hear of this soon.
            var reachable: Bool?
            if connectivity.serverConfigured, let url = try? SyncSupport.serverURL(explicit: nil, vault: vault),
               let transport = try? HTTPSyncTransport(baseURL: url, identity: nil,
                                                      security: (try? SyncSupport.transportSecurity(caCert: nil, vault: vault)) ?? TransportSecurity()) {
                reachable = await transport.isReachable(timeout: ConcernCommand.probeTimeout)
            }
            let offline = reachable != true
            let contact = try vault.organisation().settings.dslContact
            if offline {
                // stderr, so that --json output stays parseable; shown whatever the output mode.
                Output.info(reachable == false
                    ? "This replica is offline (the sync server does not answer): the concern reaches the DSL only at the next sync."
                    : "This replica is offline: the concern reaches the DSL only at the next sync.")
                Output.info("Call the Designated Safeguarding Lead now: \(contact)")
            } else {
                Output.info("The sync server answers: the concern reaches the DSL at your next sync. Run 'casebook sync' now.")
            }
            if options.json {
                Output.json(RaiseOutput(id: concern.id.rawValue, offline: offline, serverReachable: reachable,
                                        dslContact: offline ? contact : nil))
            } else {
                print("Raised concern \(concern.id) (\(concern.category.rawValue)); the DSL sees it at the next sync.")
            }
        }

        struct RaiseOutput: Encodable { var id: String; var offline: Bool; var serverReachable: Bool?; var dslContact: String?; var queued: Bool? = nil }

        /// Saves the concern on this laptop until the client's key arrives; it is raised and sent at
        /// the first 'casebook sync' after that. The DSL must hear of it now, by phone.
        func queue(vault: Vault) throws {
            let queued = try vault.queueConcern(client: client, category: category, details: details, session: session,
                                                clientViews: clientViews, actionTaken: action)
            let contact = (try? vault.organisation().settings.dslContact).flatMap { $0.isEmpty ? nil : $0 }
            Output.info("This laptop holds no key for that client yet (it waits for your administrator's sync, then the DSL's): the concern is saved here, encrypted, and raised and sent at the first 'casebook sync' after the key arrives.")
            Output.info("Call the Designated Safeguarding Lead now\(contact.map { ": \($0)" } ?? " (their number is in your organisation's contact list)").")
            if options.json {
                Output.json(RaiseOutput(id: queued.id, offline: true, serverReachable: nil, dslContact: contact, queued: true))
            } else {
                print("Saved concern \(queued.id.prefix(8)) (\(category.rawValue)) on this laptop; it is raised at the sync that brings the client's key.")
            }
        }
    }

    struct Row: Encodable {
        var id: String, client: String, category: String, status: String, raisedBy: String, raisedOn: String, raisedAt: Date
        var escalated: Bool, details: String, clientViews: String?, sessionId: String?
        var acknowledgedBy: String?, acknowledgedOn: String?, closedBy: String?, closedOn: String?, outcome: String?
        var actions: [ActionRow]

        init(_ view: ConcernView) {
            let c = view.concern
            id = c.id.rawValue; client = c.clientID.rawValue; category = c.category.rawValue; status = c.status.rawValue
            raisedBy = c.raisedBy.rawValue; raisedOn = c.raisedOn.iso; raisedAt = view.raisedAt; escalated = view.escalated
            details = c.details; clientViews = c.clientViews; sessionId = c.sessionID?.rawValue
            acknowledgedBy = c.acknowledgedBy?.rawValue; acknowledgedOn = c.acknowledgedOn?.iso
            closedBy = c.closedBy?.rawValue; closedOn = c.closedOn?.iso; outcome = c.outcome
            actions = view.actions.map { ActionRow(id: $0.id.rawValue, by: $0.by.rawValue, on: $0.on.iso, kind: $0.kind, text: $0.text) }
        }
    }

    struct ActionRow: Encodable { var id: String, by: String, on: String, kind: String, text: String }

    struct List: VaultCommand {
        static let configuration = CommandConfiguration(abstract: "List concerns in the cases you hold (the DSL holds every case).")
        @OptionGroup var options: VaultOptions
        @Option(help: "Only this client's concerns.") var client: String?
        @Flag(help: "Only open and acknowledged concerns.") var open = false

        func run(vault: Vault) throws {
            let id = try client.map { try vault.resolveClient($0) }
            let rows = try vault.concerns(client: id, includeClosed: !open).map(Row.init)
            if options.json { Output.json(rows); return }
            if rows.isEmpty { print("No concerns.") }
            let names = try Names(vault, clients: rows.map { ClientID(rawValue: $0.client) })
            for r in rows {
                print("\(r.id.prefix(8))  \(names.client(r.client))  \(r.category)  \(r.status)\(r.escalated ? " ESCALATED" : "")  raised \(Output.localTime(r.raisedAt)) by \(names.person(r.raisedBy))")
                print("    details: \(r.details)")
                if let views = r.clientViews { print("    client's views: \(views)") }
                // The concern's history in time order, with who did what.
                var history: [(on: String, line: String)] = r.actions.map { ($0.on, "\($0.on) \($0.kind) by \(names.person($0.by)): \($0.text)") }
                if let by = r.acknowledgedBy, let on = r.acknowledgedOn { history.append((on, "\(on) acknowledged by \(names.person(by))")) }
                if let by = r.closedBy, let on = r.closedOn { history.append((on + "~", "\(on) closed by \(names.person(by)): \(r.outcome ?? "")")) }
                for entry in history.sorted(by: { $0.on < $1.on }) { print("    \(entry.line)") }
            }
        }
    }

    struct Acknowledge: VaultCommand {
        static let configuration = CommandConfiguration(abstract: "Acknowledge a concern (DSL).")
        @OptionGroup var options: VaultOptions
        @Argument(help: "Concern id.") var id: String

        func run(vault: Vault) throws {
            let concern = try vault.acknowledgeConcern(try vault.resolveRecord(id, types: [.concern], what: "concern", list: "casebook concern list"))
            if options.json { Output.json(["id": concern.id.rawValue, "status": concern.status.rawValue]) } else {
                print("Acknowledged concern \(concern.id).")
            }
        }
    }

    struct RecordAction: VaultCommand {
        static let configuration = CommandConfiguration(commandName: "record-action", abstract: "Record what was done about a concern.")
        @OptionGroup var options: VaultOptions
        @Argument(help: "Concern id.") var id: String
        @Option(help: "What was done (a referral, a call, a meeting).") var text: String
        @Option(help: "Kind of action, e.g. referral, call, meeting.") var kind = "action"

        func run(vault: Vault) throws {
            let action = try vault.recordConcernAction(try vault.resolveRecord(id, types: [.concern], what: "concern", list: "casebook concern list"), kind: kind, text: text)
            if options.json { Output.json(["id": action.id.rawValue]) } else { print("Recorded action \(action.id).") }
        }
    }

    struct Close: VaultCommand {
        static let configuration = CommandConfiguration(abstract: "Close a concern with its outcome (DSL).")
        @OptionGroup var options: VaultOptions
        @Argument(help: "Concern id.") var id: String
        @Option(help: "How the concern was resolved.") var outcome: String

        func run(vault: Vault) throws {
            let concern = try vault.closeConcern(try vault.resolveRecord(id, types: [.concern], what: "concern", list: "casebook concern list"), outcome: outcome)
            if options.json { Output.json(["id": concern.id.rawValue, "status": concern.status.rawValue]) } else {
                print("Closed concern \(concern.id).")
            }
        }
    }

    struct Escalation: VaultCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set the deputy DSL and how many hours an unacknowledged concern waits before it is escalated to them (administrators).")
        @OptionGroup var options: VaultOptions
        @Option(help: "Person id of the deputy DSL (must hold the dsl role).") var deputy: String?
        @Option(help: "Hours before escalation (1 to 168; default 24).") var escalationHours: Int?

        func run(vault: Vault) throws {
            let deputyID = try deputy.map { try vault.resolvePerson($0) }
            try vault.configureEscalation(deputy: deputyID, hours: escalationHours)
            let s = try vault.organisation().settings
            if options.json {
                Output.json(["deputy_dsl": s.deputyDSL?.rawValue, "concern_escalation_hours": String(s.concernEscalationHours)])
            } else {
                print("Escalation after \(s.concernEscalationHours) hours to deputy \(s.deputyDSL?.rawValue ?? "(none set)").")
            }
        }
    }
}

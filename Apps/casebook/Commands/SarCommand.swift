import ArgumentParser
import CasebookExport
import CasebookModels
import CasebookStorage
import Foundation

/// `casebook sar`: subject-access requests and their legal deadlines (P11; docs/export.md).
struct SarCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sar", abstract: "Subject-access requests: open, extend, list, with their legal deadlines.",
        discussion: """
            Due one calendar month from the later of receipt and identity verification (same day number, \
            else that month's last day); an extension adds two further months to that deadline, and the \
            requester must be told by the original deadline. Every command warns when a request is within \
            7 days of its deadline or past it. Answer with 'casebook export sar CLIENT --request ID'.
            """,
        subcommands: [Open.self, Extend.self, List.self])

    struct RequestView: Encodable {
        var id: String
        var client: String
        var receivedOn: String
        var identityVerifiedOn: String?
        var dueOn: String
        var daysLeft: Int
        var overdue: Bool
        var extended: Bool
        var tellRequesterBy: String?
        var status: String
        var answeredOn: String?

        init(_ request: AccessRequest, today: LocalDate) {
            let deadline = SubjectAccessDeadline(request)
            id = request.id.rawValue
            client = request.clientID.rawValue
            receivedOn = request.receivedOn.iso
            identityVerifiedOn = request.identityVerifiedOn?.iso
            dueOn = deadline.due.iso
            daysLeft = deadline.daysLeft(today: today)
            overdue = request.status == .open && deadline.isOverdue(today: today)
            extended = request.extended
            tellRequesterBy = deadline.mustTellRequesterBy?.iso
            status = request.status.rawValue
            answeredOn = request.answeredOn?.iso
        }
    }

    static var today: LocalDate { LocalDate(Date()) }

    struct Open: VaultCommand {
        static let configuration = CommandConfiguration(abstract: "Record a subject-access request and show its deadline.")
        @OptionGroup var options: VaultOptions
        @Argument(help: "Client id.") var client: String
        @Option(help: "Day the request was received, YYYY-MM-DD.") var received: LocalDate
        @Option(help: "Day the requester's identity was verified, YYYY-MM-DD (the clock starts at the later date).")
        var identityVerified: LocalDate?

        func run(vault: Vault) throws {
            let id = try vault.resolveClient(client)
            let request = try vault.openAccessRequest(client: id, receivedOn: received, identityVerifiedOn: identityVerified)
            let deadline = SubjectAccessDeadline(request)
            if options.json {
                Output.json(["id": request.id.rawValue, "due_on": deadline.due.iso])
            } else {
                print("Opened subject-access request \(request.id); due \(deadline.due) (\(deadline.daysLeft(today: SarCommand.today)) days left)")
            }
        }
    }

    struct Extend: VaultCommand {
        static let configuration = CommandConfiguration(
            abstract: "Extend a request by two further months (complex or numerous requests).")
        @OptionGroup var options: VaultOptions
        @Argument(help: "Request id.") var request: String
        @Option(help: "Why the request needs more time (told to the requester).") var reason: String

        func run(vault: Vault) throws {
            let id = try vault.resolveRecord(request, types: [.accessRequest], what: "request", list: "casebook sar list")
            let extended = try vault.extendAccessRequest(id, reason: reason)
            let deadline = SubjectAccessDeadline(extended)
            if options.json {
                Output.json(RequestView(extended, today: SarCommand.today))
            } else {
                print("Extended request \(extended.id): now due \(deadline.due).")
                print("Tell the requester about the extension and why by \(deadline.mustTellRequesterBy ?? deadline.original).")
            }
        }
    }

    struct List: VaultCommand {
        static let configuration = CommandConfiguration(abstract: "Open requests with days left, overdue first.")
        @OptionGroup var options: VaultOptions
        @Flag(help: "Include answered and closed requests.") var all = false

        func run(vault: Vault) throws {
            let today = SarCommand.today
            let views = try vault.accessRequests(all: all).map { RequestView($0, today: today) }
                .sorted { ($0.status != "open" ? 1 : 0, $0.daysLeft, $0.id) < ($1.status != "open" ? 1 : 0, $1.daysLeft, $1.id) }
            if options.json { Output.json(views); return }
            if views.isEmpty { print(all ? "No subject-access requests." : "No open subject-access requests.") }
            for view in views {
                let left = view.status != "open" ? view.status
                    : view.overdue ? "OVERDUE by \(-view.daysLeft) days" : "\(view.daysLeft) days left"
                print("\(view.id)  client \(view.client)  received \(view.receivedOn)  due \(view.dueOn)  \(left)\(view.extended ? "  (extended)" : "")")
            }
        }
    }
}

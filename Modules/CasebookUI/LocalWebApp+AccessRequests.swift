import CasebookExport
import CasebookModels
import CasebookStorage
import Foundation
import Hummingbird

/// Subject-access requests (P11; `casebook sar`, `casebook export sar --request`): open one from the
/// client's page, see its deadline, and download its bundle, which answers it. Who may do each is
/// the library's rule (a records officer or the DSL).
extension LocalWebApp {
    /// The client's page section: each request with its deadline, the export form for open ones,
    /// and the form to open one.
    func accessRequestSection(_ c: UIContext, client: ClientID) throws(CasebookError) -> String {
        let today = vault.clock.today
        let requests = try vault.accessRequests(all: true).filter { $0.clientID == client }.sorted { $0.receivedOn < $1.receivedOn }
        let cid = HTML.e(client.rawValue)
        var html = "<h2 id=\"access\">Subject access</h2>"
        for request in requests {
            html += "<div class=\"card access-request\" data-status=\"\(HTML.e(request.status.rawValue))\">" + Self.deadlineLine(request, today: today)
            if request.status == .open { html += exportForm(c, request: request.id, withholding: try withholdChoices(client: client)) }
            html += "</div>"
        }
        html += """
            <details class="card"><summary>Open a subject-access request</summary>
            <form method="post" action="/clients/\(cid)/access-requests" autocomplete="off">\(HTML.hiddenCSRF(c))
            <label for="received">Received on</label><input id="received" name="received" value="\(today)">
            <label for="identity_verified">Identity verified on (optional; the clock starts at the later date)</label>
            <input id="identity_verified" name="identity_verified" value="\(today)">
            <p><button type="submit" id="open-request">Open the request</button></p></form></details>
            """
        return html
    }

    /// "Received …, due …, N days left" (or overdue, extended, answered).
    static func deadlineLine(_ request: AccessRequest, today: LocalDate) -> String {
        let deadline = SubjectAccessDeadline(request)
        let left = deadline.daysLeft(today: today)
        let state: String = switch request.status {
        case .open: deadline.isOverdue(today: today) ? "<span class=\"overdue\">OVERDUE by \(-left) day(s)</span>" : "\(left) day(s) left"
        case .answered: "answered \(request.answeredOn.map(\.iso) ?? "")"
        case .closed: "closed"
        }
        return """
            <p><strong>Request \(HTML.e(Vault.short(request.id)))</strong> received \(request.receivedOn); \
            due <strong class="due">\(deadline.due)</strong>\(request.extended ? " (extended)" : ""): \(state)</p>
            """
    }

    /// The export form of an open request (the bundle answers it). On the client's page it also
    /// offers the DSL's withholding (`export sar --withhold RECORD --ground TEXT`): `withholding`
    /// holds the checkboxes of the client's sessions and concerns.
    func exportForm(_ c: UIContext, request: RecordID, withholding: String = "") -> String {
        let rid = HTML.e(request.rawValue)
        let withhold = withholding.isEmpty ? "" : """
            <details class="withhold"><summary>Withhold records (the DSL, relying on an exemption)</summary>\
            <p class="muted">A withheld session or concern is left out; the bundle's signed manifest lists it as withheld with the ground, and it is not logged as released.</p>\
            \(withholding)\
            <label for="sar-ground-\(rid)">Legal ground (the exemption relied on, e.g. DPA 2018 Sch. 3 Pt 2 para 5: serious harm)</label>\
            <input id="sar-ground-\(rid)" name="ground" maxlength="200" autocomplete="off"></details>
            """
        return """
        <form method="post" action="/access-requests/\(rid)/export" autocomplete="off">\(HTML.hiddenCSRF(c))\
        <label for="sar-password-\(rid)">Password to encrypt the bundle (optional; send it separately)</label>\
        <input id="sar-password-\(rid)" name="password" type="password" autocomplete="new-password">\(withhold)\
        <button type="submit" class="export-bundle">Export the bundle (answers the request)</button></form>
        """
    }

    /// The checkboxes of the client's finalised sessions and concerns that may be withheld.
    func withholdChoices(client: ClientID) throws(CasebookError) -> String {
        let sessions = try vault.sessions(client: client).filter { $0.session.status != .draft }.map {
            "<label><input type=\"checkbox\" name=\"withhold\" value=\"\(HTML.e($0.session.id.rawValue))\"> session \($0.session.on)</label>"
        }
        let concerns = try vault.concerns(client: client).map {
            "<label><input type=\"checkbox\" name=\"withhold\" value=\"\(HTML.e($0.concern.id.rawValue))\"> concern \($0.concern.raisedOn) (\(HTML.e($0.concern.category.rawValue)))</label>"
        }
        return (sessions + concerns).joined()
    }

    /// `POST /clients/:id/access-requests`: `vault.openAccessRequest`, as `casebook sar open`.
    func openAccessRequest(_ c: UIContext, client: ClientID) -> Response {
        let f = c.form
        do throws(CasebookError) {
            guard let received = f.text("received").flatMap(LocalDate.init(iso:)) else {
                throw CasebookError(.invalidInput, "the day received must be YYYY-MM-DD")
            }
            let verified: LocalDate? = try f.text("identity_verified").map { text throws(CasebookError) in
                guard let date = LocalDate(iso: text) else { throw CasebookError(.invalidInput, "the day identity was verified must be YYYY-MM-DD") }
                return date
            }
            _ = try vault.openAccessRequest(client: client, receivedOn: received, identityVerifiedOn: verified)
            return HTML.redirect("/clients/\(client.rawValue)#access")
        } catch {
            return timeline(c, id: client, error: error)
        }
    }

    /// `POST /access-requests/:id/export`: the bundle as a download, built in memory
    /// (`SubjectAccessExporter.answer`: the same checks as `casebook export sar --request`, the
    /// export and release logged, the request answered).
    func exportAccessRequest(_ c: UIContext, request id: RecordID) -> Response {
        do {
            let key = try exportKey()
            let password = try bundlePassword(c.form)
            let settings = try vault.organisation().settings
            let exporter = SubjectAccessExporter(
                writer: key.writer, notice: AccessResponseNotice(organisationName: settings.organisationName, contact: settings.dslContact),
                softwareVersion: hooks.softwareVersion)
            // Withholding (DSL only, each with the ground) is the library's rule, as `export sar --withhold --ground`.
            let ground = c.form["ground"] ?? ""
            var withheld: [RecordID: String] = [:]
            for record in c.form.all("withhold") { withheld[RecordID(rawValue: record)] = ground }
            if withheld.isEmpty, !ground.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                throw CasebookError(.invalidInput, "a legal ground goes with a record to withhold: tick the session or concern to leave out")
            }
            let (data, _) = try exporter.answer(from: vault, request: id, password: password, withheld: withheld)
            return HTML.download(data, filename: "subject-access-\(Vault.short(id)).zip")
        } catch {
            let refusal = HTML.refusal(from: error)
            return HTML.page("Subject access", HTML.refusalBox(refusal) + "<p><a href=\"/inbox\">Back to the inbox</a></p>",
                             context: c, status: HTML.status(for: refusal))
        }
    }
}

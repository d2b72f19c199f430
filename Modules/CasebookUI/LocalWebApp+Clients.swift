import CasebookModels
import CasebookStorage
import Foundation
import Hummingbird

/// The practitioner's pages: my clients, add a client, a client's timeline, consent.
extension LocalWebApp {
    func home(_ c: UIContext) -> Response {
        guarded(c, "My clients") { () throws(CasebookError) -> Response in
            let clients = try vault.clients()
            let drafts = try vault.sessions(mine: true, since: nil, draftsOnly: true)
            let sessions = try vault.sessions(mine: false, since: nil, draftsOnly: false)
            let status = try vault.status()
            var body = "<p class=\"muted\">Signed in as \(HTML.e(personName(vault.person))) on this device. Nothing here leaves this laptop.</p>"
            if !status.items.isEmpty {
                body += "<p class=\"card\"><a href=\"/inbox\">\(status.items.count) item(s) need you</a></p>"
            }
            body += "<p><a href=\"/clients/new\">Add a client</a></p>"
            if clients.isEmpty { body += "<p>No clients yet.</p>" }
            body += "<table><tr><th>Client</th><th>Drafts</th><th>Next step (last follow-up)</th></tr>"
            for client in clients {
                let mine = drafts.filter { $0.session.clientID == client.id }.count
                let last = sessions.filter { $0.session.clientID == client.id }.max { $0.session.on < $1.session.on }
                body += """
                    <tr><td><a href="/clients/\(HTML.e(client.id.rawValue))">\(HTML.e(client.name))</a></td>\
                    <td>\(mine == 0 ? "" : "\(mine) draft(s)")</td><td>\(HTML.e(last?.session.followUp ?? ""))</td></tr>
                    """
            }
            body += "</table>"
            return HTML.page("My clients", body, context: c)
        }
    }

    func newClient(_ c: UIContext, error: CasebookError? = nil) -> Response {
        let f = c.form
        let body = """
            \(error.map(HTML.refusalBox) ?? "")
            <form method="post" action="/clients" autocomplete="off">\(HTML.hiddenCSRF(c))
            <label for="name">Name</label><input id="name" name="name" autocomplete="off" required value="\(HTML.e(f["name"] ?? ""))">
            <label for="born">Date of birth (YYYY-MM-DD)</label><input id="born" name="born" autocomplete="off" value="\(HTML.e(f["born"] ?? ""))">
            <label for="related">Related people, one a line, as NAME:RELATION (e.g. Sam Doe:brother)</label>
            <textarea id="related" name="related" autocomplete="off">\(HTML.e(f["related"] ?? ""))</textarea>
            <label for="contacts">Contact details, one a line</label>
            <textarea id="contacts" name="contacts" autocomplete="off">\(HTML.e(f["contacts"] ?? ""))</textarea>
            <p><button type="submit" id="add-client">Add client</button></p></form>
            """
        return HTML.page("Add a client", body, context: c, status: error.map(HTML.status(for:)) ?? .ok)
    }

    func addClient(_ c: UIContext) -> Response {
        let f = c.form
        do throws(CasebookError) {
            let born: LocalDate? = try f.text("born").map { text throws(CasebookError) in
                guard let date = LocalDate(iso: text) else { throw CasebookError(.invalidInput, "the date of birth must be YYYY-MM-DD") }
                return date
            }
            let related = try lines(f["related"]).map { text throws(CasebookError) in
                guard let person = RelatedPerson(parsing: text) else { throw CasebookError(.invalidInput, "each related person must be NAME:RELATION") }
                return person
            }
            let client = try vault.addClient(name: f["name"] ?? "", bornOn: born, related: related, contacts: lines(f["contacts"]))
            return HTML.redirect("/clients/\(client.id.rawValue)")
        } catch {
            return newClient(c, error: error)
        }
    }

    func lines(_ text: String?) -> [String] {
        (text ?? "").split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    func timeline(_ c: UIContext, id: ClientID, error: CasebookError? = nil, notice: String? = nil) -> Response {
        guarded(c, "Client") { () throws(CasebookError) -> Response in
            let detail = try vault.clientDetail(id)
            let sessions = try vault.sessions(client: id)
            let concerns = try vault.concerns(client: id)
            let releases = try vault.releaseHistory(client: id)
            let cid = HTML.e(id.rawValue)
            // (date, order within the date, html)
            var events: [(String, Int, String)] = []
            for consent in detail.consents {
                events.append((consent.signedOn.iso, 0, """
                    <div class="card event consent"><strong>\(consent.signedOn) · Consent</strong> form \(HTML.e(consent.formVersion)), \
                    signed by the \(HTML.e(consent.signedBy.rawValue))</div>
                    """))
            }
            for entry in sessions {
                events.append((entry.session.on.iso, 1, sessionCard(entry, c)))
            }
            for view in concerns {
                let concern = view.concern
                events.append((concern.raisedOn.iso, 2, """
                    <div class="card event concern"><strong>\(concern.raisedOn) · Safeguarding concern</strong> \
                    (\(HTML.e(concern.category.rawValue)), \(HTML.e(concern.status.rawValue))\(view.escalated ? ", escalated" : "")) \
                    raised by \(HTML.e(personName(concern.raisedBy)))<p>\(HTML.e(concern.details))</p>\(concernHistory(view))</div>
                    """))
            }
            for consent in releases.consents {
                events.append((consent.recordedOn.iso, 3, """
                    <div class="card event release"><strong>\(consent.recordedOn) · Consent to release</strong> to \(HTML.e(consent.recipient)) \
                    for \(HTML.e(consent.purpose))</div>
                    """))
            }
            for withdrawal in releases.withdrawals {
                events.append((withdrawal.on.iso, 3, "<div class=\"card event release\"><strong>\(withdrawal.on) · Consent to release withdrawn</strong></div>"))
            }
            for disclosure in releases.disclosures {
                events.append((disclosure.requestedOn.iso, 4, """
                    <div class="card event release"><strong>\(disclosure.requestedOn) · Release</strong> to \(HTML.e(disclosure.recipient)) \
                    for \(HTML.e(disclosure.purpose)) (\(HTML.e(disclosure.basis.rawValue)), \(HTML.e(disclosure.status.rawValue))) \
                    <a href="/disclosures/\(HTML.e(disclosure.id.rawValue))">Open</a></div>
                    """))
            }
            events.sort { ($0.0, $0.1) < ($1.0, $1.1) }
            let client = detail.client
            let today = vault.clock.today.iso
            var body = error.map(HTML.refusalBox) ?? ""
            if let notice { body += "<p class=\"notice\" id=\"grant-result\">\(HTML.e(notice))</p>" }
            body += """
                <p class="muted">\(client.bornOn.map { "Born \($0). " } ?? "")\(client.related.map { "\(HTML.e($0.name)) (\(HTML.e($0.relation)))" }.joined(separator: ", "))</p>
                <p><a href="/clients/\(cid)/sessions/new" id="new-session">Log a session</a> · \
                <a href="/concerns/new?client=\(cid)">Raise a safeguarding concern about this client</a></p>
                <details class="card"\(detail.consents.isEmpty ? " open" : "")><summary>Record informed consent</summary>
                <form method="post" action="/clients/\(cid)/consent">\(HTML.hiddenCSRF(c))
                <label for="form_version">Form version</label><input id="form_version" name="form_version" value="3">
                <label for="signed_on">Signed on</label><input id="signed_on" name="signed_on" value="\(today)">
                <label for="signed_by">Signed by</label><select id="signed_by" name="signed_by"><option value="client">the client</option>\
                <option value="guardian">a parent or guardian</option></select>
                <p><button type="submit" id="record-consent">Record consent</button></p></form></details>
                <h2>Timeline</h2>
                """
            body += events.isEmpty ? "<p>Nothing recorded yet.</p>" : events.map(\.2).joined()
            body += "<h2>Releases</h2>" + releaseForm(c, client: id, sessions: sessions, concerns: concerns)
            body += try accessRequestSection(c, client: id)
            body += try grantSection(c, client: id)
            return HTML.page(client.name, body, context: c, status: error.map(HTML.status(for:)) ?? .ok)
        }
    }

    /// A concern's history under it, in date order: actions, acknowledgement, closing.
    func concernHistory(_ view: ConcernView) -> String {
        let c = view.concern
        var entries: [(String, String)] = view.actions.map { ($0.on.iso, "\($0.on) \(HTML.e($0.kind)) by \(HTML.e(personName($0.by))): \(HTML.e($0.text))") }
        if let by = c.acknowledgedBy, let on = c.acknowledgedOn { entries.append((on.iso, "\(on) acknowledged by \(HTML.e(personName(by)))")) }
        if let by = c.closedBy, let on = c.closedOn { entries.append((on.iso + "~", "\(on) closed by \(HTML.e(personName(by))): \(HTML.e(c.outcome ?? ""))")) }
        return entries.sorted { $0.0 < $1.0 }.map { "<div class=\"amend\">\($0.1)</div>" }.joined()
    }

    func sessionCard(_ entry: SessionEntry, _ c: UIContext) -> String {
        let s = entry.session
        let sid = HTML.e(s.id.rawValue)
        var html = """
            <div class="card event session" id="session-\(sid)"><strong>\(s.on) · Session</strong> \(s.minutes) min, \
            \(HTML.e(s.platform)), <em>\(HTML.e(s.status.rawValue))</em>, by \(HTML.e(personName(s.practitioner)))
            <p><strong>Topics:</strong> <span class="topics">\(HTML.e(s.topics))</span></p>
            <p><strong>Progress:</strong> \(HTML.e(s.progress))</p><p><strong>Follow-up:</strong> \(HTML.e(s.followUp))</p>
            """
        for amendment in entry.amendments {
            html += "<div class=\"amend\"><strong>Amendment \(amendment.on)</strong> by \(HTML.e(personName(amendment.author))): \(HTML.e(amendment.text))</div>"
        }
        if s.status == .draft, s.practitioner == vault.person {
            html += "<p><a href=\"/sessions/\(sid)/edit\">Edit draft</a> \(HTML.button("Finalise", action: "/sessions/\(s.id.rawValue)/finalise", context: c))</p>"
        } else if s.status != .draft {
            html += """
                <form method="post" action="/sessions/\(sid)/amend" autocomplete="off">\(HTML.hiddenCSRF(c))\
                <label for="amend-\(sid)">Amend</label><textarea id="amend-\(sid)" name="text" autocomplete="off" spellcheck="false"></textarea>\
                <button type="submit">Add amendment</button></form>
                """
        }
        return html + "</div>"
    }

    func recordConsent(_ c: UIContext, id: ClientID) -> Response {
        let f = c.form
        do throws(CasebookError) {
            guard let signedOn = f.text("signed_on").flatMap(LocalDate.init(iso:)) else {
                throw CasebookError(.invalidInput, "the date signed must be YYYY-MM-DD")
            }
            guard let signedBy = f.text("signed_by").flatMap(Signatory.init(rawValue:)) else {
                throw CasebookError(.invalidInput, "say who signed: the client or a parent or guardian")
            }
            _ = try vault.recordConsent(client: id, formVersion: f.text("form_version") ?? "", signedOn: signedOn, signedBy: signedBy)
            return HTML.redirect("/clients/\(id.rawValue)")
        } catch {
            return timeline(c, id: id, error: error)
        }
    }
}

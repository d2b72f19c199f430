import CasebookModels
import CasebookStorage
import Foundation
import Hummingbird

/// Raising a concern from anywhere (two clicks: the header's button, then "Raise"); the DSL's
/// inbox (the same `Vault.status()` as `casebook status`) with each item's action; the chart.
extension LocalWebApp {
    func concernForm(_ c: UIContext, client: String?, error: CasebookError? = nil) -> Response {
        guarded(c, "Raise a safeguarding concern") { () throws(CasebookError) -> Response in
            let clients = try vault.clients()
            let contact = try vault.organisation().settings.dslContact
            let chosen = c.form["client"] ?? client
            let options = clients.map {
                "<option value=\"\(HTML.e($0.id.rawValue))\"\($0.id.rawValue == chosen ? " selected" : "")>\(HTML.e($0.name))</option>"
            }.joined()
            let categories = ConcernCategory.allCases.enumerated().map { index, category in
                "<label><input type=\"radio\" name=\"category\" value=\"\(category.rawValue)\"\(index == 0 ? " checked" : "")> \(category.rawValue)</label>"
            }.joined()
            var body = error.map(HTML.refusalBox) ?? ""
            body += """
                <p class="notice">If someone is in immediate danger, call 999. The Designated Safeguarding Lead: <span class="phone">\(HTML.e(contact))</span></p>
                <form method="post" action="/concerns" autocomplete="off">\(HTML.hiddenCSRF(c))
                <label for="client">Client</label><select id="client" name="client">\(options)</select>
                <fieldset><legend>Category</legend>\(categories)</fieldset>
                <label for="details">What was disclosed or observed</label>
                <textarea id="details" name="details" autocomplete="off" spellcheck="false">\(HTML.e(c.form["details"] ?? ""))</textarea>
                <label for="client_views">The client's views (optional)</label>
                <textarea id="client_views" name="client_views" autocomplete="off" spellcheck="false">\(HTML.e(c.form["client_views"] ?? ""))</textarea>
                <label for="action_taken">What you have done already (optional)</label>
                <textarea id="action_taken" name="action_taken" autocomplete="off" spellcheck="false">\(HTML.e(c.form["action_taken"] ?? ""))</textarea>
                <p><button type="submit" id="raise-concern">Raise concern</button></p></form>
                """
            return HTML.page("Raise a safeguarding concern", body, context: c, status: error.map(HTML.status(for:)) ?? .ok)
        }
    }

    func raiseConcern(_ c: UIContext) async -> Response {
        let f = c.form
        let concern: SafeguardingConcern
        do throws(CasebookError) {
            guard let category = f.text("category").flatMap(ConcernCategory.init(rawValue:)) else {
                throw CasebookError(.invalidInput, "choose the concern's category")
            }
            concern = try vault.raiseConcern(client: ClientID(rawValue: f["client"] ?? ""), category: category, details: f["details"] ?? "",
                                             clientViews: f.text("client_views"), actionTaken: f.text("action_taken"))
        } catch {
            return concernForm(c, client: f["client"], error: error)
        }
        // As `casebook concern raise`: offline (or standalone) means "phone the DSL now".
        let reachable = await hooks.serverReachable()
        let contact = (try? vault.organisation().settings.dslContact) ?? ""
        var body = "<p class=\"notice\" id=\"concern-raised\">Concern raised (\(HTML.e(concern.category.rawValue))).</p>"
        if reachable == true {
            body += "<p>The sync server answers: the concern reaches the DSL at your next sync. \(HTML.button("Sync now", action: "/sync", context: c))</p>"
        } else {
            body += """
                <p class="refusal">This replica is offline: the concern reaches the DSL only at the next sync. \
                Call the Designated Safeguarding Lead now: <span class="phone" id="dsl-phone">\(HTML.e(contact))</span></p>
                """
        }
        body += "<p><a href=\"/clients/\(HTML.e(concern.clientID.rawValue))\">Back to the client</a></p>"
        return HTML.page("Concern raised", body, context: c)
    }

    func inbox(_ c: UIContext) -> Response {
        guarded(c, "Inbox") { () throws(CasebookError) -> Response in
            let report = try vault.status()  // the same call as `casebook status`
            let names = try vault.clientNames(Set(report.items.compactMap(\.client)))
            var body = "<p class=\"muted\">"
            if report.serverConfigured {
                body += "Last sync: \(report.lastSync.map(HTML.date) ?? "never"); \(report.unsent) change(s) not yet sent."
            } else {
                body += "A standalone vault (no sync server); \(report.unsent) change(s) recorded locally."
            }
            body += "</p>"
            if report.items.isEmpty { body += "<p id=\"inbox-empty\">Nothing needs you.</p>" }
            for item in report.items {
                let due = item.due.map { (item.overdue ? "OVERDUE since " : "due ") + HTML.date($0) } ?? ""
                let who = item.client.map { " · client \(HTML.e(names[$0] ?? Vault.short($0)))" } ?? ""
                var html = """
                    <div class="card inbox-item" data-kind="\(HTML.e(item.kind.rawValue))"><strong>\(HTML.e(Self.heading(item.kind)))</strong>\(who) \
                    <span class="\(item.overdue ? "overdue" : "muted")">\(HTML.e(due))</span><p>\(HTML.e(item.summary))</p>
                    """
                if let record = item.record {
                    switch item.kind {
                    case .unacknowledgedConcern:
                        html += HTML.button("Acknowledge", action: "/concerns/\(record.rawValue)/acknowledge", context: c)
                    case .releaseAwaitingApproval:
                        html += "<p><a href=\"/disclosures/\(HTML.e(record.rawValue))\">Review the release</a></p>"
                        html += HTML.button("Approve release", action: "/disclosures/\(record.rawValue)/approve", context: c)
                    case .subjectAccessDeadline:
                        html += exportForm(c, request: record)
                        html += Self.textAction("Extend (reason)", field: "reason", action: "/access-requests/\(record.rawValue)/extend", c)
                    case .breach:
                        html += Self.textAction("Reported to the ICO (reference)", field: "reference", action: "/breaches/\(record.rawValue)/report", c)
                        html += Self.textAction("Assessed: no risk (reason)", field: "reason", action: "/breaches/\(record.rawValue)/no-risk", c)
                    case .staleDraft:
                        html += "<p><a href=\"/sessions/\(HTML.e(record.rawValue))/edit\">Finish the draft</a></p>"
                    default: break
                    }
                }
                body += html + "</div>"
            }
            // Concerns in progress: record an action, close with an outcome.
            let open = try vault.concerns(client: nil, includeClosed: false).filter { $0.concern.status != .open }
            if !open.isEmpty { body += "<h2>Concerns in progress</h2>" }
            for view in open {
                let id = HTML.e(view.concern.id.rawValue)
                body += """
                    <div class="card"><strong>\(view.concern.raisedOn) · \(HTML.e(view.concern.category.rawValue))</strong> \
                    (\(HTML.e(view.concern.status.rawValue)))<p>\(HTML.e(view.concern.details))</p>
                    <form method="post" action="/concerns/\(id)/action" autocomplete="off">\(HTML.hiddenCSRF(c))\
                    <input name="kind" value="action" aria-label="kind"> <input name="text" aria-label="what was done" autocomplete="off">\
                    <button type="submit">Record action</button></form>
                    <form method="post" action="/concerns/\(id)/close" autocomplete="off">\(HTML.hiddenCSRF(c))\
                    <input name="outcome" aria-label="outcome" autocomplete="off"> <button type="submit">Close with outcome</button></form></div>
                    """
            }
            body += "<h2>Concerns by week</h2>" + Chart.concernsByWeek(try vault.concerns(client: nil, includeClosed: true), today: vault.clock.today)
            return HTML.page("Inbox", body, context: c)
        }
    }

    static func heading(_ kind: StatusItem.Kind) -> String {
        switch kind {
        case .unacknowledgedConcern: "Safeguarding concern to acknowledge"
        case .releaseAwaitingApproval: "Release awaiting approval"
        case .subjectAccessDeadline: "Subject-access deadline"
        case .policyReview: "Policy review"
        case .staleDraft: "Draft to finish"
        case .training: "Training due"
        case .breach: "Breach: 72-hour clock"
        }
    }

    /// A one-field form posting to `action` (the field is required by the library, not the browser).
    static func textAction(_ label: String, field: String, action: String, _ c: UIContext) -> String {
        """
        <form method="post" action="\(HTML.e(action))" autocomplete="off">\(HTML.hiddenCSRF(c))\
        <input name="\(field)" aria-label="\(HTML.e(label))" autocomplete="off"> <button type="submit">\(HTML.e(label))</button></form>
        """
    }

    func extendAccessRequest(_ c: UIContext, request: RecordID) -> Response {
        guarded(c, "Subject access") { () throws(CasebookError) -> Response in
            _ = try vault.extendAccessRequest(request, reason: c.form["reason"] ?? "")
            return HTML.redirect("/inbox")
        }
    }

    func reportBreach(_ c: UIContext, breach: RecordID) -> Response {
        guarded(c, "Breach") { () throws(CasebookError) -> Response in
            _ = try vault.reportBreach(breach, reference: c.form["reference"] ?? "")
            return HTML.redirect("/inbox")
        }
    }

    func assessBreach(_ c: UIContext, breach: RecordID) -> Response {
        guarded(c, "Breach") { () throws(CasebookError) -> Response in
            _ = try vault.assessBreachNoRisk(breach, reason: c.form["reason"] ?? "")
            return HTML.redirect("/inbox")
        }
    }

    func acknowledge(_ c: UIContext, concern: RecordID) -> Response {
        guarded(c, "Acknowledge") { () throws(CasebookError) -> Response in
            _ = try vault.acknowledgeConcern(concern)
            return HTML.redirect("/inbox")
        }
    }

    func recordAction(_ c: UIContext, concern: RecordID) -> Response {
        guarded(c, "Record action") { () throws(CasebookError) -> Response in
            _ = try vault.recordConcernAction(concern, kind: c.form.text("kind") ?? "action", text: c.form["text"] ?? "")
            return HTML.redirect("/inbox")
        }
    }

    func closeConcern(_ c: UIContext, concern: RecordID) -> Response {
        guarded(c, "Close concern") { () throws(CasebookError) -> Response in
            _ = try vault.closeConcern(concern, outcome: c.form["outcome"] ?? "")
            return HTML.redirect("/inbox")
        }
    }

}

/// Small charts as inline SVG, drawn on the server (no script, no external assets).
enum Chart {
    /// Concerns raised per week over the last eight weeks (weeks end today).
    static func concernsByWeek(_ concerns: [ConcernView], today: LocalDate, weeks: Int = 8) -> String {
        var counts = Array(repeating: 0, count: weeks)
        for view in concerns {
            let age = today.daysSinceEpoch - view.concern.raisedOn.daysSinceEpoch
            guard age >= 0 else { continue }
            let week = age / 7
            if week < weeks { counts[weeks - 1 - week] += 1 }
        }
        let top = max(1, counts.max() ?? 1)
        let width = 40, gap = 10, height = 120
        var svg = "<svg id=\"concerns-chart\" role=\"img\" aria-label=\"Concerns raised per week, last \(weeks) weeks\" width=\"\(weeks * (width + gap))\" height=\"\(height + 30)\" xmlns=\"http://www.w3.org/2000/svg\">"
        for (index, count) in counts.enumerated() {
            let h = count * height / top
            let x = index * (width + gap)
            svg += "<rect x=\"\(x)\" y=\"\(height - h)\" width=\"\(width)\" height=\"\(h)\" fill=\"#23395d\"><title>\(count) concern(s)</title></rect>"
            svg += "<text x=\"\(x + width / 2)\" y=\"\(height + 14)\" text-anchor=\"middle\" font-size=\"11\">\(count)</text>"
            let label = index == weeks - 1 ? "this wk" : "-\(weeks - 1 - index)w"
            svg += "<text x=\"\(x + width / 2)\" y=\"\(height + 27)\" text-anchor=\"middle\" font-size=\"10\" fill=\"#5d6677\">\(label)</text>"
        }
        return svg + "</svg>"
    }
}

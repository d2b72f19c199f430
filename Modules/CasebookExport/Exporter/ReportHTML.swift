// ReportHTML: report.html, the records for people: printable, escaped, no scripts, no external resources.

import CasebookModels
import Foundation

enum ReportHTML {
    /// Escapes text for HTML element content and quoted attribute values.
    static func escape(_ text: String) -> String { HTMLText.escape(text) }

    static let style = """
        body{font-family:Georgia,serif;max-width:48em;margin:2em auto;padding:0 1em;line-height:1.45;color:#111}
        h1,h2,h3{font-family:Helvetica,Arial,sans-serif}table{border-collapse:collapse;width:100%;margin:.5em 0 1.5em}
        th,td{border:1px solid #999;padding:.3em .5em;text-align:left;vertical-align:top}th{background:#eee;width:30%}
        section.record{page-break-inside:avoid;border-top:1px solid #ccc;padding-top:.5em}
        .withheld{background:#ddd}@media print{body{margin:0;max-width:none}a{color:#000}}
        """

    static func render(_ document: RecordsDocument, organisation: String) -> String {
        var html = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        html += "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
        html += "<title>Your records (case \(escape(document.caseID)))</title><style>\(style)</style></head><body>\n"
        html += "<h1>Your records held by \(escape(organisation))</h1>\n"
        html += "<p>Case \(escape(document.caseID))\(document.requestID.map { ", request " + escape($0) } ?? ""), produced \(escape(document.generatedAt)). "
        html += "“\(escape(KnownNameMasker.replacement))” marks another person’s details, withheld because they have not agreed to share them.</p>\n"

        html += "<h2>Your details</h2>\n" + table([
            ("Name", document.profile.name), ("Date of birth", document.profile.bornOn ?? "not recorded"),
            ("Contact details", document.profile.contacts.joined(separator: "; ")), ("Case status", document.profile.status),
            ("Case closed on", document.profile.closedOn ?? "—"),
        ])
        if !document.profile.relatedPeople.isEmpty {
            html += "<h3>People connected to you</h3>\n" + table(document.profile.relatedPeople.map { ($0.relation, $0.name) })
        }
        html += "<h2>Consent forms (\(document.consents.count))</h2>\n"
        for consent in document.consents {
            html += record(consent.id, table([
                ("Form version", consent.formVersion), ("Signed on", consent.signedOn), ("Signed by", consent.signedBy),
                ("Limits of confidentiality acknowledged", consent.limitsAcknowledged ? "yes" : "no"),
            ]))
        }
        html += "<h2>Sessions (\(document.sessions.count))</h2>\n"
        for session in document.sessions {
            var rows: [(String, String)] = [
                ("Date", session.on), ("Duration", "\(session.minutes) minutes"), ("Platform", session.platform),
                ("Topics", session.topics), ("Progress", session.progress), ("Follow-up", session.followUp), ("Status", session.status),
            ]
            for amendment in session.amendments { rows.append(("Amendment of \(amendment.on)", amendment.text)) }
            html += record(session.id, table(rows))
        }
        html += "<h2>Safeguarding concerns (\(document.safeguardingConcerns.count))</h2>\n"
        for concern in document.safeguardingConcerns {
            var rows: [(String, String)] = [
                ("Category", concern.category), ("Raised on", concern.raisedOn), ("Details", concern.details),
                ("Your views", concern.yourViews ?? "—"), ("Status", concern.status), ("Outcome", concern.outcome ?? "—"),
            ]
            for action in concern.actions { rows.append(("\(action.kind), \(action.on)", action.text)) }
            html += record(concern.id, table(rows))
        }
        html += "<h2>Who your information was shared with (\(document.recipients.count))</h2>\n"
        for recipient in document.recipients {
            html += record(recipient.id, table([
                ("Recipient", recipient.recipient), ("Purpose", recipient.purpose), ("Legal basis", recipient.basis),
                ("Reference", recipient.reference ?? "—"), ("Date", recipient.approvedOn ?? recipient.requestedOn), ("Status", recipient.status),
            ]))
        }
        html += "<h2>Your consents to releases (\(document.releaseConsents.count))</h2>\n"
        for consent in document.releaseConsents {
            html += record(consent.id, table([
                ("Recipient", consent.recipient), ("Purpose", consent.purpose), ("Until", consent.until ?? "—"),
                ("Recorded", consent.recordedOn),
            ]))
        }
        html += "<h2>Your withdrawals of consent to releases (\(document.releaseWithdrawals.count))</h2>\n"
        for withdrawal in document.releaseWithdrawals {
            html += record(withdrawal.id, table([("Withdrawn on", withdrawal.on)]))
        }
        html += "<h2>Your access requests (\(document.accessRequests.count))</h2>\n"
        for request in document.accessRequests {
            html += record(request.id, table([
                ("Received", request.receivedOn), ("Identity verified", request.identityVerifiedOn ?? "—"), ("Due", request.dueOn),
                ("Extended", request.extended ? "yes" : "no"), ("Status", request.status),
            ]))
        }
        html += "</body></html>\n"
        return html
    }

    static func table(_ rows: [(String, String)]) -> String {
        var out = "<table>"
        for (label, value) in rows {
            let cell = escape(value).replacingOccurrences(of: "\n", with: "<br>")
            let marked = cell.replacingOccurrences(of: escape(KnownNameMasker.replacement), with: "<span class=\"withheld\">\(escape(KnownNameMasker.replacement))</span>")
            out += "<tr><th>\(escape(label))</th><td>\(marked)</td></tr>"
        }
        return out + "</table>\n"
    }

    static func record(_ id: String, _ body: String) -> String {
        "<section class=\"record\" id=\"r-\(escape(id))\">\(body)</section>\n"
    }
}

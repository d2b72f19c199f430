import CasebookModels
import CasebookRedaction
import CasebookStorage
import Foundation
import Hummingbird

/// The session form with its live redaction preview; drafts, finalising, amending.
extension LocalWebApp {
    static let noteFields = [("topics", "Topics"), ("progress", "Progress"), ("follow_up", "Follow-up")]

    /// The form for a new session (`draft == nil`) or for editing one of my drafts.
    func sessionPage(_ c: UIContext, client: ClientID, draft: SessionRecord?, values: Form?, error: CasebookError?) -> Response {
        guarded(c, "Session") { () throws(CasebookError) -> Response in
            let detail = try vault.clientDetail(client)
            let settings = try vault.organisation().settings
            let f = values ?? Form()
            func value(_ name: String, _ fallback: String) -> String { values == nil ? fallback : (f[name] ?? "") }
            let on = value("on", draft?.on.iso ?? vault.clock.today.iso)
            let minutes = value("minutes", String(draft?.minutes ?? vault.lastSessionMinutes() ?? 50))
            let platform = value("platform", draft?.platform ?? settings.approvedPlatforms.first ?? "")
            let action = draft.map { "/sessions/\($0.id.rawValue)" } ?? "/clients/\(client.rawValue)/sessions"
            var platforms = settings.approvedPlatforms
            if !platform.isEmpty, !platforms.contains(platform) { platforms.append(platform) }
            let options = platforms.map { "<option\($0 == platform ? " selected" : "")>\(HTML.e($0))</option>" }.joined()
            let pp = values == nil ? (draft?.practitionerPrivate ?? false) : f.checked("practitioner_private")
            let cp = values == nil ? (draft?.clientPrivate ?? false) : f.checked("client_private")
            var body = error.map(HTML.refusalBox) ?? ""
            body += """
                <p class="muted">Session with \(HTML.e(detail.client.name)). Write in general terms: identifying details are \
                masked before anything is stored (policy 3.1); the preview shows what will be masked.</p>
                <form method="post" action="\(HTML.e(action))" id="session-form" autocomplete="off"
                 data-preview="/clients/\(HTML.e(client.rawValue))/preview" data-identify="/clients/\(HTML.e(client.rawValue))/identify">
                \(HTML.hiddenCSRF(c))
                <label for="on">Date</label><input id="on" name="on" value="\(HTML.e(on))" autocomplete="off">
                <label for="minutes">Minutes</label><input id="minutes" name="minutes" value="\(HTML.e(minutes))" autocomplete="off">
                <label for="platform">Platform</label><select id="platform" name="platform">\(options)</select>
                <label><input type="checkbox" name="practitioner_private" id="practitioner_private"\(pp ? " checked" : "")> \
                I was in a confidential location</label>
                <label><input type="checkbox" name="client_private" id="client_private"\(cp ? " checked" : "")> \
                The client was encouraged to use a private space</label>
                """
            let stored = [draft?.topics, draft?.progress, draft?.followUp]
            for (index, (name, label)) in Self.noteFields.enumerated() {
                body += """
                    <label for="\(name)">\(label)</label><textarea id="\(name)" name="\(name)" autocomplete="off" spellcheck="false" \
                    autocapitalize="off">\(HTML.e(value(name, stored[index] ?? "")))</textarea>
                    """
            }
            body += """
                <div class="card"><h3>Redaction preview</h3><p id="preview-count" class="muted">Type the note to see what will be masked.</p>
                <div id="preview" aria-live="polite"></div>
                <label for="identify-word">A word the preview missed that identifies this client (a nickname, a street, a club)</label>
                <input id="identify-word" autocomplete="off" spellcheck="false"> <button type="button" id="identify-button">Mark as identifying</button>
                <p id="identify-status" class="muted"></p></div>
                <p><button type="submit" id="save-session">\(draft == nil ? "Save as draft" : "Save draft")</button></p></form>
                """
            return HTML.page(draft == nil ? "Log a session" : "Edit draft", body, context: c,
                             status: error.map(HTML.status(for:)) ?? .ok, script: true)
        }
    }

    func sessionForm(_ c: UIContext, client: ClientID) -> Response {
        sessionPage(c, client: client, draft: nil, values: nil, error: nil)
    }

    func editForm(_ c: UIContext, session: RecordID) -> Response {
        guarded(c, "Edit draft") { () throws(CasebookError) -> Response in
            guard let draft = try vault.sessions(mine: true, since: nil, draftsOnly: true).first(where: { $0.session.id == session })?.session else {
                throw CasebookError(.notFound, "this session is not one of your drafts; a finalised note is corrected with an amendment")
            }
            return sessionPage(c, client: draft.clientID, draft: draft, values: nil, error: nil)
        }
    }

    /// The draft the form describes (the library checks it; only the shape is checked here).
    func draft(from f: Form, client: ClientID) throws(CasebookError) -> SessionDraft {
        guard let on = f.text("on").flatMap(LocalDate.init(iso:)) else { throw CasebookError(.invalidInput, "the session date must be YYYY-MM-DD") }
        guard let minutes = f.text("minutes").flatMap({ Int($0) }) else { throw CasebookError(.invalidInput, "the duration must be a whole number of minutes") }
        return SessionDraft(clientID: client, on: on, minutes: minutes, platform: f["platform"] ?? "",
                            practitionerPrivate: f.checked("practitioner_private"), clientPrivate: f.checked("client_private"),
                            topics: f["topics"] ?? "", progress: f["progress"] ?? "", followUp: f["follow_up"] ?? "")
    }

    func logSession(_ c: UIContext, client: ClientID) -> Response {
        do throws(CasebookError) {
            let result = try vault.logSession(try draft(from: c.form, client: client))
            return HTML.redirect("/clients/\(client.rawValue)#session-\(result.session.id.rawValue)")
        } catch {
            return sessionPage(c, client: client, draft: nil, values: c.form, error: error)
        }
    }

    func saveDraft(_ c: UIContext, session: RecordID) -> Response {
        guarded(c, "Edit draft") { () throws(CasebookError) -> Response in
            guard let current = try vault.sessions(mine: true, since: nil, draftsOnly: true).first(where: { $0.session.id == session })?.session else {
                throw CasebookError(.notFound, "this session is not one of your drafts; a finalised note is corrected with an amendment")
            }
            do throws(CasebookError) {
                _ = try vault.editDraft(session, to: try draft(from: c.form, client: current.clientID))
                return HTML.redirect("/clients/\(current.clientID.rawValue)#session-\(session.rawValue)")
            } catch {
                return sessionPage(c, client: current.clientID, draft: current, values: c.form, error: error)
            }
        }
    }

    func finalise(_ c: UIContext, session: RecordID) -> Response {
        guarded(c, "Finalise") { () throws(CasebookError) -> Response in
            let record = try vault.finaliseSession(session)
            return HTML.redirect("/clients/\(record.clientID.rawValue)#session-\(session.rawValue)")
        }
    }

    func amend(_ c: UIContext, session: RecordID) -> Response {
        guarded(c, "Amend") { () throws(CasebookError) -> Response in
            let (amendment, _) = try vault.amendSession(session, text: c.form["text"] ?? "")
            return HTML.redirect("/clients/\(amendment.clientID.rawValue)#session-\(session.rawValue)")
        }
    }

    struct PreviewSegment: Encodable { var text: String; var placeholder: String? }
    struct PreviewField: Encodable { var name: String; var label: String; var segments: [PreviewSegment] }
    struct PreviewAnswer: Encodable { var fields: [PreviewField]; var count: Int; var error: String? }

    /// `POST /clients/:id/preview`: the note's fields, cut into plain and to-be-masked segments.
    /// Answered as JSON to the page's own script; never stored, never logged.
    func preview(_ c: UIContext, client: ClientID) -> Response {
        let texts = Self.noteFields.map { c.form[$0.0] ?? "" }
        do throws(CasebookError) {
            let results = try vault.previewRedaction(texts, client: client)
            var fields: [PreviewField] = []
            for ((name, label), (text, result)) in zip(Self.noteFields, zip(texts, results)) {
                fields.append(PreviewField(name: name, label: label, segments: Self.segments(text, result)))
            }
            return HTML.json(PreviewAnswer(fields: fields, count: results.reduce(0) { $0 + $1.spans.count }, error: nil))
        } catch {
            return HTML.json(PreviewAnswer(fields: [], count: 0, error: error.message), status: HTML.status(for: error))
        }
    }

    static func segments(_ text: String, _ result: RedactionResult) -> [PreviewSegment] {
        let scalars = Array(text.unicodeScalars)
        func slice(_ range: Range<Int>) -> String {
            var s = String.UnicodeScalarView()
            s.append(contentsOf: scalars[max(0, range.lowerBound)..<min(scalars.count, range.upperBound)])
            return String(s)
        }
        var out: [PreviewSegment] = []
        var at = 0
        for (span, placeholder) in zip(result.spans, result.placeholders) {
            if span.range.lowerBound > at { out.append(PreviewSegment(text: slice(at..<span.range.lowerBound), placeholder: nil)) }
            out.append(PreviewSegment(text: slice(span.range), placeholder: placeholder))
            at = span.range.upperBound
        }
        if at < scalars.count { out.append(PreviewSegment(text: slice(at..<scalars.count), placeholder: nil)) }
        return out
    }

    struct IdentifyAnswer: Encodable { var message: String; var identifiers: Int? }

    /// `POST /clients/:id/identify`: the word joins the client's known identifiers (never echoed back).
    func identify(_ c: UIContext, client: ClientID) -> Response {
        do throws(CasebookError) {
            let count = try vault.addIdentifier(c.form["word"] ?? "", to: client)
            return HTML.json(IdentifyAnswer(message: "Added: this client now has \(count) taught identifier(s), masked from now on.", identifiers: count))
        } catch {
            return HTML.json(IdentifyAnswer(message: "Refused: \(error.message)", identifiers: nil), status: HTML.status(for: error))
        }
    }
}

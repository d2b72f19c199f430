import CasebookExport
import CasebookModels
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Server-side HTML: one escaping function (`HTML.e`) through which every value from the vault or
/// the request passes, and one layout. No template engine (ADR 0023: the pages are few, and a
/// Swift function keeps escaping in one reviewed place).
enum HTML {
    /// Escapes text for HTML element content and double-quoted attribute values.
    static func e(_ text: String) -> String { HTMLText.escape(text) }

    static let style = """
        body{font-family:system-ui,sans-serif;margin:0;color:#1d2330;background:#f6f7f9}
        header{background:#23395d;color:#fff;padding:.6em 1em;display:flex;gap:1em;align-items:center;flex-wrap:wrap}
        header a{color:#fff;text-decoration:none;font-weight:600}
        header a.concern{background:#b3261e;padding:.3em .7em;border-radius:4px;margin-left:auto}
        main{max-width:60em;margin:1em auto;padding:0 1em}
        .card{background:#fff;border:1px solid #d8dde6;border-radius:6px;padding:.8em 1em;margin:.8em 0}
        .amend{margin-left:1.5em;border-left:3px solid #9aa7bd;padding-left:.8em}
        .refusal{background:#fdecea;border:1px solid #b3261e;color:#6b1410;padding:.6em 1em;border-radius:6px}
        .notice{background:#e8f3ea;border:1px solid #2e7d32;padding:.6em 1em;border-radius:6px}
        .phone{font-size:1.3em;font-weight:700}
        mark{background:#ffe08a}
        .ph{color:#6a4b00;font-size:.85em}
        table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #e1e5ec;padding:.3em .5em;text-align:left}
        label{display:block;margin:.5em 0 .2em;font-weight:600}
        textarea{width:100%;min-height:4em}
        .overdue{color:#b3261e;font-weight:700}
        .muted{color:#5d6677}
        button{padding:.35em .9em}
        """

    /// The page around `body`. `csrf` goes into a meta tag for the preview script.
    /// `refresh`: reload every N seconds (a running sync's progress; a meta refresh needs no script).
    static func page(_ title: String, _ body: String, context: UIContext, status: HTTPResponse.Status = .ok, script: Bool = false,
                     refresh: Int? = nil) -> Response {
        let nonce = context.nonce
        var html = """
            <!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">\(refresh.map { "<meta http-equiv=\"refresh\" content=\"\($0)\">" } ?? "")
            <meta name="referrer" content="same-origin"><meta name="csrf" content="\(e(context.csrf))">
            <title>Casebook</title><style nonce="\(nonce)">\(style)</style></head><body>
            """
        if !context.csrf.isEmpty {
            html += """
                <header><a href="/">My clients</a><a href="/inbox">Inbox</a><a href="/disclosures">Disclosure log</a>\
                <a href="/admin">Organisation</a><a class="concern" href="/concerns/new">Raise a safeguarding concern</a></header>
                """
        }
        html += "<main><h1>\(e(title))</h1>\(body)</main>"
        if script { html += "<script nonce=\"\(nonce)\" src=\"/app.js\"></script>" }
        html += "</body></html>"
        return Response(status: status, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    static func refusal(_ status: HTTPResponse.Status, _ title: String, _ message: String, context: UIContext) -> Response {
        page(title, "<p class=\"refusal\">\(e(message))</p>", context: context, status: status)
    }

    /// A refusal from the library, in its own words, inline above whatever the page shows; its hint
    /// (ADR 0029) in plain words, never as a CLI command.
    static func refusalBox(_ error: CasebookError) -> String {
        "<div class=\"refusal\" role=\"alert\"><strong>Refused:</strong> \(e(refusalText(error)))</div>"
    }

    /// The web app's words for a library error: the message, then the hint as plain words.
    static func refusalText(_ error: CasebookError) -> String {
        guard let hint = error.hint else { return error.message }
        return "\(error.message); \(hint.words)"
    }

    /// Any error of a library call as a refusal to render with `refusalBox`: the library's own
    /// `CasebookError` as it is; an export error by its description (names and codes, never content).
    static func refusal(from error: any Error) -> CasebookError {
        switch error {
        case let error as CasebookError: error
        case let error as ExportError: CasebookError(.invalidInput, error.description)
        default: CasebookError(.storage, "the request could not be completed; nothing was changed")
        }
    }

    static func hiddenCSRF(_ context: UIContext) -> String {
        "<input type=\"hidden\" name=\"csrf\" value=\"\(e(context.csrf))\">"
    }

    /// A one-button form posting to `action`.
    static func button(_ label: String, action: String, context: UIContext, fields: [String: String] = [:]) -> String {
        let hidden = fields.sorted { $0.key < $1.key }.map { "<input type=\"hidden\" name=\"\(e($0.key))\" value=\"\(e($0.value))\">" }.joined()
        return "<form method=\"post\" action=\"\(e(action))\" class=\"inline\">\(hiddenCSRF(context))\(hidden)<button type=\"submit\">\(e(label))</button></form>"
    }

    /// A file for the browser to save (a release extract, a subject-access bundle): never cached
    /// (the guard adds `no-store`), never shown inline.
    static func download(_ data: Data, filename: String) -> Response {
        Response(status: .ok, headers: [.contentType: "application/zip", .contentDisposition: "attachment; filename=\"\(filename)\""],
                 body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location])
    }

    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// The HTTP status for a library refusal (only this layer and the apps know HTTP statuses).
    static func status(for error: CasebookError) -> HTTPResponse.Status {
        switch error.code {
        case .notFound: .notFound
        case .conflict: .conflict
        case .notAuthorised, .trainingMissing: .forbidden
        case .wrongPassphrase, .sessionExpired: .unauthorized
        default: .unprocessableContent
        }
    }

    static func date(_ date: Date) -> String {
        let f = DateFormatter()
        f.dateFormat = "yyyy-MM-dd HH:mm"
        return f.string(from: date)
    }
}

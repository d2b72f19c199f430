import CasebookExport
import CasebookModels
import CasebookStorage
import Foundation
import Hummingbird

/// Releases to third parties (`casebook disclose`, ADR 0024): recording one from a client's page,
/// the release's own page, the DSL's approval, and the extract for the recipient as a download
/// (`disclose extract`). The rules (consent, basis, reference, who approves, only released releases
/// have an extract) are the library's; this file only shows them.
extension LocalWebApp {
    /// The "Record a release" form on a client's page: the records released are chosen from the
    /// client's sessions and concerns (minimum necessary; a session takes its amendments).
    func releaseForm(_ c: UIContext, client: ClientID, sessions: [SessionEntry], concerns: [ConcernView]) -> String {
        let cid = HTML.e(client.rawValue)
        let bases = DisclosureBasis.allCases.filter { $0 != .subjectAccess }.map {
            "<option value=\"\($0.rawValue)\">\(HTML.e(Self.basisLabel($0)))</option>"
        }.joined()
        var records = sessions.filter { $0.session.status != .draft }.map {
            "<label><input type=\"checkbox\" name=\"records\" value=\"\(HTML.e($0.session.id.rawValue))\"> session \($0.session.on)</label>"
        }
        records += concerns.map {
            "<label><input type=\"checkbox\" name=\"records\" value=\"\(HTML.e($0.concern.id.rawValue))\"> concern \($0.concern.raisedOn) (\(HTML.e($0.concern.category.rawValue)))</label>"
        }
        return """
            <details class="card" id="release"><summary>Record a release (to a GP, a court, the police…)</summary>
            <form method="post" action="/clients/\(cid)/releases" autocomplete="off">\(HTML.hiddenCSRF(c))
            <label for="recipient">To whom</label><input id="recipient" name="recipient" autocomplete="off">
            <label for="purpose">What for</label><input id="purpose" name="purpose" autocomplete="off">
            <label for="basis">Basis</label><select id="basis" name="basis">\(bases)</select>
            <label for="reference">Reference (the court order's number, the referral; needed unless the basis is consent)</label>
            <input id="reference" name="reference" autocomplete="off">
            <fieldset><legend>Records released (only what is needed)</legend>\(records.isEmpty ? "<p class=\"muted\">No finalised sessions or concerns.</p>" : records.joined())</fieldset>
            <p class="muted">With the client's consent the release is decided at once; any other basis waits for the DSL's approval.</p>
            <p><button type="submit" id="record-release">Record the release</button></p></form></details>
            """
    }

    static func basisLabel(_ basis: DisclosureBasis) -> String {
        switch basis {
        case .consent: "the client's consent"
        case .safeguarding: "safeguarding (a duty to protect)"
        case .courtOrder: "a court order"
        case .legalObligation: "a legal obligation"
        case .subjectAccess: "subject access"
        }
    }

    /// `POST /clients/:id/releases`: `vault.disclose`, as `casebook disclose CLIENT --to … --basis …`.
    func recordRelease(_ c: UIContext, client: ClientID) -> Response {
        let f = c.form
        do throws(CasebookError) {
            guard let basis = f.text("basis").flatMap(DisclosureBasis.init(rawValue:)), basis != .subjectAccess else {
                throw CasebookError(.invalidInput, "choose the release's basis: consent, safeguarding, court order or legal obligation")
            }
            let named = f.all("records").map(RecordID.init(rawValue:))
            let released = try ReleaseExtractor.releasable(named, from: vault, client: client)
            let disclosure = try vault.disclose(client: client, recipient: f["recipient"] ?? "", purpose: f["purpose"] ?? "", basis: basis,
                                                reference: f.text("reference"), records: released)
            return HTML.redirect("/disclosures/\(disclosure.id.rawValue)")
        } catch {
            return timeline(c, id: client, error: error)
        }
    }

    /// `GET /disclosures/:id`: one release, its state, and its action (approve, or the extract).
    func releasePage(_ c: UIContext, disclosure id: RecordID, error: CasebookError? = nil) -> Response {
        guarded(c, "Release") { () throws(CasebookError) -> Response in
            let d = try vault.disclosure(id)
            let name = try vault.clientNames([d.clientID])[d.clientID] ?? Vault.short(d.clientID)
            let rid = HTML.e(id.rawValue)
            var body = error.map(HTML.refusalBox) ?? ""
            body += """
                <div class="card" id="release-detail" data-status="\(HTML.e(d.status.rawValue))">
                <p><strong>\(d.requestedOn) · Release</strong> of \(HTML.e(name))'s records to \(HTML.e(d.recipient)) for \(HTML.e(d.purpose))</p>
                <p>Basis: \(HTML.e(Self.basisLabel(d.basis)))\(d.reference.map { ", reference \(HTML.e($0))" } ?? ""); \
                requested by \(HTML.e(personName(d.requestedBy)))\(d.approvedBy.map { "; approved by \(HTML.e(personName($0))) on \(d.approvedOn.map(\.iso) ?? "")" } ?? "")</p>
                <p>Records released: \(d.records.count). Status: <strong id="release-status">\(HTML.e(d.status.rawValue))</strong></p></div>
                """
            switch d.status {
            case .released:
                body += """
                    <form method="post" action="/disclosures/\(rid)/extract" autocomplete="off" class="card">\(HTML.hiddenCSRF(c))
                    <p>The extract for \(HTML.e(d.recipient)): a signed bundle of exactly the records released, checked with \
                    <code>casebook export verify</code>. Each download is audited; no new release is logged.</p>
                    <label for="extract-password">Password to encrypt it (optional; send it separately)</label>
                    <input id="extract-password" name="password" type="password" autocomplete="new-password">
                    <p><button type="submit" id="download-extract">Download the extract</button></p></form>
                    """
            case .pendingApproval:
                body += "<p>Nothing is released until the Designated Safeguarding Lead approves it.</p>"
                body += HTML.button("Approve release", action: "/disclosures/\(id.rawValue)/approve", context: c)
            }
            body += "<p><a href=\"/clients/\(HTML.e(d.clientID.rawValue))\">Back to the client</a></p>"
            return HTML.page("Release", body, context: c, status: error.map(HTML.status(for:)) ?? .ok)
        }
    }

    /// `POST /disclosures/:id/approve`: the DSL approves (`disclose approve ID`); the release's page
    /// then offers the extract.
    func approve(_ c: UIContext, disclosure: RecordID) -> Response {
        do throws(CasebookError) {
            _ = try vault.approveDisclosure(disclosure)
            return HTML.redirect("/disclosures/\(disclosure.rawValue)")
        } catch {
            return releasePage(c, disclosure: disclosure, error: error)
        }
    }

    /// `POST /disclosures/:id/extract`: the extract as a download (`disclose extract ID --out`),
    /// built in memory: no file is written on this laptop except the one the browser saves.
    func releaseExtract(_ c: UIContext, disclosure id: RecordID) -> Response {
        do {
            let disclosure = try vault.disclosure(id)
            guard disclosure.status == .released else {
                throw CasebookError(.conflict, "release \(Vault.short(id)) is \(disclosure.status.rawValue), not released: nothing to send until the DSL approves it")
            }
            let key = try exportKey()
            let password = try bundlePassword(c.form)
            let settings = try vault.organisation().settings
            let extractor = ReleaseExtractor(writer: key.writer, organisationName: settings.organisationName, contact: settings.dslContact,
                                             softwareVersion: hooks.softwareVersion)
            let data = try extractor.archive(from: vault, disclosure: disclosure, password: password)
            return HTML.download(data, filename: "release-\(Vault.short(id)).zip")
        } catch {
            return releasePage(c, disclosure: id, error: HTML.refusal(from: error))
        }
    }

    /// The export key the app was started with, or a refusal saying how to give one.
    func exportKey() throws -> ExportSigningKey {
        guard let load = hooks.exportKey else {
            throw CasebookError(.invalidInput, "no export key: start 'casebook ui' with --signing-key FILE or CASEBOOK_EXPORT_KEY set (create one with 'casebook export keygen')")
        }
        return try load()
    }

    /// The optional password field of an export form, strong enough for a new bundle.
    func bundlePassword(_ form: Form) throws -> BundlePassword? {
        guard let text = form["password"], !text.isEmpty else { return nil }
        let password = try BundlePassword(text)
        try password.requireStrongForNewBundle()
        return password
    }
}

import CasebookModels
import CasebookStorage
import CasebookSync
import Foundation
import Hummingbird

/// Grants and revocations of a client's records (`casebook grant`, `casebook revoke`): the same
/// `SyncClient.grant`/`revoke` over the server, so every rule (only a reader of the case grants it,
/// never to someone whose training is not current, the key rotation on revoke) is the library's.
extension LocalWebApp {
    /// The "Access" section of a client's page: grant to a colleague (until a date), or revoke.
    func grantSection(_ c: UIContext, client: ClientID) throws(CasebookError) -> String {
        guard hooks.withSyncClient != nil else {
            return "<h2 id=\"access-grants\">Access</h2><p class=\"muted\">A standalone vault: nobody else holds these records.</p>"
        }
        let people = try vault.organisation().people.filter { $0.active && $0.id != vault.person }
        let options = people.map { "<option value=\"\(HTML.e($0.id.rawValue))\">\(HTML.e($0.name))</option>" }.joined()
        let cid = HTML.e(client.rawValue)
        return """
            <h2 id="access-grants">Access</h2>
            <form method="post" action="/clients/\(cid)/grants" class="card" autocomplete="off">\(HTML.hiddenCSRF(c))
            <label for="grant-person">Colleague</label><select id="grant-person" name="person">\(options)</select>
            <label for="grant-until">Until (optional, YYYY-MM-DD)</label><input id="grant-until" name="until">
            <p><button type="submit" id="grant">Grant access</button> <button type="submit" id="revoke" formaction="/clients/\(cid)/revoke">Revoke access</button></p>
            </form>
            """
    }

    /// `POST /clients/:id/grants`: `SyncClient.grant`, as `casebook grant CLIENT --to PERSON [--until]`.
    func grant(_ c: UIContext, client: ClientID) async -> Response {
        let f = c.form
        let person = PersonID(rawValue: f["person"] ?? "")
        let until: LocalDate?
        if let text = f.text("until") {
            guard let date = LocalDate(iso: text) else {
                return timeline(c, id: client, error: CasebookError(.invalidInput, "the last day of the grant must be YYYY-MM-DD"))
            }
            guard date >= vault.clock.today else {
                return timeline(c, id: client, error: CasebookError(.invalidInput, "the last day of the grant, \(date), is in the past"))
            }
            until = date
        } else {
            until = nil
        }
        return await throughServer(c, client: client) { sync in
            let outcome = try await sync.grant(client, to: person, until: until)
            return "Granted to \(outcome.devices == 0 ? "a colleague with no certified device yet (the key is wrapped at a later sync)" : "a colleague: the case key is wrapped for \(outcome.devices) device(s)")."
        }
    }

    /// `POST /clients/:id/revoke`: `SyncClient.revoke`, as `casebook revoke CLIENT --from PERSON`.
    func revoke(_ c: UIContext, client: ClientID) async -> Response {
        let person = PersonID(rawValue: c.form["person"] ?? "")
        return await throughServer(c, client: client) { sync in
            let outcome = try await sync.revoke(client, from: person)
            return "Revoked; the case key is now epoch \(outcome.newEpoch), wrapped for \(outcome.recipients) remaining reader(s)."
        }
    }

    /// Runs a server action with the app's sync client; its refusal (or the server's) inline.
    func throughServer(_ c: UIContext, client: ClientID, _ body: @escaping @Sendable (SyncClient) async throws -> String) async -> Response {
        guard let withSyncClient = hooks.withSyncClient else {
            return timeline(c, id: client, error: CasebookError(.invalidInput, "this vault is standalone: there is no server to grant access through"))
        }
        do {
            let summary = try await withSyncClient(body)
            return timeline(c, id: client, notice: summary)
        } catch {
            return timeline(c, id: client, error: HTML.refusal(from: error))
        }
    }
}

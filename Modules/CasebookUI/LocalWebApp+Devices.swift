import CasebookModels
import CasebookStorage
import CasebookSync
import Foundation
import Hummingbird

/// The administrator's device actions (`casebook device certify`, `casebook device remove`): the
/// same `SyncClient.certifyDevice`/`removeDevice` calls through the app's sync client, so every rule
/// (only an administrator's certified device vouches or removes; a held device is certified only
/// with the fingerprint its owner read out and only if its proof matches an invitation this vault
/// issued; the root and this device are never removed) is the library's, shown inline.
extension LocalWebApp {
    /// The "Held devices" and "Remove a device" sections of the administrator's page.
    func deviceActionsSection(_ c: UIContext, devices: [KnownDevice]) throws(CasebookError) -> String {
        guard hooks.withSyncClient != nil else { return "" }
        var html = ""
        let held = try vault.heldEnrolments()
        if !held.isEmpty {
            html += "<h3 id=\"held-devices\">Held devices: certify only after comparing fingerprints</h3>"
            html += "<p>Each claims an invitation that already vouched for a device (a code can leak). Ask the person for the fingerprint their "
                + "<code>casebook enrol</code> printed and compare it with the one shown here before you vouch for the device.</p>"
        }
        for enrolment in held {
            let did = HTML.e(enrolment.device.rawValue)
            html += """
                <form method="post" action="/devices/\(did)/certify" class="card held-device" autocomplete="off">\(HTML.hiddenCSRF(c))
                <p><strong>\(HTML.e(enrolment.name ?? Vault.short(enrolment.person)))</strong>: device <code>\(HTML.e(Vault.short(enrolment.device)))</code>, \
                fingerprint <code class="fingerprint">\(HTML.e(enrolment.fingerprint))</code></p>
                <label for="fingerprint-\(did)">The fingerprint the person read out to you</label>
                <input id="fingerprint-\(did)" name="fingerprint" autocomplete="off">
                <label><input type="checkbox" name="confirm" value="yes"> I compared the fingerprints with the person and they match</label>
                <p><button type="submit" class="certify-device">Certify this device</button></p></form>
                """
        }
        let removable = devices.filter { $0.removedAt == nil && !$0.isRoot && !$0.isThisDevice }
        guard !removable.isEmpty else { return html }
        let options = removable.map {
            "<option value=\"\(HTML.e($0.device.rawValue))\">\(HTML.e(Vault.short($0.device))) (\(HTML.e(personName($0.person))))</option>"
        }.joined()
        html += """
            <details class="card" id="remove-device"><summary>Remove a device (a lost or stolen laptop, or a leaver's)</summary>
            <form method="post" action="/devices/remove" autocomplete="off">\(HTML.hiddenCSRF(c))
            <p class="muted">It can no longer sign in or receive keys, and the key of every case this vault holds that it could read is rotated. \
            Lost or stolen opens a breach record with the 72-hour deadline for reporting to the ICO.</p>
            <label for="remove-which">Device</label><select id="remove-which" name="device">\(options)</select>
            <label for="remove-reason">Why</label><select id="remove-reason" name="reason"><option value="">(choose)</option>\
            <option value="lost">lost</option><option value="stolen">stolen</option><option value="retired">retired (handed back)</option></select>
            <p><button type="submit" id="remove-device-button">Remove the device</button></p></form></details>
            """
        return html
    }

    /// `POST /devices/:id/certify`: `SyncClient.certifyDevice` with the fingerprint the person read
    /// out, as `casebook device certify DEVICE --fingerprint FP`, after an explicit confirmation.
    func certifyDevice(_ c: UIContext, device: DeviceID) async -> Response {
        let f = c.form
        guard f["confirm"] == "yes" else {
            return admin(c, error: CasebookError(.invalidInput, "tick the box to confirm that you compared the fingerprints with the person; nothing was certified"))
        }
        guard let fingerprint = f.text("fingerprint") else {
            return admin(c, error: CasebookError(.invalidInput, "type the fingerprint the person read out from their 'casebook enrol'; nothing was certified"))
        }
        return await adminThroughServer(c) { sync in
            let issued = try await sync.certifyDevice(device, fingerprint: fingerprint)
            return "Vouched for device \(Vault.short(issued.device)) of \(self.personName(issued.person)) (fingerprint \(issued.fingerprint))."
        }
    }

    /// `POST /devices/remove`: `SyncClient.removeDevice`, as `casebook device remove DEVICE --reason R`
    /// (lost or stolen opens a breach record, sent at once when the server answers).
    func removeDevice(_ c: UIContext) async -> Response {
        let f = c.form
        guard let text = f.text("device") else {
            return admin(c, error: CasebookError(.invalidInput, "choose the device to remove; nothing was removed"))
        }
        guard let reason = f.text("reason").flatMap(DeviceRemovalReason.init(rawValue:)) else {
            return admin(c, error: CasebookError(.invalidInput, "choose why the device is removed (lost, stolen or retired); nothing was removed"))
        }
        let device = DeviceID(rawValue: text)
        return await adminThroughServer(c) { sync in
            let outcome = try await sync.removeDevice(device)
            var summary = "Removed device \(Vault.short(outcome.device))\(outcome.person.map { " of \(self.personName($0))" } ?? ""): "
                + "it can no longer sign in or receive keys. Rotated the key of \(outcome.rotatedCases.count) case(s) this vault holds."
            guard reason.opensBreach else { return summary }
            let breach = try self.vault.openBreach(device: outcome.device, person: outcome.person, cause: reason)
            summary += " Opened breach \(Vault.short(breach.id)) (\(reason.rawValue) device): report it to the ICO by \(HTML.date(breach.deadline)) (72 hours), "
                + "or record that it poses no risk, from the DSL's inbox."
            do { _ = try await sync.run() } catch {
                summary += " The breach record is saved here; it reaches the DSL at the next sync."
            }
            return summary
        }
    }

    /// Runs an administrator's server action with the app's sync client; its refusal (or the
    /// server's) inline on the administrator's page, through `HTML.refusalBox`.
    func adminThroughServer(_ c: UIContext, _ body: @escaping @Sendable (SyncClient) async throws -> String) async -> Response {
        guard let withSyncClient = hooks.withSyncClient else {
            return admin(c, error: CasebookError(.invalidInput, "this vault is standalone: there is no server to vouch for or remove devices through"))
        }
        do {
            return admin(c, notice: try await withSyncClient(body), noticeID: "device-result")
        } catch {
            return admin(c, error: HTML.refusal(from: error))
        }
    }
}

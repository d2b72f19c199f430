import CasebookCrypto
import CasebookModels
import CasebookStorage
import Foundation
import Hummingbird

/// The administrator's page (people, devices, training, sync status, "Sync now") and the
/// disclosure log across clients.
extension LocalWebApp {
    func admin(_ c: UIContext, notice: String? = nil, error: CasebookError? = nil, noticeID: String = "sync-result") -> Response {
        guarded(c, "Organisation") { () throws(CasebookError) -> Response in
            let org = try vault.organisation()
            let report = try vault.status()
            let devices = try vault.knownDevices()
            var fingerprints: [DeviceID: String] = [:]
            for person in Set(devices.map(\.person)) {
                for keys in try vault.trustedDevices(of: person) { fingerprints[keys.deviceID] = DeviceFingerprint.of(keys) }
            }
            var body = error.map(HTML.refusalBox) ?? ""
            if let notice { body += "<p class=\"notice\" id=\"\(noticeID)\">\(HTML.e(notice))</p>" }
            body += "<h2>Sync</h2><p>"
            body += report.serverConfigured
                ? "Last sync: \(report.lastSync.map(HTML.date) ?? "never"); \(report.unsent) change(s) not yet sent."
                : "A standalone vault (no sync server); \(report.unsent) change(s) recorded locally."
            body += "</p>"
            if report.serverConfigured, hooks.sync != nil { body += HTML.button("Sync now", action: "/sync", context: c) }
            body += "<h2>People</h2><table><tr><th>Name</th><th>Type</th><th>Roles</th><th>Training</th></tr>"
            for person in org.people {
                let done = org.training.filter { $0.person == person.id }
                    .map { "\($0.course.rawValue) \($0.completedOn)" }.joined(separator: ", ")
                body += """
                    <tr><td>\(HTML.e(person.name))\(person.active ? "" : " (removed)")</td><td>\(HTML.e(person.type.rawValue))</td>\
                    <td>\(HTML.e(person.roles.map(\.rawValue).joined(separator: ", ")))</td><td>\(HTML.e(done))</td></tr>
                    """
            }
            body += "</table>" + (try trainingAndPolicySection(c, organisation: org)) + "<h2>Devices</h2>"
            body += "<p>This device's fingerprint: <code>\(HTML.e(DeviceFingerprint.of(vault.identity.publicKeys)))</code></p>"
            body += "<table><tr><th>Device</th><th>Person</th><th>Roles</th><th>State</th><th>Fingerprint</th></tr>"
            for device in devices {
                let state = device.removedAt != nil ? "removed" : device.isRoot ? "root" : "certified"
                body += """
                    <tr><td><code>\(HTML.e(Vault.short(device.device)))</code>\(device.isThisDevice ? " (this device)" : "")</td>\
                    <td>\(HTML.e(personName(device.person)))</td><td>\(HTML.e(device.roles.joined(separator: ", ")))</td><td>\(state)</td>\
                    <td><code>\(HTML.e(fingerprints[device.device] ?? ""))</code></td></tr>
                    """
            }
            body += "</table>" + (try deviceActionsSection(c, devices: devices))
            return HTML.page("Organisation", body, context: c, status: error.map(HTML.status(for:)) ?? .ok)
        }
    }

    func disclosureLog(_ c: UIContext) -> Response {
        guarded(c, "Disclosure log") { () throws(CasebookError) -> Response in
            let clients = try vault.clients()
            var rows: [(LocalDate, String)] = []
            for client in clients {
                for d in try vault.releaseHistory(client: client.id).disclosures {
                    rows.append((d.requestedOn, """
                        <tr><td><a href="/disclosures/\(HTML.e(d.id.rawValue))">\(d.requestedOn)</a></td><td>\(HTML.e(client.name))</td><td>\(HTML.e(d.recipient))</td><td>\(HTML.e(d.purpose))</td>\
                        <td>\(HTML.e(d.basis.rawValue))</td><td>\(HTML.e(d.status.rawValue))</td><td>\(HTML.e(personName(d.requestedBy)))</td></tr>
                        """))
                }
            }
            rows.sort { $0.0 > $1.0 }
            var body = "<table><tr><th>Date</th><th>Client</th><th>Recipient</th><th>Purpose</th><th>Basis</th><th>Status</th><th>By</th></tr>"
            body += rows.map(\.1).joined() + "</table>"
            if rows.isEmpty { body += "<p>No disclosures recorded.</p>" }
            return HTML.page("Disclosure log", body, context: c)
        }
    }
}

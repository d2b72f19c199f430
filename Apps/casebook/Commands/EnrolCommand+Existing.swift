import ArgumentParser
import CasebookModels
import CasebookStorage
import CasebookSync
import Foundation

extension EnrolCommand {
    /// Enrols an existing standalone vault (docs/adr/0010-membership.md): everything is checked
    /// before the code is used; the server registers the vault's existing device keys; then the
    /// vault adopts the organisation in one transaction, keeping every client case.
    func enrolExisting(code parsed: EnrolmentCode) async throws {
        guard recoveryKeyOut == nil else {
            throw CasebookError(.invalidInput, "--recovery-key-out is for the first administrator's new vault; an existing vault joins with an invitation")
        }
        let vault = try options.openVault()
        try vault.checkStandaloneEnrolment(invited: parsed.person)
        let url = try SyncSupport.serverURL(explicit: server, vault: nil)
        let security = try enrolmentSecurity(parsed)
        let transport = try HTTPSyncTransport(baseURL: url, identity: nil, security: security)
        let enrolment = try await SyncClient.enrol(code: parsed, person: nil, transport: transport, existing: vault.identity,
                                                   timeout: SyncSupport.requestTimeout() ?? .seconds(30))
        let kept = try vault.adoptEnrolment(organisation: enrolment.organisation, root: enrolment.root, server: url)
        try vault.rememberTransportSecurity(TransportSecurity(caCertificatesPEM: security.caCertificatesPEM))
        if options.json {
            Output.json(EnrolledExisting(vault: vault.path, personID: vault.person.rawValue, deviceID: vault.device.rawValue,
                                         organisation: enrolment.organisation.name, role: enrolment.person.role.rawValue, root: "no",
                                         fingerprint: enrolment.fingerprint,
                                         existing: true, clientCases: kept.clientCases, queuedRevisions: kept.queuedRevisions,
                                         retiredOrganisationRevisions: kept.retiredOrganisationRevisions))
            return
        }
        print("Enrolled this existing vault in \(enrolment.organisation.name) as \(enrolment.person.role.rawValue); vault \(vault.path)")
        print("Your device fingerprint: \(enrolment.fingerprint) (your administrator sees the same one before vouching for this device)")
        print("Kept \(kept.clientCases) client case(s); \(kept.queuedRevisions) revision(s) are pushed at your next sync.")
        print("Your standalone organisation records (\(kept.retiredOrganisationRevisions) revision(s)) are replaced by the organisation's.")
        print("Next: ask your administrator to run 'casebook sync' (it vouches for your keys) and to record your training; then run 'casebook sync'.")
    }

    struct EnrolledExisting: Encodable {
        var vault: String
        var personID: String
        var deviceID: String
        var organisation: String
        var role: String
        var root: String
        var fingerprint: String
        var existing: Bool
        var clientCases: Int
        var queuedRevisions: Int
        var retiredOrganisationRevisions: Int
    }
}

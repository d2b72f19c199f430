import CasebookCrypto
import CasebookModels
import CasebookServerTestSupport
@_spi(Testing) import CasebookStorage
import CasebookSync
import CasebookTestSupport
import CasebookUI
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// An organisation on the real sync server (`SyncTestServer`: every route of `casebook-server` on
/// loopback), its first administrator enrolled and synced exactly as the CLI does it.
struct UIDeviceOrganisation: Sendable {
    static let passphrase: PreparedPassphrase = {
        do { return try PreparedPassphrase.prepare("correct horse battery staple") } catch { fatalError("KDF failed: \(error)") }
    }()

    let server: SyncTestServer
    let admin: Vault
    let directory: TemporaryDirectory

    static func make() async throws -> UIDeviceOrganisation {
        let server = try await SyncTestServer.start()
        let (person, code) = try await server.bootstrap()
        let enrolment = try await SyncClient.enrol(code: try EnrolmentCode(parsing: code), person: person, transport: server.transport(for: nil))
        let directory = TemporaryDirectory("casebook-ui-devices")
        let admin = try Vault.createEnrolled(at: directory.path("admin.casebook"), prepared: passphrase, identity: enrolment.identity,
                                             ownerName: "Ada Admin", role: .admin, type: .staff, organisation: enrolment.organisation,
                                             root: enrolment.root, recoveryKey: enrolment.recovery?.publicKey, server: server.baseURL)
        let org = UIDeviceOrganisation(server: server, admin: admin, directory: directory)
        _ = try await org.client(admin).run()
        return org
    }

    func client(_ vault: Vault) -> SyncClient {
        var configuration = SyncConfiguration()
        configuration.requestTimeout = .seconds(10)
        return SyncClient(vault: vault, transport: server.transport(for: vault.identity), configuration: configuration)
    }

    /// The web app over `vault`, with its sync client on the real server.
    func harness(_ vault: Vault) -> UIHarness {
        let org = self
        return UIHarness(vault: vault) { hooks in
            hooks.withSyncClient = { body in try await body(org.client(vault)) }
        }
    }

    func train(_ person: PersonID) throws {
        for course in TrainingCourse.allCases { try admin.recordTraining(course: course, completedOn: admin.clock.today, for: person) }
    }

    /// A member invited, trained, enrolled, vouched for by the administrator's sync, and synced.
    func join(_ name: String, role: Role) async throws -> Vault {
        let invitation = try await client(admin).invite(name: name, role: role, type: .staff)
        try train(invitation.person)
        let enrolment = try await SyncClient.enrol(code: try EnrolmentCode(parsing: invitation.code), person: nil, transport: server.transport(for: nil))
        let vault = try Vault.createEnrolled(at: directory.path("\(UUID().uuidString).casebook"), prepared: Self.passphrase,
                                             identity: enrolment.identity, ownerName: name, role: role, type: .staff,
                                             organisation: enrolment.organisation, root: enrolment.root, recoveryKey: nil, server: server.baseURL)
        _ = try await client(admin).run()
        _ = try await client(vault).run()
        return vault
    }
}

/// The administrator's device actions through the web app (`casebook device certify`, `device
/// remove`): the real `SyncClient.certifyDevice`/`removeDevice` over the real server routes.
@Suite("Local web app: devices")
struct UIDeviceTests {
    static func trusted(_ vault: Vault, _ person: PersonID) throws -> Set<DeviceID> {
        Set(try vault.trustedDevices(of: person).map(\.deviceID))
    }

    @Test("a held device (a second claim on one invitation) is certified only with the fingerprint and a confirmation; then removed as lost, opening a breach")
    func certifyHeldThenRemove() async throws {
        let org = try await UIDeviceOrganisation.make()
        let invitation = try await org.client(org.admin).invite(name: "Pat Newcomer", role: .practitioner, type: .staff)
        try org.train(invitation.person)
        let code = try EnrolmentCode(parsing: invitation.code)
        let first = try await SyncClient.enrol(code: code, person: nil, transport: org.server.transport(for: nil))
        #expect(try await org.client(org.admin).run().certified == 1)
        // The code leaked: a second device makes a valid proof and the server registers it; the administrator's sync holds it.
        let second = DeviceIdentity.generate(person: invitation.person)
        let keys = second.publicKeys
        await org.server.plantDevice(DeviceRecord(deviceID: keys.deviceID, person: keys.person, signing: keys.signing, agreement: keys.agreement,
                                                  enrolmentProof: DeviceTrust.enrolmentProof(secret: code.secret, keys: keys)))
        #expect(try await org.client(org.admin).run().certified == 0)
        #expect(try org.admin.heldEnrolments().map(\.device) == [second.deviceID])
        let fingerprint = DeviceFingerprint.of(keys)
        let harness = org.harness(org.admin)
        try await harness.test { browser in
            var browser = browser
            try await browser.launch()
            let page = try await browser.get("/admin")
            #expect(page.text.contains("certify only after comparing fingerprints"))
            #expect(page.text.contains("<code class=\"fingerprint\">\(fingerprint)</code>"))
            let certify = "/devices/\(second.deviceID.rawValue)/certify"
            #expect(page.text.contains("action=\"\(certify)\""))

            let noToken = try await browser.post(certify, [("fingerprint", fingerprint), ("confirm", "yes")], csrf: false)
            #expect(noToken.status == .forbidden)
            let unconfirmed = try await browser.post(certify, [("fingerprint", fingerprint)])
            #expect(unconfirmed.status == .unprocessableContent)
            #expect(unconfirmed.text.contains("Refused:"))
            #expect(unconfirmed.text.contains("tick the box"))
            let wrong = try await browser.post(certify, [("fingerprint", first.fingerprint), ("confirm", "yes")])
            #expect(wrong.text.contains("Refused:"))
            #expect(!wrong.text.contains("device-result"))
            #expect(try Self.trusted(org.admin, invitation.person) == [first.identity.deviceID])

            let done = try await browser.post(certify, [("fingerprint", fingerprint.uppercased()), ("confirm", "yes")])
            #expect(done.status == .ok)
            #expect(done.text.contains("id=\"device-result\""))
            #expect(done.text.contains("Vouched for device"))
            #expect(!done.text.contains("Refused:"))
            #expect(try Self.trusted(org.admin, invitation.person) == [first.identity.deviceID, second.deviceID])

            // Removal asks why; lost opens a breach record with its 72-hour clock.
            let page2 = try await browser.get("/admin")
            #expect(page2.text.contains("action=\"/devices/remove\""))
            let noReason = try await browser.post("/devices/remove", [("device", second.deviceID.rawValue), ("reason", "")])
            #expect(noReason.text.contains("choose why the device is removed"))
            #expect(try org.admin.knownDevices().first { $0.device == second.deviceID }?.removedAt == nil)
            let root = try await browser.post("/devices/remove", [("device", org.admin.device.rawValue), ("reason", "retired")])
            #expect(root.text.contains("Refused:"))
            #expect(try org.admin.breaches().isEmpty)
            let removed = try await browser.post("/devices/remove", [("device", second.deviceID.rawValue), ("reason", "lost")])
            #expect(removed.text.contains("Removed device"))
            #expect(removed.text.contains("Opened breach"))
            #expect(try org.admin.knownDevices().first { $0.device == second.deviceID }?.removedAt != nil)
            #expect(try org.admin.breaches().map(\.device) == [second.deviceID])

            harness.lock()
            #expect(try await browser.post(certify, [("fingerprint", fingerprint), ("confirm", "yes")]).status.code == 423)
            // The lock ended the web session: a further request is refused too (401), and nothing is removed.
            #expect(try await browser.post("/devices/remove", [("device", first.identity.deviceID.rawValue), ("reason", "retired")]).status == .unauthorized)
            #expect(try org.admin.knownDevices().first { $0.device == first.identity.deviceID }?.removedAt == nil)
        }
    }

    @Test("a practitioner's vault is refused both actions by the library, inline; the device stays trusted")
    func practitionerRefused() async throws {
        let org = try await UIDeviceOrganisation.make()
        let practitioner = try await org.join("Pat Practitioner", role: .practitioner)
        let colleague = try await org.join("Cam Colleague", role: .practitioner)
        let harness = org.harness(practitioner)
        try await harness.test { browser in
            var browser = browser
            try await browser.launch()
            let certify = try await browser.post("/devices/\(colleague.device.rawValue)/certify",
                                                 [("fingerprint", DeviceFingerprint.of(colleague.identity.publicKeys)), ("confirm", "yes")])
            #expect(certify.status == .forbidden)
            #expect(certify.text.contains("Refused:"))
            #expect(certify.text.contains("only admin may vouch for devices"))
            let remove = try await browser.post("/devices/remove", [("device", colleague.device.rawValue), ("reason", "stolen")])
            #expect(remove.status == .forbidden)
            #expect(remove.text.contains("Refused:"))
            #expect(remove.text.contains("only admin may remove devices"))
            #expect(!remove.text.contains("Removed device"))
        }
        // The administrator still trusts the colleague's device.
        _ = try await org.client(org.admin).run()
        #expect(try Self.trusted(org.admin, colleague.person).contains(colleague.device))
        #expect(try org.admin.knownDevices().first { $0.device == colleague.device }?.removedAt == nil)
    }

    @Test("on a standalone vault there is no server: no device actions are offered and a post is refused in words")
    func standalone() async throws {
        let harness = try UIHarness(role: .admin)
        try await harness.test { browser in
            var browser = browser
            try await browser.launch()
            #expect(!(try await browser.get("/admin").text.contains("/devices/remove")))
            let refused = try await browser.post("/devices/remove", [("device", DeviceID.random().rawValue), ("reason", "lost")])
            #expect(refused.text.contains("there is no server to vouch for or remove devices through"))
        }
    }
}

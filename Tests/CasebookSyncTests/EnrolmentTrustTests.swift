import CasebookCrypto
import CasebookModels
import CasebookStorage
@_spi(Testing) import CasebookSync
import Crypto
import Foundation
import NIOCore
import NIOPosix
import Synchronization
import Testing

/// Enrolment the server cannot abuse (docs/adr/0015-enrolment-and-transport.md; issue 11, attack 1):
/// the server sees only the server-auth value derived from the code, never the proof key; an
/// administrator's replica certifies one device per invitation; plain HTTP reaches only loopback.
@Suite struct EnrolmentTrustTests {
    /// Proofs a hostile operator can compute from what it saw: the server-auth value (in
    /// `POST /v1/enrol`) and its hash (in `POST /v1/people`), as HMAC keys over the device keys.
    static func forgedProofs(serverAuth: String, codeHash: Data, keys: DevicePublicKeys) -> [Data] {
        let messages = [Data("casebook/enrolment-proof/v2|".utf8) + keys.certificationBytes, keys.certificationBytes]
        let keyMaterial = [Data(serverAuth.utf8), codeHash, Data(base64URLEncoded: serverAuth) ?? Data()]
        return keyMaterial.flatMap { key in
            messages.map { Data(HMAC<SHA256>.authenticationCode(for: $0, using: SymmetricKey(data: key))) }
        }
    }

    static func record(_ identity: DeviceIdentity, proof: Data?) -> DeviceRecord {
        let keys = identity.publicKeys
        return DeviceRecord(deviceID: keys.deviceID, person: keys.person, signing: keys.signing, agreement: keys.agreement, enrolmentProof: proof)
    }

    static func trusted(_ member: Member, _ person: PersonID) throws -> Set<DeviceID> {
        Set(try member.vault.trustedDevices(of: person).map(\.deviceID))
    }

    @Test func aHostileServerCannotEnrolADeviceOfItsOwn() async throws {
        let org = try await TestOrganisation.make()
        let dsl = try await org.join("Dee Lead", role: .dsl)
        let owner = try await org.join("Olu Owner", role: .practitioner)
        let caseID = try AccessTests.newCase(owner)
        try await owner.sync()
        try await owner.sync()
        try await dsl.sync()
        // A new DSL is invited: every case key would be wrapped for a device certified as theirs.
        let invitation = try await org.admin.client().invite(name: "Pat Newcomer", role: .dsl, type: .staff)
        try org.train(invitation.person)
        let code = try EnrolmentCode(parsing: invitation.code)
        let genuine = try await SyncClient.enrol(code: code, person: nil, transport: await org.server.transport(for: nil))
        // The operator read the enrolment request (the server-auth value) and plants its own devices for Pat.
        var rogues: Set<DeviceID> = []
        for variant in 0..<6 {
            let rogue = DeviceIdentity.generate(person: invitation.person)
            let forged = Self.forgedProofs(serverAuth: code.secret.serverAuth, codeHash: invitation.codeHash, keys: rogue.publicKeys)
            await org.server.registerUncertified(Self.record(rogue, proof: forged[variant]))
            rogues.insert(rogue.deviceID)
        }
        let report = try await org.admin.sync()
        #expect(report.certified == 1)
        try await owner.sync()
        try await dsl.sync()
        try await org.admin.sync()

        // Only the genuine device is trusted, by every replica; no case key is wrapped for a rogue.
        #expect(try Self.trusted(org.admin, invitation.person) == [genuine.identity.deviceID])
        for replica in [org.admin, dsl, owner] {
            #expect(try Self.trusted(replica, invitation.person).isDisjoint(with: rogues))
        }
        for held in [CaseID.organisation, caseID] {
            #expect(await org.server.storedKeys(of: held).allSatisfy { !rogues.contains($0.recipient) })
        }
        // A forged proof is not a claim on the invitation: nothing is held, and no command certifies it.
        #expect(try org.admin.vault.heldEnrolments().isEmpty)
        for rogue in rogues.prefix(2) {
            await #expect(throws: CasebookError.self) { _ = try await org.admin.client().certifyDevice(rogue, fingerprint: nil) }
        }
        #expect(try Self.trusted(org.admin, invitation.person) == [genuine.identity.deviceID])
    }

    /// Issue 13: a new laptop's first sync receives revisions it cannot read yet; the vault knows
    /// it is waiting for an administrator to vouch for it, and says so with its fingerprint.
    @Test func aNewDeviceKnowsItIsWaitingForCertification() async throws {
        let org = try await TestOrganisation.make()
        #expect(try org.admin.vault.awaitingCertification() == nil)  // the root device
        let dsl = try await org.join("Dee Lead", role: .dsl)
        let laptop = try await org.join("Pat Practitioner", role: .practitioner, syncAfter: false)
        try await laptop.sync()
        #expect(try !laptop.vault.canRead(.organisation))
        #expect(try laptop.vault.awaitingCertification() == DeviceFingerprint.of(laptop.vault.identity.publicKeys))
        try await org.admin.sync()  // vouches for the laptop
        try await laptop.sync()
        #expect(try laptop.vault.awaitingCertification() == nil)
        #expect(try laptop.vault.canRead(.organisation))
        #expect(try dsl.vault.awaitingCertification() == nil)
    }

    @Test func aSecondDeviceOnOneInvitationIsHeldUntilTheAdministratorConfirmsIt() async throws {
        let org = try await TestOrganisation.make()
        let invitation = try await org.admin.client().invite(name: "Pat Newcomer", role: .practitioner, type: .staff)
        try org.train(invitation.person)
        let code = try EnrolmentCode(parsing: invitation.code)
        let first = try await SyncClient.enrol(code: code, person: nil, transport: await org.server.transport(for: nil))
        #expect(try await org.admin.sync().certified == 1)
        #expect(try Self.trusted(org.admin, invitation.person) == [first.identity.deviceID])

        // The code leaked: a second device makes a valid proof and the server registers it.
        let second = DeviceIdentity.generate(person: invitation.person)
        await org.server.plantDevice(Self.record(second, proof: DeviceTrust.enrolmentProof(secret: code.secret, keys: second.publicKeys)))
        #expect(try await org.admin.sync().certified == 0)
        #expect(try Self.trusted(org.admin, invitation.person) == [first.identity.deviceID])
        #expect(await org.server.storedKeys(of: .organisation).allSatisfy { $0.recipient != second.deviceID })
        let held = try org.admin.vault.heldEnrolments()
        #expect(held.map(\.device) == [second.deviceID])
        #expect(held.first?.fingerprint == DeviceFingerprint.of(second.publicKeys))
        #expect(held.first?.message.contains("claims the invitation of Pat Newcomer") == true)
        #expect(held.first?.message.contains("casebook device certify \(second.deviceID)") == true)

        // The administrator confirms only with the fingerprint the person read out.
        await #expect(throws: CasebookError.self) {
            _ = try await org.admin.client().certifyDevice(second.deviceID, fingerprint: first.fingerprint)
        }
        #expect(try Self.trusted(org.admin, invitation.person) == [first.identity.deviceID])
        let issued = try await org.admin.client().certifyDevice(second.deviceID,
                                                                fingerprint: DeviceFingerprint.of(second.publicKeys).uppercased())
        #expect(issued.device == second.deviceID)
        #expect(try Self.trusted(org.admin, invitation.person) == [first.identity.deviceID, second.deviceID])
    }

    @Test func twoDevicesClaimingOneInvitationAtOnceAreBothHeld() async throws {
        let org = try await TestOrganisation.make()
        let invitation = try await org.admin.client().invite(name: "Pat Newcomer", role: .practitioner, type: .staff)
        let code = try EnrolmentCode(parsing: invitation.code)
        let first = try await SyncClient.enrol(code: code, person: nil, transport: await org.server.transport(for: nil))
        let second = DeviceIdentity.generate(person: invitation.person)
        await org.server.registerUncertified(Self.record(second, proof: DeviceTrust.enrolmentProof(secret: code.secret, keys: second.publicKeys)))
        #expect(try await org.admin.sync().certified == 0)
        #expect(try Self.trusted(org.admin, invitation.person).isEmpty)
        #expect(Set(try org.admin.vault.heldEnrolments().map(\.device)) == [first.identity.deviceID, second.deviceID])
    }

    // MARK: - Codes

    @Test func generatedCodesNeverStartWithADashAndParseBack() throws {
        for round in 0..<3_000 {
            let secret = EnrolmentSecret.generate()
            let person = PersonID.random()
            let pin: Data? = round.isMultiple(of: 2) ? Data(SHA256.hash(data: Data("\(round)".utf8))) : nil
            let invitation = EnrolmentCode.invitation(person: person, secret: secret, rootFingerprint: String(repeating: "0a", count: 16),
                                                      serverPin: pin)
            for text in [secret.bootstrapCode, invitation] {
                try #require(!text.hasPrefix("-"), "\(text) starts with a dash")
                try #require(text.hasPrefix("cb1."))
            }
            let parsed = try EnrolmentCode(parsing: invitation)
            try #require(parsed.secret == secret && parsed.person == person && parsed.serverCertificatePin == pin)
            try #require(try EnrolmentCode(parsing: secret.bootstrapCode).secret == secret)
            // The server's value and the proof key are unrelated to each other and to the code text.
            try #require(secret.serverAuth != secret.encoded)
        }
    }

    @Test func oldCodesAreRefusedWithAClearMessage() throws {
        let token = SymmetricKey.randomToken()
        for old in ["\(PersonID.random()).\(token).\(String(repeating: "ab", count: 16))", token, "-\(token.dropFirst())"] {
            do {
                _ = try EnrolmentCode(parsing: old)
                Issue.record("an old-format code was accepted")
            } catch {
                #expect(error.message.contains("start with 'cb1.'"))
                #expect(error.message.contains("ask your administrator for a new one"))
            }
        }
    }

    // MARK: - Plain HTTP

    @Test func plainHTTPReachesOnlyThisMachine() async throws {
        for url in ["http://192.0.2.10:8080", "http://sync.example.org", "http://127.0.0.1.evil.example", "http://10.0.0.1/", "HTTP://8.8.8.8"] {
            #expect(throws: CasebookError.self, "\(url)") { _ = try HTTPSyncTransport(baseURL: url, identity: nil) }
        }
        for url in ["http://127.0.0.1:8080", "http://localhost:1", "http://[::1]:8080", "http://127.9.8.7", "https://sync.example.org"] {
            _ = try HTTPSyncTransport(baseURL: url, identity: nil)
        }
        // No connection is ever attempted in this test: the refusal happens before any socket is
        // opened, so a regression fails here without sending traffic anywhere.
    }

}

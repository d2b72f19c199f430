import CasebookCrypto
import CasebookModels
@_spi(Testing) import CasebookStorage
import CasebookSync
import Foundation
import Testing

/// P7: a person without a grant receives nothing of a case, online or from their replica; after a
/// revoke, new records of the case cannot be decrypted with anything they hold.
@Suite struct AccessTests {
    static func newCase(_ member: Member) throws -> CaseID {
        let caseID = CaseID.random()
        try member.vault.commitForTesting(
            [PendingChange(record: caseID.clientRecordID, type: .client, caseID: caseID, fields: ["status": .string("active")])],
            createCase: true)
        return caseID
    }

    @Test func ungrantedPersonReceivesNothingOnlineOrOffline() async throws {
        let org = try await TestOrganisation.make()
        let dsl = try await org.join("Dee Lead", role: .dsl)
        let owner = try await org.join("Olu Owner", role: .practitioner)
        let outsider = try await org.join("Otto Outsider", role: .practitioner)
        let caseID = try Self.newCase(owner)
        try await owner.sync()
        try await outsider.sync()
        try await dsl.sync()

        // Online: the server serves the outsider nothing of the case, and refuses a direct request.
        #expect(try outsider.vault.sealedRevisions(of: caseID).isEmpty)
        await #expect(throws: SyncFailure.self) {
            _ = try await outsider.transport.caseRevisions(caseID, after: nil, limit: 10, timeout: .seconds(5))
        }
        // Offline: the outsider's replica holds no key, so nothing of the case could be opened.
        #expect(try !outsider.vault.canRead(caseID))
        #expect(await org.server.storedKeys(of: caseID).allSatisfy { $0.recipient != outsider.vault.device })
        // The DSL and the recovery key are recipients of every case.
        #expect(try dsl.vault.canRead(caseID))
        #expect(try dsl.vault.mergedState().contains { $0.caseID == caseID })
        #expect(await org.server.storedKeys(of: caseID).contains { $0.recipient == DeviceTrust.recoveryDevice })
    }

    @Test func grantBackfillsTheCaseThenRevokeRotatesTheKey() async throws {
        let org = try await TestOrganisation.make()
        let dsl = try await org.join("Dee Lead", role: .dsl)
        let owner = try await org.join("Olu Owner", role: .practitioner)
        let colleague = try await org.join("Cam Colleague", role: .practitioner)
        let caseID = try Self.newCase(owner)
        let firstSession = RecordID.random()
        try owner.vault.commitForTesting([PendingChange(record: firstSession, type: .session, caseID: caseID, fields: ["minutes": .int(50)])])
        try await owner.sync()
        try await colleague.sync()  // advances the colleague's cursor past the case (not served yet)
        #expect(try colleague.vault.sealedRevisions(of: caseID).isEmpty)

        // Grant: the key is wrapped for the colleague's device; their next sync backfills the history.
        let grant = try await owner.client().grant(caseID, to: colleague.person, until: nil)
        #expect(grant.devices == 1)
        let report = try await colleague.sync()
        #expect(report.backfilled == [caseID])
        #expect(try colleague.vault.canRead(caseID))
        #expect(try colleague.vault.mergedState().filter { $0.caseID == caseID }.count == 2)

        // Revoke: the server stops serving, and the key rotates to an epoch the colleague never gets.
        let revoke = try await owner.client().revoke(caseID, from: colleague.person)
        #expect(revoke.newEpoch == 1)
        let secret = RecordID.random()
        let later = try owner.vault.commitForTesting([PendingChange(record: secret, type: .session, caseID: caseID, fields: ["minutes": .int(30)])])
        #expect(later[0].header.keyEpoch == 1)
        try await owner.sync()
        try await colleague.sync()
        try await dsl.sync()
        #expect(try !colleague.vault.revisionIDs().contains(later[0].id))
        // Even handed the ciphertext, nothing the colleague holds opens it.
        #expect(try colleague.vault.decryptIfHeld(later[0]) == nil)
        #expect(await org.server.storedKeys(of: caseID).allSatisfy { $0.epoch == 0 || $0.recipient != colleague.vault.device })
        // The DSL and the recovery key still read the new epoch.
        #expect(try dsl.vault.decryptIfHeld(later[0]) != nil)
        #expect(await org.server.storedKeys(of: caseID).contains { $0.epoch == 1 && $0.recipient == DeviceTrust.recoveryDevice })
        // What the colleague already held stays readable to them (it cannot be un-read).
        #expect(try colleague.vault.mergedState().contains { $0.recordID == firstSession })
    }

    @Test func aDSLWhoJoinsLaterReceivesEveryExistingCase() async throws {
        let org = try await TestOrganisation.make()
        let owner = try await org.join("Olu Owner", role: .practitioner)
        let caseID = try Self.newCase(owner)
        try await owner.sync()
        let dsl = try await org.join("Dee Lead", role: .dsl)
        try await owner.sync()  // the owner's replica wraps the case key for the new DSL device
        try await dsl.sync()
        #expect(try dsl.vault.canRead(caseID))
        #expect(try dsl.vault.mergedState().contains { $0.caseID == caseID })
    }

    @Test func membersAreTrustedOnlyThroughTheCertificationChain() async throws {
        let org = try await TestOrganisation.make()
        let member = try await org.join("Pat Practitioner", role: .practitioner, syncAfter: false)
        let observer = try await org.join("Obi Observer", role: .practitioner, syncAfter: false)
        let uncertified = try await org.admin.transport.organisation(timeout: .seconds(5))
        try observer.vault.updateDevices(uncertified.devices.map(DeviceCertificate.init(record:)))
        #expect(try observer.vault.trustedDevices(of: member.person).isEmpty)

        try await org.admin.sync()  // the administrator's replica checks the enrolment proofs and vouches
        let info = try await org.admin.transport.organisation(timeout: .seconds(5))
        let record = try #require(info.devices.first { $0.deviceID == member.vault.device })
        #expect(record.certifiedBy == org.admin.vault.device)
        #expect(record.certifiedRoles == [.practitioner])

        // A hostile server promoting the member: the certificate no longer verifies.
        var promoted = DeviceCertificate(record: record)
        promoted.roles = [.admin]
        try observer.vault.updateDevices([promoted])
        #expect(try observer.vault.trustedDevices(of: member.person).isEmpty)
        // A substituted key under the genuine certificate does not verify either.
        var substituted = DeviceCertificate(record: record)
        substituted.keys.agreement = DeviceIdentity.generate(person: member.person).publicKeys.agreement
        try observer.vault.updateDevices([substituted])
        #expect(try observer.vault.trustedDevices(of: member.person).isEmpty)
        // The genuine one does.
        try observer.vault.updateDevices([DeviceCertificate(record: record)])
        #expect(try observer.vault.trustedDevices(of: member.person).map(\.deviceID) == [member.vault.device])
    }
}

import CasebookCrypto
import CasebookModels
@_spi(Testing) import CasebookStorage
import CasebookSync
import CasebookTestSupport
import Foundation
import Testing

/// Erasure across the organisation: the eraser's sync erases the server copy (with a tombstone), and
/// every other replica that pulls the destruction certificate crypto-shreds its own copy, down to
/// the raw bytes of its database file, WAL and shared memory.
@Suite struct ErasurePropagationTests {
    static let canary = "QXERASECANARY4417"

    static func raw(_ vault: Vault) -> Data {
        vault.filePaths.reduce(into: Data()) { all, path in all += FileManager.default.contents(atPath: path) ?? Data() }
    }

    /// 24-byte pieces (start, middle, end) of every sealed row and wrapped key of a case on a replica.
    static func fragments(of caseID: CaseID, in vault: Vault) throws -> [Data] {
        let sealed = try vault.sealedRevisions(of: caseID)
        let blobs = sealed.map(\.ciphertext) + sealed.map(\.signature)
        return blobs.filter { $0.count >= 48 }.flatMap { blob -> [Data] in
            let mid = blob.startIndex + blob.count / 2 - 12
            return [Data(blob.prefix(24)), Data(blob[mid ..< mid + 24]), Data(blob.suffix(24))]
        }
    }

    /// An administrator records the member's training (P10); both sync so the member's replica knows.
    static func trained(_ member: Member, in org: TestOrganisation) async throws {
        try org.train(member.person)
        try await org.admin.sync()
        try await member.sync()
    }

    @Test func anAdminErasureReachesTheServerAndEveryReplica() async throws {
        let org = try await TestOrganisation.make()
        let dsl = try await org.join("Dee Lead", role: .dsl)
        let practitioner = try await org.join("Pat Practitioner", role: .practitioner)
        let admin = org.admin
        try await Self.trained(admin, in: org)
        let client = try admin.vault.addClient(name: "\(Self.canary) Zebedee", bornOn: nil, related: [], contacts: [])
        let caseID = client.id
        let keeper = try admin.vault.addClient(name: "Keeper Client", bornOn: nil, related: [], contacts: [])
        try await admin.sync()
        _ = try await admin.client().grant(caseID, to: practitioner.person, until: nil)
        try await practitioner.sync()
        // The practitioner writes notes with the canary in them; everyone syncs.
        try practitioner.vault.commitForTesting([PendingChange(record: .random(), type: .session, caseID: caseID,
                                                               fields: ["topics": .string("\(Self.canary) topics")])])
        for member in [practitioner, dsl, admin, practitioner, dsl] { try await member.sync() }
        for member in [admin, dsl, practitioner] {
            #expect(try member.vault.canRead(caseID), "\(member.name) holds the case before erasure")
            #expect(try member.vault.sealedRevisions(of: caseID).count >= 2)
        }
        #expect(await org.server.revisionCount(of: caseID) >= 2)
        #expect(await !org.server.storedKeys(of: caseID).isEmpty)
        let fragments = try [dsl, practitioner].flatMap { try Self.fragments(of: caseID, in: $0.vault) }
        #expect(fragments.count >= 12)
        let before = Self.raw(dsl.vault) + Self.raw(practitioner.vault)
        let seen = fragments.filter { before.range(of: $0) != nil }.count
        #expect(seen * 10 >= fragments.count * 9, "the scan must see the case's rows before erasure (\(seen) of \(fragments.count))")
        // A revision the practitioner writes after the erasure, before learning of it.
        let stale = try practitioner.vault.commitForTesting([PendingChange(record: .random(), type: .session, caseID: caseID,
                                                                           fields: ["topics": .string("\(Self.canary) late")])])

        // When: the administrator erases and syncs.
        let certificate = try admin.vault.erase(client: caseID)
        #expect(certificate.serverErasurePending)
        #expect(try admin.vault.pendingServerErasures() == [caseID])
        let adminReport = try await admin.sync()

        // Then the server holds nothing of the case: no revision, no wrapped key, no grant.
        #expect(adminReport.serverErased == [caseID])
        #expect(try admin.vault.pendingServerErasures().isEmpty)
        #expect(try admin.vault.serverErasureState(of: caseID).state == .done)
        #expect(try admin.vault.auditEntries().contains { $0.action == .sync && $0.recordType == .destructionCertificate && $0.caseID == caseID })
        #expect(await org.server.revisionCount(of: caseID) == 0)
        #expect(await org.server.storedKeys(of: caseID).isEmpty)
        #expect(await org.server.grantees(of: caseID).isEmpty)
        #expect(try admin.vault.connectivity().lastSync != nil, "a finished sync records its time")

        // And the other replicas crypto-shred their copies when they pull the certificate.
        let dslReport = try await dsl.sync()
        #expect(dslReport.erasedLocally == [caseID])
        let practitionerReport = try await practitioner.sync()
        #expect(practitionerReport.erasedLocally == [caseID])
        #expect(practitionerReport.pushRejected.map(\.reason) == ["case-erased"], "the stale revision is refused by the tombstone")
        #expect(practitionerReport.pushRejected.first?.id == stale[0].id.rawValue)
        for member in [admin, dsl, practitioner] {
            #expect(try member.vault.sealedRevisions(of: caseID).isEmpty, "\(member.name) holds no revision")
            #expect(try !member.vault.canRead(caseID), "\(member.name) holds no key")
            #expect(try member.vault.outboxBatch(limit: 100).allSatisfy { $0.revision.header.caseID != caseID })
            let bytes = Self.raw(member.vault)
            #expect(RawBytes.filesContaining(Self.canary, in: member.vault.filePaths.map { URL(fileURLWithPath: $0) }).isEmpty)
            let survivors = fragments.filter { bytes.range(of: $0) != nil }
            #expect(survivors.isEmpty, "\(survivors.count) fragments of the erased case remain in \(member.name)'s files")
            #expect(try member.vault.canRead(keeper.id) || member.person == practitioner.person, "other cases are untouched")
        }
        for member in [dsl, practitioner] {
            #expect(try member.vault.auditEntries().contains {
                $0.action == .erase && $0.recordType == .destructionCertificate && $0.recordID == certificate.id && $0.caseID == caseID
            }, "\(member.name)'s audit log records the erasure")
            #expect(try member.vault.serverErasureState(of: caseID).state == .notTracked)
        }

        // A re-push of the case (a replica that has not learnt of it, or a replay) is refused.
        let replay = try await practitioner.transport.push(PushRequest(revisions: stale.map { WireRevision($0) }), timeout: .seconds(5))
        #expect(replay.accepted.isEmpty)
        #expect(replay.rejected.map(\.error) == ["case-erased"])
        await #expect(throws: SyncFailure.self) {
            try await dsl.transport.uploadKeys(caseID, KeyUpload(keys: []), timeout: .seconds(5))
        }

        // Later syncs: nothing comes back, no key of the case is uploaded again, nothing is re-pushed.
        for member in [admin, dsl, practitioner] {
            let again = try await member.sync()
            #expect(again.pushRejected.isEmpty)
            #expect(again.erasedLocally.isEmpty)
            #expect(again.serverErased.isEmpty)
        }
        #expect(await org.server.storedKeys(of: caseID).isEmpty)
        #expect(await org.server.revisionCount(of: caseID) == 0)
        #expect(try dsl.vault.destructionCertificates().map(\.caseID) == [caseID])
        #expect(try dsl.vault.canRead(keeper.id))
    }

    @Test func aCertificateSignedByAPractitionerIsRefused() async throws {
        let org = try await TestOrganisation.make()
        let dsl = try await org.join("Dee Lead", role: .dsl)
        let practitioner = try await org.join("Pat Practitioner", role: .practitioner)
        let caseID = CaseID.random()
        try practitioner.vault.commitForTesting([PendingChange(record: caseID.clientRecordID, type: .client, caseID: caseID,
                                                               fields: ["status": .string("active")])], createCase: true)
        try await practitioner.sync()
        try await dsl.sync()
        #expect(try dsl.vault.canRead(caseID))

        // A practitioner forges a destruction certificate; the server refuses it...
        let forged = DestructionCertificate(id: .random(), caseID: caseID, erasedOn: practitioner.vault.clock.today,
                                            erasedBy: practitioner.person, device: practitioner.vault.device,
                                            revisionsDestroyed: 1, wrappedKeysDestroyed: 1, serverErasurePending: false)
        let sealed = try practitioner.vault.commitForTesting([PendingChange(record: forged.id, type: .destructionCertificate,
                                                                            caseID: .organisation, fields: try FieldCoding.fields(of: forged))])
        let report = try await practitioner.sync()
        #expect(report.pushRejected.map(\.id) == [sealed[0].id.rawValue])
        // ...and even a hostile server that serves it anyway cannot make the DSL's replica erase.
        await org.server.tamper { $0.append(WireRevision(sealed[0])) }
        let dslReport = try await dsl.sync()
        #expect(dslReport.rejected.contains { $0.id == sealed[0].id.rawValue && $0.reason == "not-authorised" })
        #expect(dslReport.erasedLocally.isEmpty)
        #expect(try dsl.vault.canRead(caseID))
        #expect(try !dsl.vault.sealedRevisions(of: caseID).isEmpty)
    }

    @Test func aDSLErasureIsAcceptedByTheServerAndOtherReplicas() async throws {
        let org = try await TestOrganisation.make()
        let dsl = try await org.join("Dee Lead", role: .dsl)
        let practitioner = try await org.join("Pat Practitioner", role: .practitioner)
        try await Self.trained(dsl, in: org)
        let caseID = try dsl.vault.addClient(name: "Dsl Client", bornOn: nil, related: [], contacts: []).id
        try await dsl.sync()
        _ = try await dsl.client().grant(caseID, to: practitioner.person, until: nil)
        try await practitioner.sync()
        #expect(try practitioner.vault.canRead(caseID))

        try dsl.vault.erase(client: caseID)
        let report = try await dsl.sync()
        #expect(report.serverErased == [caseID])
        // (The DSL's own training records are organisation records the server takes only from
        // administrators: they stay queued. The certificate is not among them.)
        #expect(try dsl.vault.outboxBatch(limit: 100).allSatisfy { $0.revision.header.recordType != .destructionCertificate },
                "the server takes the DSL's destruction certificate")
        #expect(try await practitioner.sync().erasedLocally == [caseID])
        #expect(try !practitioner.vault.canRead(caseID))
        #expect(try practitioner.vault.sealedRevisions(of: caseID).isEmpty)
    }
}

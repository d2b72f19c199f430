import CasebookCrypto
import CasebookModels
@_spi(Testing) import CasebookStorage
import CasebookSync
import CasebookTestSupport
import Foundation
import Testing

/// Zero knowledge and a hostile server: whatever the server serves, the receiving replica stores
/// only revisions signed by a certified device, stamped sanely, and (when it holds the key)
/// decrypting under their own header.
@Suite struct RejectionTests {
    struct Fixture {
        let org: TestOrganisation
        let dsl: Member
        let practitioner: Member
        let caseID: CaseID
        let original: SealedRevision
    }

    static func fixture() async throws -> Fixture {
        let org = try await TestOrganisation.make()
        let dsl = try await org.join("Dee Lead", role: .dsl)
        let practitioner = try await org.join("Pat Practitioner", role: .practitioner)
        let caseID = CaseID.random()
        let sealed = try practitioner.vault.commitForTesting(
            [PendingChange(record: caseID.clientRecordID, type: .client, caseID: caseID, fields: ["status": .string("active")])],
            createCase: true)
        try await practitioner.sync()
        try await dsl.sync()  // learns the practitioner's device (and, as DSL, the case)
        return Fixture(org: org, dsl: dsl, practitioner: practitioner, caseID: caseID, original: sealed[0])
    }

    /// Re-encodes a header with a change, keeping ciphertext and signature (what a server could do).
    static func relabel(_ sealed: SealedRevision, _ change: (inout RevisionHeader) -> Void) throws -> SealedRevision {
        var header = sealed.header
        change(&header)
        return try SealedRevision(headerBytes: header.canonicalBytes, ciphertext: sealed.ciphertext, signature: sealed.signature)
    }

    static func expectRejected(_ vault: Vault, _ sealed: SealedRevision, reason: RefusalReason, absent: Bool = true,
                               sourceLocation: SourceLocation = #_sourceLocation) throws {
        let result = try vault.applyPulled([PulledRevision(sealed: sealed, seq: 99)], cursor: nil)
        #expect(result.stored == 0, sourceLocation: sourceLocation)
        #expect(result.rejected.map(\.reason) == [reason], sourceLocation: sourceLocation)
        #expect(result.rejected.first?.id == sealed.id.rawValue, sourceLocation: sourceLocation)
        if absent { #expect(try !vault.revisionIDs().contains(sealed.id), sourceLocation: sourceLocation) }
    }

    @Test func swappedCaseIDInHeaderIsRejected() async throws {
        let f = try await Self.fixture()
        let other = CaseID.random()
        try Self.expectRejected(f.dsl.vault, try Self.relabel(f.original) { $0.caseID = other }, reason: "tampered")
    }

    @Test func swappedRecordTypeInHeaderIsRejected() async throws {
        let f = try await Self.fixture()
        try Self.expectRejected(f.dsl.vault, try Self.relabel(f.original) { $0.recordType = .consent }, reason: "tampered")
    }

    @Test func flippedCiphertextBitIsRejected() async throws {
        let f = try await Self.fixture()
        var ciphertext = f.original.ciphertext
        ciphertext[ciphertext.startIndex + 20] ^= 0x01
        let flipped = try SealedRevision(headerBytes: f.original.headerBytes, ciphertext: ciphertext, signature: f.original.signature)
        try Self.expectRejected(f.dsl.vault, flipped, reason: "tampered")
    }

    @Test func forgedSignatureIsRejected() async throws {
        let f = try await Self.fixture()
        // A rogue identity claiming the practitioner's device id signs a revision of its own.
        let rogue = DeviceIdentity.generate(person: f.practitioner.person)
        let digest = SealedRevision.contentDigest(headerBytes: f.original.headerBytes, ciphertext: f.original.ciphertext)
        let forged = try SealedRevision(headerBytes: f.original.headerBytes, ciphertext: f.original.ciphertext, signature: try rogue.sign(digest))
        // (Same content address as the genuine revision the DSL already holds: it must stay the genuine one.)
        try Self.expectRejected(f.dsl.vault, forged, reason: "tampered", absent: false)
        #expect(try f.dsl.vault.sealedRevisions(of: f.caseID).first { $0.id == f.original.id }?.signature == f.original.signature)
    }

    @Test func uncertifiedDeviceIsRejected() async throws {
        let f = try await Self.fixture()
        // Correctly signed by a device the organisation never vouched for (e.g. the server's own).
        let rogue = DeviceIdentity.generate(person: f.practitioner.person)
        let key = CaseKey.generate(caseID: f.caseID, epoch: 0)
        let header = RevisionHeader(recordID: .random(), recordType: .session, caseID: f.caseID, authorDevice: rogue.deviceID,
                                    hlc: HLCTimestamp(physical: UInt64(Date().timeIntervalSince1970 * 1000), logical: 0), keyEpoch: 0)
        let sealed = try RevisionSealer.seal(header: header, body: RevisionBody(fields: [:], author: f.practitioner.person, policyVersion: nil),
                                             key: key, author: rogue)
        try Self.expectRejected(f.dsl.vault, sealed, reason: "unknown-device")
    }

    @Test func validlySignedButUndecryptableIsRejected() async throws {
        let f = try await Self.fixture()
        // Signed by a certified device, but sealed under a key that is not the case's.
        let header = RevisionHeader(recordID: .random(), recordType: .session, caseID: f.caseID, authorDevice: f.practitioner.vault.device,
                                    hlc: HLCTimestamp(physical: UInt64(Date().timeIntervalSince1970 * 1000), logical: 0), keyEpoch: 0)
        let sealed = try RevisionSealer.seal(header: header, body: RevisionBody(fields: [:], author: f.practitioner.person, policyVersion: nil),
                                             key: CaseKey.generate(caseID: f.caseID, epoch: 0), author: f.practitioner.vault.identity)
        try Self.expectRejected(f.dsl.vault, sealed, reason: "tampered")
    }

    @Test func largePageVerifiedOnWorkerThreadsRejectsExactlyTheTamperedOnes() async throws {
        let f = try await Self.fixture()
        let sealed = try f.practitioner.vault.commitForTesting((0..<600).map { i in
            PendingChange(record: .random(), type: .session, caseID: f.caseID, fields: ["minutes": .int(Int64(i))])
        })
        var page = sealed.map { PulledRevision(sealed: $0, seq: nil) }
        // Tampered revisions at the edges of the worker threads' chunks and of the page.
        let tampered = [0, 74, 75, 300, 599]
        for i in tampered {
            var ciphertext = page[i].sealed.ciphertext
            ciphertext[ciphertext.startIndex + 20] ^= 0x01
            page[i] = PulledRevision(sealed: try SealedRevision(headerBytes: page[i].sealed.headerBytes, ciphertext: ciphertext,
                                                                signature: page[i].sealed.signature), seq: nil)
        }
        for concurrency in [2, 1] {
            let result = try f.dsl.vault.applyPulled(page, cursor: nil, concurrency: concurrency)
            #expect(result.rejected.map(\.id) == tampered.map { page[$0].sealed.id.rawValue })
            #expect(result.rejected.allSatisfy { $0.reason == "tampered" })
            // The second pass (one thread) finds every accepted revision already held.
            #expect(result.stored == (concurrency == 2 ? 595 : 0))
            #expect(result.duplicates == (concurrency == 2 ? 0 : 595))
        }
        let held = try f.dsl.vault.revisionIDs()
        for (i, item) in page.enumerated() { #expect(held.contains(item.sealed.id) != tampered.contains(i)) }
    }

    @Test func replayedOldRevisionHasNoEffect() async throws {
        let f = try await Self.fixture()
        try await f.dsl.sync()
        let before = try f.dsl.vault.mergedState()
        let result = try f.dsl.vault.applyPulled([PulledRevision(sealed: f.original, seq: 1)], cursor: nil)
        #expect(result.stored == 0)
        #expect(result.duplicates == 1)
        #expect(result.rejected.isEmpty)
        #expect(try f.dsl.vault.mergedState() == before)
    }

    @Test func revisionStampedTooFarInTheFutureIsRejected() async throws {
        let f = try await Self.fixture()
        let fast = TestClock(Date().addingTimeInterval(10 * 60))
        let skewed = try await f.org.join("Sam Skewed", role: .practitioner, clock: fast)
        let caseID = CaseID.random()
        let sealed = try skewed.vault.commitForTesting(
            [PendingChange(record: caseID.clientRecordID, type: .client, caseID: caseID, fields: [:])], createCase: true)
        try f.dsl.vault.updateDevices(try await f.org.admin.transport.organisation(timeout: .seconds(5)).devices.map(DeviceCertificate.init(record:)))
        try Self.expectRejected(f.dsl.vault, sealed[0], reason: "clock-skew")
    }

    @Test func organisationRecordsFromNonAdministratorsAreRejected() async throws {
        let f = try await Self.fixture()
        // A practitioner (who holds the organisation key) tries to promote themselves.
        let sealed = try f.practitioner.vault.commitForTesting([PendingChange(
            record: f.practitioner.person.recordID, type: .person, caseID: .organisation,
            fields: ["roles": .array([.string("admin")])])])
        try Self.expectRejected(f.dsl.vault, sealed[0], reason: "not-authorised")
    }

    @Test func hostileServerRootSubstitutionIsRefusedAtEnrolment() async throws {
        let org = try await TestOrganisation.make()
        let invitation = try await org.admin.client().invite(name: "Ivy Invitee", role: .practitioner, type: .volunteer)
        // The code's fingerprint is for the real root; change one hex digit as if the server's root were another key.
        var parts = invitation.code.split(separator: ".").map(String.init)
        parts[3] = String(parts[3].dropLast()) + (parts[3].hasSuffix("0") ? "1" : "0")
        await #expect(throws: CasebookError.self) {
            _ = try await SyncClient.enrol(code: try EnrolmentCode(parsing: parts.joined(separator: ".")), person: nil,
                                           transport: org.server.transport(for: nil))
        }
    }

    @Test func pulledPagesReportRejectionsWithoutContent() async throws {
        let f = try await Self.fixture()
        // The server flips a bit in every stored ciphertext of the case: the DSL refuses all of them.
        await f.org.server.tamper { wires in
            for i in wires.indices where (try? wires[i].sealed().header.caseID) == f.caseID {
                var c = wires[i].ciphertext
                c[c.startIndex + 15] ^= 0x80
                wires[i].ciphertext = c
                wires[i].id = SealedRevision.contentAddress(headerBytes: wires[i].header, ciphertext: c).rawValue
            }
        }
        let fresh = try await f.org.join("Dana Second DSL", role: .dsl, syncAfter: false)
        try await f.org.admin.sync()  // vouches for the new device
        let report = try await fresh.sync()
        #expect(report.rejected.count >= 1)
        #expect(report.rejected.allSatisfy { $0.reason == "tampered" })
        #expect(try fresh.vault.sealedRevisions(of: f.caseID).isEmpty)
        #expect(report.rejected.allSatisfy { !$0.message.contains("active") })
    }
    @Test func batchSealedPageRejectsExactlyTheForgedProofs() async throws {
        let f = try await Self.fixture()
        let singles = try f.practitioner.vault.commitForTesting((0..<300).map { i in
            PendingChange(record: .random(), type: .session, caseID: f.caseID, fields: ["minutes": .int(Int64(i))])
        })
        let batched = try RevisionSealer.sealBatches(singles, author: f.practitioner.vault.identity)
        var page = batched.map { PulledRevision(sealed: $0, seq: nil) }
        // A proof moved to its neighbour, a flipped ciphertext bit, and a root signed by a rogue
        // device in the practitioner's name: each fails on its own; the rest of its batch is stored.
        page[10] = PulledRevision(sealed: try SealedRevision(headerBytes: batched[10].headerBytes, ciphertext: batched[10].ciphertext,
                                                             signature: batched[11].signature), seq: nil)
        var ciphertext = batched[200].ciphertext
        ciphertext[ciphertext.startIndex + 20] ^= 0x01
        page[200] = PulledRevision(sealed: try SealedRevision(headerBytes: batched[200].headerBytes, ciphertext: ciphertext,
                                                              signature: batched[200].signature), seq: nil)
        let rogue = DeviceIdentity.generate(person: f.practitioner.person)
        let rogueRoot = try RevisionSealer.sealBatches(Array(singles[256..<260]), author: rogue)  // not theirs: unchanged
        #expect(rogueRoot == Array(singles[256..<260]))
        let digests = singles[256..<260].map(\.digest)
        let tree = MerkleTree.build(digests)
        let forgedSignature = try rogue.sign(BatchRoot.signedBytes(author: f.practitioner.vault.device, root: tree.root, count: 4))
        for i in 256..<260 {
            page[i] = PulledRevision(sealed: singles[i].resealed(.batch(BatchInclusion(index: UInt32(i - 256), count: 4, path: tree.paths[i - 256],
                                                                                       signature: forgedSignature))), seq: nil)
        }
        let tampered = [10, 200, 256, 257, 258, 259]
        let result = try f.dsl.vault.applyPulled(page, cursor: nil, concurrency: 2)
        #expect(result.rejected.map(\.id) == tampered.map { page[$0].sealed.id.rawValue })
        #expect(result.rejected.allSatisfy { $0.reason == "tampered" })
        // Refused by the seal check itself, before (and so independently of) decryption.
        #expect(result.rejected.allSatisfy { $0.message.contains("invalid signature") })
        #expect(result.stored == 300 - tampered.count)
        // Stored with their batch proofs, which read back and verify.
        let held = try f.dsl.vault.sealedRevisions(of: f.caseID)
        let stored = held.first { $0.id == batched[0].id }
        #expect(stored?.signature == batched[0].signature)
        #expect(stored?.seal.isSingle == false)
        for (i, item) in page.enumerated() { #expect(held.contains { $0.id == item.sealed.id } != tampered.contains(i)) }
    }
}

import CasebookCrypto
import CasebookModels
@_spi(Testing) import CasebookStorage
import CasebookSync
import Foundation
import Testing

/// Zero knowledge against a hostile server handing out case keys (ADR 0009): a replica stores a
/// wrapped key only if it is signed by a certified device of someone who may read the case, so
/// the server cannot make it seal new records under a key the server knows. Each forgery is
/// reported, not stored, and the replica keeps sealing under the genuine key.
@Suite struct KeyForgeryTests {
    struct Fixture {
        let org: TestOrganisation
        let dsl: Member
        let owner: Member
        let outsider: Member
        let caseID: CaseID
        let otherCase: CaseID
    }

    static func fixture() async throws -> Fixture {
        let org = try await TestOrganisation.make()
        let dsl = try await org.join("Dee Lead", role: .dsl)
        let owner = try await org.join("Olu Owner", role: .practitioner)
        let outsider = try await org.join("Otto Outsider", role: .practitioner)
        var cases: [CaseID] = []
        for _ in 0..<2 {
            let caseID = CaseID.random()
            try owner.vault.commitForTesting(
                [PendingChange(record: caseID.clientRecordID, type: .client, caseID: caseID, fields: ["status": .string("active")])],
                createCase: true)
            cases.append(caseID)
        }
        try await owner.sync()
        try await dsl.sync()
        try await outsider.sync()
        try await owner.sync()
        return Fixture(org: org, dsl: dsl, owner: owner, outsider: outsider, caseID: cases[0], otherCase: cases[1])
    }

    /// The server serves `forged` to its recipient; the recipient's sync must refuse it with `reason`,
    /// keep working, and go on sealing the case under the genuine key (which the DSL reads and the
    /// forged key does not open).
    static func expectRefused(_ f: Fixture, _ forged: WrappedCaseKey, reason: RefusalReason, serverKey: CaseKey?, victimIsDSL: Bool = false,
                              sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let victim = victimIsDSL ? f.dsl : f.owner, reader = victimIsDSL ? f.owner : f.dsl
        await f.org.server.inject(forged)
        let report = try await victim.sync()
        #expect(report.keysReceived == 0, sourceLocation: sourceLocation)
        #expect(report.keysRejected.map(\.reason) == [reason], sourceLocation: sourceLocation)
        let rejected = try #require(report.keysRejected.first, sourceLocation: sourceLocation)
        #expect(rejected.caseID == forged.caseID && rejected.epoch == forged.epoch && rejected.wrappedBy == forged.wrappedBy,
                sourceLocation: sourceLocation)

        // The replica still seals the case under epoch 0, the genuine key: the other reader opens
        // it, the server's key does not.
        let session = try victim.vault.commitForTesting(
            [PendingChange(record: .random(), type: .session, caseID: f.caseID, fields: ["minutes": .int(50)])])[0]
        #expect(session.header.keyEpoch == 0, sourceLocation: sourceLocation)
        try await victim.sync()
        try await reader.sync()
        #expect(try reader.vault.decryptIfHeld(session) != nil, sourceLocation: sourceLocation)
        if let serverKey {
            #expect(throws: CasebookError.self, sourceLocation: sourceLocation) { try RevisionSealer.decrypt(session, key: serverKey) }
        }
        // And a second sync reports the same refusal (never stored), without failing.
        let again = try await victim.sync()
        #expect(again.keysRejected.map(\.reason) == [reason], sourceLocation: sourceLocation)
    }

    @Test func serverMadeKeyWithoutAValidSignatureIsRefused() async throws {
        let f = try await Self.fixture()
        // The server's own key for a new epoch, claiming to come from the DSL's device.
        let serverIdentity = DeviceIdentity.generate(person: .random())
        let serverKey = CaseKey.generate(caseID: f.caseID, epoch: 1)
        var forged = try KeyWrap.wrap(serverKey, for: f.owner.vault.identity.publicKeys, by: serverIdentity)
        forged.wrappedBy = f.dsl.vault.device
        try await Self.expectRefused(f, forged, reason: "tampered", serverKey: serverKey)

        // No signature at all, naming a device nobody knows.
        var unsigned = try KeyWrap.wrap(CaseKey.generate(caseID: f.caseID, epoch: 2), for: f.owner.vault.identity.publicKeys,
                                        by: serverIdentity)
        unsigned.signature = Data()
        _ = await f.org.server.withhold(f.caseID, epoch: 1, recipient: f.owner.vault.device)
        try await Self.expectRefused(f, unsigned, reason: "unknown-device", serverKey: nil)
    }

    @Test func keySignedByAnUncertifiedDeviceIsRefusedAfterOneRefresh() async throws {
        let f = try await Self.fixture()
        // The server registers a device of its own (nobody certified it) and signs with it.
        let rogue = DeviceIdentity.generate(person: f.outsider.person)
        let keys = rogue.publicKeys
        await f.org.server.registerUncertified(DeviceRecord(deviceID: keys.deviceID, person: keys.person, signing: keys.signing,
                                                            agreement: keys.agreement))
        let serverKey = CaseKey.generate(caseID: f.caseID, epoch: 1)
        let forged = try KeyWrap.wrap(serverKey, for: f.owner.vault.identity.publicKeys, by: rogue)
        let before = await f.org.server.requestCounts["organisation", default: 0]
        await f.org.server.inject(forged)
        let report = try await f.owner.sync()
        #expect(report.keysRejected.map(\.reason) == ["unknown-device"])
        // One organisation fetch at the start of the run, one more for the unknown wrapper.
        #expect(await f.org.server.requestCounts["organisation", default: 0] == before + 2)
        try await Self.expectRefused(f, forged, reason: "unknown-device", serverKey: serverKey)
    }

    @Test func keyMovedToAnotherCaseIsRefused() async throws {
        let f = try await Self.fixture()
        // The DSL's genuine key of one case (signed by the owner, who may hand it out), relabelled
        // as a new epoch of the other case.
        let genuine = try #require(await f.org.server.storedKeys(of: f.otherCase).first { $0.recipient == f.dsl.vault.device })
        #expect(genuine.wrappedBy == f.owner.vault.device)
        var moved = genuine
        moved.caseID = f.caseID
        moved.epoch = 1
        try await Self.expectRefused(f, moved, reason: "tampered", serverKey: nil, victimIsDSL: true)
        #expect(try f.dsl.vault.canRead(f.otherCase))
    }

    @Test func keyFromACertifiedMemberWithoutAccessIsRefused() async throws {
        let f = try await Self.fixture()
        // A certified practitioner with no grant on the case, colluding with the server: a validly
        // signed key of their own making for a new epoch of the owner's case.
        #expect(try !f.outsider.vault.canRead(f.caseID))
        let insiderKey = CaseKey.generate(caseID: f.caseID, epoch: 1)
        let forged = try KeyWrap.wrap(insiderKey, for: f.owner.vault.identity.publicKeys, by: f.outsider.vault.identity)
        #expect(forged.isSigned(by: f.outsider.vault.identity.publicKeys))
        try await Self.expectRefused(f, forged, reason: "not-entitled", serverKey: insiderKey)

        // A legitimate rotation still goes through: the owner grants, then revokes, the outsider;
        // the DSL (which already holds the case) accepts the new epoch from the owner.
        _ = await f.org.server.withhold(f.caseID, epoch: 1, recipient: f.owner.vault.device)
        _ = try await f.owner.client().grant(f.caseID, to: f.outsider.person, until: nil)
        try await f.outsider.sync()
        let revoke = try await f.owner.client().revoke(f.caseID, from: f.outsider.person)
        #expect(revoke.newEpoch == 1)
        let report = try await f.dsl.sync()
        #expect(report.keysRejected.isEmpty)
        #expect(report.keysReceived == 1)
        let session = try f.dsl.vault.commitForTesting(
            [PendingChange(record: .random(), type: .session, caseID: f.caseID, fields: ["minutes": .int(40)])])[0]
        #expect(session.header.keyEpoch == 1)
    }

    /// ADR 0013 replaces ADR 0009's "refuse to write while a newer epoch was seen": anyone can stamp
    /// an epoch, so that rule let one revision freeze a case. A withheld newer key now costs
    /// confidentiality against a revoked reader colluding with the server, never a lost write.
    @Test func aWithheldNewerEpochNeverBlocksWritingAndTheNewKeyIsUsedOnceServed() async throws {
        let f = try await Self.fixture()
        _ = try await f.owner.client().grant(f.caseID, to: f.outsider.person, until: nil)
        try await f.outsider.sync()
        _ = try await f.owner.client().revoke(f.caseID, from: f.outsider.person)
        // The server withholds the DSL's copy of the new epoch, then serves a record sealed under it.
        let withheld = try #require(await f.org.server.withhold(f.caseID, epoch: 1, recipient: f.dsl.vault.device))
        let newer = try f.owner.vault.commitForTesting(
            [PendingChange(record: .random(), type: .session, caseID: f.caseID, fields: ["minutes": .int(30)])])[0]
        #expect(newer.header.keyEpoch == 1)
        try await f.owner.sync()
        try await f.dsl.sync()
        #expect(try f.dsl.vault.revisionIDs().contains(newer.id))
        // The DSL still writes the case (under epoch 0, the newest it holds).
        let meanwhile = try f.dsl.vault.commitForTesting(
            [PendingChange(record: .random(), type: .session, caseID: f.caseID, fields: ["minutes": .int(20)])])[0]
        #expect(meanwhile.header.keyEpoch == 0)
        // Once the key is served, the DSL writes under the new epoch.
        await f.org.server.inject(withheld)
        try await f.dsl.sync()
        let later = try f.dsl.vault.commitForTesting(
            [PendingChange(record: .random(), type: .session, caseID: f.caseID, fields: ["minutes": .int(20)])])[0]
        #expect(later.header.keyEpoch == 1)
    }
}

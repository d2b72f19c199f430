import CasebookCrypto
import CasebookModels
@_spi(Testing) import CasebookStorage
import CasebookSync
import Foundation
import Testing

/// ADR 0013 on replicas: a new epoch exists only with a signed rotation statement from a member
/// entitled to rotate the case, one epoch after one the replica holds; epoch arithmetic never
/// traps; a removed device's keys and rotations after its removal are refused; a removal's rotation
/// is carried out even when another epoch arrived first; and no epoch anyone can stamp blocks a
/// write (a concern above all). Each attack is made with the attacker's genuine keys and judged by
/// what the victims' replicas hold and seal.
@Suite struct EpochRotationTests {
    static func note(_ member: Member, _ caseID: CaseID, minutes: Int64 = 50) throws -> SealedRevision {
        try member.vault.commitForTesting([PendingChange(record: .random(), type: .session, caseID: caseID, fields: ["minutes": .int(minutes)])])[0]
    }

    static func stamp(offsetMillis: Int64 = 0) -> HLCTimestamp {
        HLCTimestamp(physical: UInt64(Int64(SystemWallClock().nowMillis) + offsetMillis), logical: 0)
    }

    /// The fixture of `KeyForgeryTests` with the outsider granted the owner's case (a genuine reader).
    static func fixtureWithReader() async throws -> KeyForgeryTests.Fixture {
        let f = try await KeyForgeryTests.fixture()
        _ = try await f.owner.client().grant(f.caseID, to: f.outsider.person, until: nil)
        try await f.outsider.sync()
        #expect(try f.outsider.vault.canRead(f.caseID))
        return f
    }

    @Test func epochArithmeticNeverTraps() throws {
        #expect(try KeyEpoch.next(after: 0) == 1)
        #expect(throws: CasebookError.self) { try KeyEpoch.next(after: .max) }
        #expect(KeyEpoch.from(Int64(UInt32.max) + 1) == nil && KeyEpoch.from(-1) == nil)
    }

    @Test func attack3ARevisionAtTheLastEpochNeitherFreezesTheCaseNorIsStored() async throws {
        let f = try await KeyForgeryTests.fixture()
        // A real client (a concern needs one), granted to a reader.
        let caseID = try f.owner.vault.addClient(name: "Sam Synthetic", bornOn: nil, related: [], contacts: []).id
        try await f.owner.sync()
        _ = try await f.owner.client().grant(caseID, to: f.outsider.person, until: nil)
        try await f.outsider.sync()
        try await f.dsl.sync()
        #expect(try f.outsider.vault.canRead(caseID) && f.dsl.vault.canRead(caseID))
        // The reader seals a revision under epoch 2^32-1 with a key of its own.
        let header = RevisionHeader(recordID: .random(), recordType: .session, caseID: caseID, authorDevice: f.outsider.vault.device,
                                    hlc: Self.stamp(), keyEpoch: .max)
        let frozen = try RevisionSealer.seal(header: header, body: RevisionBody(fields: ["minutes": .int(1)], author: f.outsider.person, policyVersion: "1"),
                                             key: CaseKey.generate(caseID: caseID, epoch: .max), author: f.outsider.vault.identity)
        // The real server refuses it (no rotation created that epoch) ...
        let pushed = try await f.outsider.transport.push(PushRequest(revisions: [WireRevision(frozen)]), timeout: .seconds(5))
        #expect(pushed.rejected.map(\.id) == [frozen.id.rawValue])
        #expect(await f.org.server.revisionCount(of: caseID) > 0)
        // ... and a hostile server that serves it anyway meets the same rule on every replica.
        try await f.org.server.serve(WireRevision(frozen))

        for victim in [f.owner, f.dsl] {
            let report = try await victim.sync()
            #expect(report.rejected.contains { $0.id == frozen.id.rawValue && $0.reason == "unknown-epoch" })
            #expect(try !victim.vault.revisionIDs().contains(frozen.id))
        }
        // The case stays writable: a note and a concern are saved under epoch 0, synced, and the DSL reads both.
        let note = try Self.note(f.owner, caseID)
        #expect(note.header.keyEpoch == 0)
        let concern = try f.owner.vault.raiseConcern(client: caseID, category: .riskToSelf, details: "Synthetic test concern")
        try await f.owner.sync()
        try await f.dsl.sync()
        #expect(try f.dsl.vault.decryptIfHeld(note) != nil)
        let concernRevisions = try f.owner.vault.sealedRevisions(of: caseID).filter { $0.header.recordID == concern.id }
        #expect(!concernRevisions.isEmpty)
        for sealed in concernRevisions { #expect(try f.dsl.vault.decryptIfHeld(sealed) != nil) }
    }

    @Test func attack3AReadersOwnEpochIsRefusedAndRevokeStillRotates() async throws {
        let f = try await Self.fixtureWithReader()
        let reader = f.outsider
        // The reader makes epoch 1 of its own, signs a rotation statement with its genuine key, and
        // plants a copy for the owner (a hostile server serves it; the old code accepted it from a "known reader").
        let rogue = CaseKey.generate(caseID: f.caseID, epoch: 1)
        let statement = try KeyRotationStatement.sign(key: rogue, previousEpoch: 0, reason: .revoke, subject: f.dsl.person.rawValue,
                                                      stamp: Self.stamp(), by: reader.vault.identity)
        await f.org.server.inject(try KeyWrap.wrap(rogue, for: f.owner.vault.identity.publicKeys, by: reader.vault.identity, rotation: statement))
        var report = try await f.owner.sync()
        #expect(report.keysRejected.map(\.reason) == ["not-entitled"])
        // Without any statement: refused too.
        _ = await f.org.server.withhold(f.caseID, epoch: 1, recipient: f.owner.vault.device)
        await f.org.server.inject(try KeyWrap.wrap(rogue, for: f.owner.vault.identity.publicKeys, by: reader.vault.identity))
        report = try await f.owner.sync()
        #expect(report.keysRejected.map(\.reason) == ["no-rotation-statement"])
        // An entitled member (the DSL) jumping to epoch 2^32-1: refused as a gap, nothing stored.
        _ = await f.org.server.withhold(f.caseID, epoch: 1, recipient: f.owner.vault.device)
        let last = CaseKey.generate(caseID: f.caseID, epoch: .max)
        let jump = try KeyRotationStatement.sign(key: last, previousEpoch: .max - 1, reason: .recovery, subject: "",
                                                 stamp: Self.stamp(), by: f.dsl.vault.identity)
        await f.org.server.inject(try KeyWrap.wrap(last, for: f.owner.vault.identity.publicKeys, by: f.dsl.vault.identity, rotation: jump))
        report = try await f.owner.sync()
        #expect(report.keysRejected.map(\.reason) == ["epoch-gap"])
        _ = await f.org.server.withhold(f.caseID, epoch: .max, recipient: f.owner.vault.device)

        // The owner's next note is sealed under the genuine key: the DSL reads it, the reader's key does not open it.
        let note = try Self.note(f.owner, f.caseID)
        #expect(note.header.keyEpoch == 0)
        #expect(throws: CasebookError.self) { try RevisionSealer.decrypt(note, key: rogue) }

        // Revoking the reader afterwards rotates to the genuine epoch 1 (no trap), which the DSL accepts.
        let revoke = try await f.owner.client().revoke(f.caseID, from: reader.person)
        #expect(revoke.newEpoch == 1)
        let dslReport = try await f.dsl.sync()
        #expect(dslReport.keysRejected.isEmpty && dslReport.keysReceived == 1)
        let after = try Self.note(f.owner, f.caseID)
        #expect(after.header.keyEpoch == 1)
        try await f.owner.sync()
        try await f.dsl.sync()
        #expect(try f.dsl.vault.decryptIfHeld(after) != nil)
        #expect(throws: CasebookError.self) { try RevisionSealer.decrypt(after, key: rogue) }
    }

    @Test func attack4ARemovalsRotationIsCarriedOutAndTheLeaversPlantedKeyIsRefused() async throws {
        // The reader is granted by the DSL, so the DSL's rotation (ADR 0010: for the readers it knows) includes them.
        let f = try await KeyForgeryTests.fixture()
        let leaver = f.owner, reader = f.outsider
        _ = try await f.dsl.client().grant(f.caseID, to: reader.person, until: nil)
        try await reader.sync()
        #expect(try reader.vault.canRead(f.caseID))
        // Another epoch is made first (the owner revokes a colleague it had granted), before the removal.
        let colleague = try await f.org.join("Cole League", role: .practitioner)
        try await leaver.sync()
        _ = try await leaver.client().grant(f.caseID, to: colleague.person, until: nil)
        try await colleague.sync()
        #expect(try await leaver.client().revoke(f.caseID, from: colleague.person).newEpoch == 1)

        // The administrator removes the leaver's device. The DSL's next sync learns the removal and
        // receives epoch 1 (made before the removal) in the same run; the removal's rotation still happens.
        _ = try await f.org.admin.client().removeDevice(leaver.vault.device)
        try await f.dsl.sync()
        let epoch2 = await f.org.server.storedKeys(of: f.caseID).filter { $0.epoch == 2 }
        #expect(!epoch2.isEmpty)
        #expect(epoch2.allSatisfy { $0.recipient != leaver.vault.device && $0.rotation?.reason == .removal })
        #expect(epoch2.first?.rotation?.subject.contains(leaver.vault.device.rawValue) == true)
        let dslNote = try Self.note(f.dsl, f.caseID)
        #expect(dslNote.header.keyEpoch == 2)

        // The leaver, colluding with the server, plants epoch 3 for the reader, signed after its removal.
        let planted = CaseKey.generate(caseID: f.caseID, epoch: 3)
        let late = try KeyRotationStatement.sign(key: planted, previousEpoch: 2, reason: .revoke, subject: f.dsl.person.rawValue,
                                                 stamp: Self.stamp(offsetMillis: 1000), by: leaver.vault.identity)
        await f.org.server.inject(try KeyWrap.wrap(planted, for: reader.vault.identity.publicKeys, by: leaver.vault.identity, rotation: late))
        let report = try await reader.sync()
        #expect(report.keysRejected.map(\.reason) == ["device-removed"])
        // The reader holds epoch 2 and seals its next note under it; the leaver's keys open none of it.
        let readerNote = try Self.note(reader, f.caseID)
        #expect(readerNote.header.keyEpoch == 2)
        #expect(throws: CasebookError.self) { try RevisionSealer.decrypt(readerNote, key: planted) }
        #expect(try reader.vault.decryptIfHeld(dslNote) != nil)
        // A second DSL sync rotates no further (the only epoch above 2 is the planted one), and the DSL still seals under 2.
        try await f.dsl.sync()
        #expect(await f.org.server.storedKeys(of: f.caseID).allSatisfy { $0.epoch <= 2 || $0.rotation == late })
        #expect(try Self.note(f.dsl, f.caseID).header.keyEpoch == 2)

        // An epoch-0 key the leaver wraps (no statement, so no stamp to judge) for a case the reader
        // never held is refused too: a removed device hands out no key at all.
        let fresh = CaseKey.generate(caseID: .random(), epoch: 0)
        await f.org.server.inject(try KeyWrap.wrap(fresh, for: reader.vault.identity.publicKeys, by: leaver.vault.identity))
        let later = try await reader.sync()
        #expect(later.keysRejected.filter { $0.caseID == fresh.caseID }.map(\.reason) == ["device-removed"])
        #expect(try !reader.vault.canRead(fresh.caseID))
    }
}

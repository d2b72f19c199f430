import CasebookCrypto
import CasebookModels
import CasebookServerTestSupport
@_spi(Testing) import CasebookStorage
import CasebookSync
import Foundation
import Testing

/// Each power of a hostile operator (`HostileStore`, ADR 0016) works through the real server
/// routes and the real HTTP client: what a device is served changes, and only for the devices
/// chosen. (What replicas make of it is tested where each rule lives: `RejectionTests`,
/// `KeyForgeryTests`, `MembershipTests`, `ErasurePropagationTests`.)
@Suite struct HostileServerTests {
    struct Fixture {
        let org: TestOrganisation
        let owner: Member
        let first: Member
        let second: Member
        let caseID: CaseID
        let sessions: [SealedRevision]
    }

    /// An owner with a case of one client record and three sessions, and two DSLs; nothing pulled yet.
    static func fixture() async throws -> Fixture {
        let org = try await TestOrganisation.make()
        let first = try await org.join("Dee First", role: .dsl)
        let second = try await org.join("Dan Second", role: .dsl)
        let owner = try await org.join("Olu Owner", role: .practitioner)
        let caseID = try AccessTests.newCase(owner)
        let sessions = try owner.vault.commitForTesting((0..<3).map { i in
            PendingChange(record: .random(), type: .session, caseID: caseID, fields: ["minutes": .int(Int64(50 + i))])
        })
        try await owner.sync()
        return Fixture(org: org, owner: owner, first: first, second: second, caseID: caseID, sessions: sessions)
    }

    /// Every revision the server serves a member, page by page as a replica pulls.
    static func served(_ member: Member) async throws -> [WireRevision] {
        var all: [WireRevision] = []
        var cursor: String?
        while true {
            let page = try await member.transport.pull(after: cursor, limit: 5, timeout: .seconds(5))
            all += page.revisions
            cursor = page.cursor
            if !page.hasMore { return all }
        }
    }

    static func ids(_ member: Member, _ caseID: CaseID) throws -> Set<String> {
        Set(try member.vault.sealedRevisions(of: caseID).map(\.id.rawValue))
    }

    @Test func aWithheldRevisionIsNotServedToThatDeviceOnly() async throws {
        let f = try await Self.fixture()
        let hidden = f.sessions[1].id.rawValue
        f.org.server.hostile.withhold([hidden], from: [f.first.vault.device])

        #expect(try await !Self.served(f.first).map(\.id).contains(hidden))
        #expect(try await Self.served(f.second).map(\.id).contains(hidden))
        try await f.first.sync()
        try await f.second.sync()
        #expect(try !Self.ids(f.first, f.caseID).contains(hidden))
        #expect(try Self.ids(f.first, f.caseID).count == 3)
        #expect(try Self.ids(f.second, f.caseID).contains(hidden))
    }

    @Test func replayedRevisionsAreServedAgainAndChangeNothing() async throws {
        let f = try await Self.fixture()
        try await f.first.sync()
        let before = try Self.ids(f.first, f.caseID)
        let caseID = f.caseID
        try await f.org.server.hostile.replay { (try? $0.sealed().header.caseID) == caseID }

        let served = try await Self.served(f.first).map(\.id).filter(before.contains)
        #expect(served.count == 2 * before.count, "each stored revision is served twice")
        try await f.first.sync()
        #expect(try Self.ids(f.first, f.caseID) == before)
    }

    @Test func pagesAreReorderedForTheChosenDeviceAndNothingIsSkipped() async throws {
        let f = try await Self.fixture()
        f.org.server.hostile.reorderPages(for: [f.first.vault.device])

        let reordered = try await Self.served(f.first).map(\.id)
        let genuine = try await Self.served(f.second).map(\.id)
        #expect(reordered != genuine)
        #expect(reordered.sorted() == genuine.sorted(), "the same revisions, none skipped or repeated")
        try await f.first.sync()
        try await f.second.sync()
        #expect(try Self.ids(f.first, f.caseID) == Self.ids(f.second, f.caseID))
        #expect(try Self.ids(f.first, f.caseID).count == 4)
    }

    @Test func aForgedRowIsServedToWhoeverMayReadItsCaseAndRefusedByTheReplica() async throws {
        let f = try await Self.fixture()
        // Correctly signed by a device of the operator's own, which nobody certified.
        let rogue = DeviceIdentity.generate(person: f.owner.person)
        let header = RevisionHeader(recordID: .random(), recordType: .session, caseID: f.caseID, authorDevice: rogue.deviceID,
                                    hlc: HLCTimestamp(physical: UInt64(Date().timeIntervalSince1970 * 1000), logical: 0), keyEpoch: 0)
        let forged = try RevisionSealer.seal(header: header, body: RevisionBody(fields: [:], author: f.owner.person, policyVersion: nil),
                                             key: CaseKey.generate(caseID: f.caseID, epoch: 0), author: rogue)
        try await f.org.server.hostile.serve(WireRevision(forged))

        #expect(try await Self.served(f.first).map(\.id).contains(forged.id.rawValue))
        #expect(try await !Self.served(f.org.admin).map(\.id).contains(forged.id.rawValue), "the administrator may not read the case")
        let report = try await f.first.sync()
        #expect(report.rejected.contains { $0.id == forged.id.rawValue && $0.reason == "unknown-device" })
        #expect(try !Self.ids(f.first, f.caseID).contains(forged.id.rawValue))
        #expect(try Self.ids(f.first, f.caseID).count == 4, "the genuine revisions are all stored")
    }

    @Test func aWithheldKeyIsNotServedUntilInjectedAgain() async throws {
        let f = try await Self.fixture()
        let mine = try #require(await f.org.server.withhold(f.caseID, epoch: 0, recipient: f.first.vault.device))
        #expect(mine.recipient == f.first.vault.device)

        #expect(try await !f.first.transport.keys(timeout: .seconds(5)).keys.contains { $0.caseID == f.caseID })
        #expect(try await f.second.transport.keys(timeout: .seconds(5)).keys.contains { $0.caseID == f.caseID })
        await f.org.server.inject(mine)
        #expect(try await f.first.transport.keys(timeout: .seconds(5)).keys.filter { $0.caseID == f.caseID } == [mine])
    }

    @Test func servedDevicesAndRecoveryKeyAreTheOperatorsButTrustedByNobody() async throws {
        let f = try await Self.fixture()
        let rogue = DeviceIdentity.generate(person: f.owner.person).publicKeys
        let record = DeviceRecord(deviceID: rogue.deviceID, person: rogue.person, signing: rogue.signing, agreement: rogue.agreement)
        await f.org.server.registerUncertified(record)
        let substitute = DeviceIdentity.generate(person: .random()).publicKeys.agreement
        f.org.server.hostile.substituteRecoveryKey(substitute)

        let listing = try await f.first.transport.organisation(timeout: .seconds(5))
        #expect(listing.devices.contains { $0.deviceID == rogue.deviceID })
        #expect(listing.recoveryKey == substitute)
        try await f.first.sync()
        #expect(try f.first.vault.trustedDevices(of: f.owner.person).map(\.deviceID) == [f.owner.vault.device])
    }

    @Test func aHiddenRemovalIsLeftOutOfTheListingWhileTheServerStillRefusesTheDevice() async throws {
        let f = try await Self.fixture()
        _ = try await f.org.admin.client().removeDevice(f.owner.vault.device)
        #expect(try await f.first.transport.organisation(timeout: .seconds(5)).removedDevices?.map(\.deviceID) == [f.owner.vault.device])

        f.org.server.hostile.hideRemoval(of: f.owner.vault.device)
        #expect(try await f.first.transport.organisation(timeout: .seconds(5)).removedDevices?.isEmpty != false)
        await #expect(throws: SyncFailure.self) { _ = try await f.owner.transport.organisation(timeout: .seconds(5)) }
    }

    @Test func tamperingEditsWhatIsServedInPlace() async throws {
        let f = try await Self.fixture()
        let target = f.sessions[0].id.rawValue
        await f.org.server.tamper { wires in
            for i in wires.indices where wires[i].id == target { wires[i].ciphertext = Data(repeating: 7, count: 40) }
        }
        let served = try await Self.served(f.second)
        #expect(served.first { $0.id == target }?.ciphertext == Data(repeating: 7, count: 40))
        #expect(served.filter { $0.id == target }.count == 1, "served in place, once")
        let report = try await f.second.sync()
        #expect(report.rejected.contains { $0.id == target })
        #expect(try !Self.ids(f.second, f.caseID).contains(target))
    }
}

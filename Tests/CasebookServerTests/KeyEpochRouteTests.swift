import CasebookCrypto
import CasebookModels
@testable import CasebookServer
import CasebookSync
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// ADR 0013 on the server, on both stores: a key epoch above 0 exists only with a signed rotation
/// statement from a member entitled to rotate the case, one epoch after the newest; a reader cannot
/// occupy a slot of a rotated epoch; a revision under an epoch no rotation made is refused; removals
/// are not backdated and certifications are checked for signature and certifier. Judged by what
/// the server then holds and serves.
@Suite("Key epochs, removals and certifications on the server")
struct KeyEpochRouteTests {
    /// A real key of `key`'s case and epoch wrapped for `recipient` by `member`, with `rotation`.
    static func wrap(_ key: CaseKey, for recipient: Member, by member: Member, rotation: KeyRotationStatement?) throws -> WrappedCaseKey {
        try KeyWrap.wrap(key, for: recipient.identity.publicKeys, by: member.identity, rotation: rotation)
    }

    static func statement(_ key: CaseKey, previous: UInt32, by member: Member, at millis: UInt64) throws -> KeyRotationStatement {
        try KeyRotationStatement.sign(key: key, previousEpoch: previous, reason: .revoke, subject: "someone",
                                      stamp: HLCTimestamp(physical: millis, logical: 0), by: member.identity)
    }

    static func revision(_ caseID: CaseID, epoch: UInt32, by member: Member, clock: any WallClock) throws -> SealedRevision {
        let header = RevisionHeader(recordID: .random(), recordType: .session, caseID: caseID, authorDevice: member.device,
                                    hlc: HLCTimestamp(physical: clock.nowMillis, logical: 0), keyEpoch: epoch)
        return try RevisionSealer.seal(header: header, body: RevisionBody(fields: ["minutes": .int(50)], author: member.person, policyVersion: "1"),
                                       key: CaseKey.generate(caseID: caseID, epoch: epoch), author: member.identity)
    }

    func put(_ api: API, _ caseID: CaseID, _ keys: [WrappedCaseKey], as member: Member) async throws -> HTTPResponse.Status {
        try await api.send(.put, SyncAPI.Path.caseKeys(caseID), token: member.token, json: KeyUpload(keys: keys)).status
    }

    func served(_ api: API, to member: Member, _ caseID: CaseID) async throws -> [WrappedCaseKey] {
        try api.decode(KeyList.self, try await api.send(.get, SyncAPI.Path.keys, token: member.token)).keys.filter { $0.caseID == caseID }
    }

    @Test("attack 3 on the server: a reader can neither create an epoch nor occupy a slot; the owner's rotation goes through",
          arguments: StoreKind.available)
    func readerCannotMoveEpochs(kind: StoreKind) async throws {
        guard let fixture = try await Fixture.make(kind) else { return }
        try await fixture.run { api, admin in
            let owner = try await api.invite(by: admin, role: .practitioner)
            let reader = try await api.invite(by: admin, role: .practitioner)
            let caseID = CaseID.random()
            let sealer = Sealer(member: owner, clock: fixture.clock)
            #expect(try await api.push([try sealer.seal(case: caseID, type: .client, record: caseID.clientRecordID)], as: owner).accepted.count == 1)
            #expect(try await api.send(.post, SyncAPI.Path.grants(caseID), token: owner.token,
                                       json: GrantRequest(person: reader.person)).status == .noContent)
            let epoch0 = CaseKey.generate(caseID: caseID, epoch: 0)
            #expect(try await put(api, caseID, [try Self.wrap(epoch0, for: owner, by: owner, rotation: nil),
                                                try Self.wrap(epoch0, for: reader, by: owner, rotation: nil)], as: owner) == .noContent)
            let now = fixture.clock.nowMillis
            // Nor can the reader occupy an epoch-0 slot of a device that has none yet (here the administrator's).
            #expect(try await put(api, caseID, [try Self.wrap(CaseKey.generate(caseID: caseID, epoch: 0), for: admin, by: reader, rotation: nil)],
                                  as: reader) == .forbidden)
            #expect(try await put(api, caseID, [try Self.wrap(epoch0, for: admin, by: owner, rotation: nil)], as: owner) == .noContent)

            // The reader's own epoch 1 for the owner, with or without a statement of its own: refused.
            let rogue = CaseKey.generate(caseID: caseID, epoch: 1)
            #expect(try await put(api, caseID, [try Self.wrap(rogue, for: owner, by: reader, rotation: nil)], as: reader) == .forbidden)
            let rogueStatement = try Self.statement(rogue, previous: 0, by: reader, at: now)
            #expect(try await put(api, caseID, [try Self.wrap(rogue, for: owner, by: reader, rotation: rogueStatement)], as: reader) == .forbidden)
            // Epoch 2^32-1 (its statement cannot even be well formed from 2^32-2 without a gap here).
            let last = CaseKey.generate(caseID: caseID, epoch: .max)
            let lastStatement = try Self.statement(last, previous: .max - 1, by: reader, at: now)
            #expect(try await put(api, caseID, [try Self.wrap(last, for: owner, by: reader, rotation: lastStatement)], as: reader) == .forbidden)
            // Nor can a revision sealed under an epoch nobody created be pushed.
            let frozen = try Self.revision(caseID, epoch: .max, by: reader, clock: fixture.clock)
            let pushed = try await api.push([frozen], as: reader)
            #expect(pushed.accepted.isEmpty && pushed.rejected.map(\.id) == [frozen.id.rawValue])

            // The owner: no statement, a skipped epoch, a backdated stamp are refused; the genuine rotation is stored.
            let genuine = CaseKey.generate(caseID: caseID, epoch: 1)
            #expect(try await put(api, caseID, [try Self.wrap(genuine, for: owner, by: owner, rotation: nil)], as: owner) == .badRequest)
            let skip = CaseKey.generate(caseID: caseID, epoch: 2)
            #expect(try await put(api, caseID, [try Self.wrap(skip, for: owner, by: owner,
                                                              rotation: try Self.statement(skip, previous: 1, by: owner, at: now))], as: owner) == .conflict)
            let backdated = try Self.statement(genuine, previous: 0, by: owner, at: now - 3_600_000)
            #expect(try await put(api, caseID, [try Self.wrap(genuine, for: owner, by: owner, rotation: backdated)], as: owner) == .badRequest)
            let statement = try Self.statement(genuine, previous: 0, by: owner, at: now)
            #expect(try await put(api, caseID, [try Self.wrap(genuine, for: owner, by: owner, rotation: statement)], as: owner) == .noContent)
            // A reader copying the genuine statement still cannot fill the reader's slot with another key.
            #expect(try await put(api, caseID, [try Self.wrap(rogue, for: reader, by: reader, rotation: statement)], as: reader) == .forbidden)
            // Another entitled member's different statement for the same epoch conflicts; re-wrapping the
            // genuine one (same statement) for a reader is accepted.
            let competing = CaseKey.generate(caseID: caseID, epoch: 1)
            #expect(try await put(api, caseID, [try Self.wrap(competing, for: admin, by: admin,
                                                              rotation: try Self.statement(competing, previous: 0, by: admin, at: now))], as: admin) == .conflict)
            #expect(try await put(api, caseID, [try Self.wrap(genuine, for: reader, by: owner, rotation: statement)], as: owner) == .noContent)

            // What the server holds: epoch 1 for both, the owner's key with the owner's statement.
            let readerKeys = try await served(api, to: reader, caseID)
            #expect(readerKeys.map(\.epoch) == [0, 1])
            #expect(readerKeys.last?.rotation == statement && readerKeys.last?.wrappedBy == owner.device)
            let ownerKeys = try await served(api, to: owner, caseID)
            #expect(ownerKeys.map(\.epoch) == [0, 1] && ownerKeys.last?.rotation == statement)
            // A revision under epoch 1 is now accepted.
            #expect(try await api.push([try Self.revision(caseID, epoch: 1, by: owner, clock: fixture.clock)], as: owner).accepted.count == 1)
        }
    }

    @Test("attack 6 on the server: a backdated removal is refused; an unsigned or forged certification is refused",
          arguments: StoreKind.available)
    func removalsAndCertificationsAreChecked(kind: StoreKind) async throws {
        guard let fixture = try await Fixture.make(kind) else { return }
        try await fixture.run { api, admin in
            let colleague = try await api.invite(by: admin, role: .practitioner)
            let newcomer = try await api.invite(by: admin, role: .practitioner)
            // Backdated by an hour (before the colleague's history): refused, the device keeps working.
            let backdated = try MembershipRouteTests.removal(of: colleague.device, by: admin, at: fixture.clock.nowMillis - 3_600_000)
            #expect(try await api.send(.delete, SyncAPI.Path.device(colleague.device), token: admin.token, json: backdated).status == .badRequest)
            let info = try api.decode(OrganisationInfo.self, try await api.send(.get, SyncAPI.Path.organisation, token: admin.token))
            #expect(info.removedDevices ?? [] == [])
            #expect(try await api.send(.get, SyncAPI.Path.organisation, token: colleague.token).status == .ok)
            // Nor stamped before a revision the server already accepted from the device (here stamped two
            // minutes ahead, within the skew bound): refused; stamped after it, the removal goes through.
            let ahead = try Sealer(member: colleague, clock: fixture.clock).seal(case: .random(), type: .client, hlcOffsetMillis: 120_000)
            #expect(try await api.push([ahead], as: colleague).accepted.count == 1)
            let beforeIt = try MembershipRouteTests.removal(of: colleague.device, by: admin, at: fixture.clock.nowMillis)
            #expect(try await api.send(.delete, SyncAPI.Path.device(colleague.device), token: admin.token, json: beforeIt).status == .conflict)
            #expect(try await api.send(.get, SyncAPI.Path.organisation, token: colleague.token).status == .ok)
            let afterIt = try MembershipRouteTests.removal(of: colleague.device, by: admin, at: fixture.clock.nowMillis + 180_000)
            #expect(try await api.send(.delete, SyncAPI.Path.device(colleague.device), token: admin.token, json: afterIt).status == .noContent)

            // Certifications: a signature that does not verify, one over other roles, one claimed for
            // another certifier: refused and nothing stored. The genuine one is stored.
            let keys = newcomer.identity.publicKeys
            let path = SyncAPI.Path.certification(newcomer.device)
            let garbage = CertificationRequest(certifiedBy: admin.device, certification: Data(repeating: 7, count: 64), roles: [.practitioner])
            #expect(try await api.send(.post, path, token: admin.token, json: garbage).status == .badRequest)
            let promoted = CertificationRequest(certifiedBy: admin.device, roles: [.admin],
                                                certification: try admin.identity.sign(CertificationStatement.signedBytes(keys: keys, roles: [.practitioner])))
            #expect(try await api.send(.post, path, token: admin.token, json: promoted).status == .badRequest)
            let byColleague = CertificationRequest(certifiedBy: colleague.device, roles: [.practitioner],
                                                   certification: try colleague.identity.sign(CertificationStatement.signedBytes(keys: keys, roles: [.practitioner])))
            #expect(try await api.send(.post, path, token: admin.token, json: byColleague).status == .badRequest)
            let stored = try api.decode(OrganisationInfo.self, try await api.send(.get, SyncAPI.Path.organisation, token: admin.token))
            #expect(stored.devices.first { $0.deviceID == newcomer.device }?.certification == nil)
            let genuine = CertificationRequest(certifiedBy: admin.device, roles: [.practitioner],
                                               certification: try admin.identity.sign(CertificationStatement.signedBytes(keys: keys, roles: [.practitioner])))
            #expect(try await api.send(.post, path, token: admin.token, json: genuine).status == .noContent)
            let after = try api.decode(OrganisationInfo.self, try await api.send(.get, SyncAPI.Path.organisation, token: admin.token))
            #expect(after.devices.first { $0.deviceID == newcomer.device }?.certification == genuine.certification)
        }
    }
}

extension CertificationRequest {
    init(certifiedBy: DeviceID, roles: [Role], certification: Data) {
        self.init(certifiedBy: certifiedBy, certification: certification, roles: roles)
    }
}

/// The stores' share of ADR 0013: the rotation column round-trips, and one statement per epoch is
/// enforced inside the key transaction (two entitled rotators racing: the second is refused).
@Suite("Key epochs in the stores")
struct KeyEpochStoreTests {
    @Test("one rotation statement per epoch, kept and served with every copy", arguments: StoreKind.available)
    func oneStatementPerEpoch(kind: StoreKind) async throws {
        guard let url = try await TestDatabase.make(kind) else { return }
        try await withServerStore(url: url, logger: TestDatabase.logger) { store in
            try await store.migrate()
            let caseID = CaseID.random()
            let rotator = DeviceIdentity.generate(person: .random()), other = DeviceIdentity.generate(person: .random())
            let r1 = DeviceIdentity.generate(person: .random()), r2 = DeviceIdentity.generate(person: .random())
            let stamp = HLCTimestamp(physical: SystemWallClock().nowMillis, logical: 0)
            let zero = CaseKey.generate(caseID: caseID, epoch: 0), one = CaseKey.generate(caseID: caseID, epoch: 1)
            let statement = try KeyRotationStatement.sign(key: one, previousEpoch: 0, reason: .removal, subject: "d", stamp: stamp, by: rotator)
            try await store.putKeys([try KeyWrap.wrap(zero, for: r1.publicKeys, by: rotator)])
            #expect(try await store.keyEpochs(caseID) == KeyEpochFacts(newest: 0, rotations: [:]))
            try await store.putKeys([try KeyWrap.wrap(one, for: r1.publicKeys, by: rotator, rotation: statement)])
            // A competing statement for the same epoch, for another recipient: refused, nothing stored.
            let competing = CaseKey.generate(caseID: caseID, epoch: 1)
            let theirs = try KeyRotationStatement.sign(key: competing, previousEpoch: 0, reason: .revoke, subject: "p", stamp: stamp, by: other)
            await #expect(throws: CasebookError.self) {
                try await store.putKeys([try KeyWrap.wrap(competing, for: r2.publicKeys, by: other, rotation: theirs)])
            }
            // The genuine statement re-wrapped for the second recipient is stored and served with it.
            try await store.putKeys([try KeyWrap.wrap(one, for: r2.publicKeys, by: other, rotation: statement)])
            let today = try #require(LocalDate(year: 2030, month: 1, day: 1))
            let served = try await store.keys(for: Caller(device: r2.deviceID, person: r2.person, role: .dsl, active: true), today: today)
            #expect(served.map(\.epoch) == [1] && served.first?.rotation == statement && served.first?.wrappedBy == other.deviceID)
            #expect(try await store.keyEpochs(caseID) == KeyEpochFacts(newest: 1, rotations: [1: statement]))
        }
    }
}

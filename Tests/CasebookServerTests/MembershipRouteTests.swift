import CasebookCrypto
import CasebookModels
@testable import CasebookServer
import CasebookSync
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import HTTPTypes
import Crypto
import NIOCore
import NIOFoundationEssentialsCompat

/// `DELETE /v1/devices/{device_id}` and `GET /v1/recovery/keys` (docs/adr/0010-membership.md), on both stores.
@Suite("Membership routes")
struct MembershipRouteTests {
    static func removal(of target: DeviceID, by admin: Member, at millis: UInt64) throws -> DeviceRemovalRequest {
        let stamp = HLCTimestamp(physical: millis, logical: 0).description
        return DeviceRemovalRequest(removedBy: admin.device, removedAt: stamp,
                                    signature: try admin.identity.sign(DeviceRemovalStatement.signedBytes(device: target, removedAt: stamp)))
    }

    /// A wrapped key the server cannot tell from a real one (it never opens keys), signed by `member`'s
    /// device as every upload must be (ADR 0009).
    static func fakeKey(_ caseID: CaseID, for recipient: DeviceID, by member: Member) throws -> WrappedCaseKey {
        var key = WrappedCaseKey(caseID: caseID, epoch: 0, recipient: recipient, encapsulatedKey: Data([1]), ciphertext: Data([2]),
                                 wrappedBy: member.device, signature: Data())
        key.signature = try member.identity.sign(key.signedBytes)
        return key
    }

    @Test("an administrator's signed removal locks the device out and is listed for replicas", arguments: StoreKind.available)
    func removeDevice(kind: StoreKind) async throws {
        guard let fixture = try await Fixture.make(kind) else { return }
        try await fixture.run { api, admin in
            let lost = try await api.invite(by: admin, role: .practitioner)
            let colleague = try await api.invite(by: admin, role: .practitioner)
            let caseID = CaseID.random()
            let key = try Self.fakeKey(caseID, for: lost.device, by: admin)
            #expect(try await api.send(.put, SyncAPI.Path.caseKeys(caseID), token: admin.token, json: KeyUpload(keys: [key])).status == .noContent)
            let good = try Self.removal(of: lost.device, by: admin, at: fixture.clock.nowMillis)

            // Only administrators; the statement must be the caller's, correctly signed, and not in the future.
            #expect(try await api.send(.delete, SyncAPI.Path.device(lost.device), token: colleague.token, json: good).status == .forbidden)
            var forged = good
            forged.signature = try colleague.identity.sign(DeviceRemovalStatement.signedBytes(device: lost.device, removedAt: good.removedAt))
            #expect(try await api.send(.delete, SyncAPI.Path.device(lost.device), token: admin.token, json: forged).status == .badRequest)
            let future = try Self.removal(of: lost.device, by: admin, at: fixture.clock.nowMillis + 3_600_000)
            #expect(try await api.send(.delete, SyncAPI.Path.device(lost.device), token: admin.token, json: future).status == .badRequest)
            let own = try Self.removal(of: admin.device, by: admin, at: fixture.clock.nowMillis)
            #expect(try await api.send(.delete, SyncAPI.Path.device(admin.device), token: admin.token, json: own).status == .badRequest)
            let unknown = DeviceID.random()
            #expect(try await api.send(.delete, SyncAPI.Path.device(unknown), token: admin.token,
                                       json: try Self.removal(of: unknown, by: admin, at: fixture.clock.nowMillis)).status == .notFound)

            #expect(try await api.send(.delete, SyncAPI.Path.device(lost.device), token: admin.token, json: good).status == .noContent)
            // Its live token stops working, and its login is refused with a clear reason.
            #expect(try await api.send(.get, SyncAPI.Path.organisation, token: lost.token).status == .unauthorized)
            let challenge = try api.decode(ChallengeResponse.self, try await api.send(
                .post, SyncAPI.Path.challenge, json: ChallengeRequest(deviceID: lost.device)))
            let signature = try lost.identity.sign(ChallengeResponse.signedBytes(challenge: challenge.challenge, deviceID: lost.device))
            let refused = try await api.send(.post, SyncAPI.Path.token, json: TokenRequest(
                deviceID: lost.device, challenge: challenge.challenge, signature: signature))
            #expect(refused.status == .forbidden)
            #expect(try api.decode(APIErrorBody.self, refused).message.contains("removed"))
            #expect(try api.decode(APIErrorBody.self, refused).error == "device-removed")
            // The keys wrapped for it are gone; the signed statement is served to every member.
            let info = try api.decode(OrganisationInfo.self, try await api.send(.get, SyncAPI.Path.organisation, token: colleague.token))
            #expect(info.removedDevices == [DeviceRemoval(deviceID: lost.device, removedBy: admin.device, removedAt: good.removedAt,
                                                          signature: good.signature)])
            // Removing again is a no-op that keeps the first statement.
            let again = try Self.removal(of: lost.device, by: admin, at: fixture.clock.nowMillis - 1000)
            #expect(try await api.send(.delete, SyncAPI.Path.device(lost.device), token: admin.token, json: again).status == .noContent)
            let info2 = try api.decode(OrganisationInfo.self, try await api.send(.get, SyncAPI.Path.organisation, token: admin.token))
            #expect(info2.removedDevices?.first?.removedAt == good.removedAt)
            // The person itself is still active: their other devices are unaffected.
            #expect(try await api.send(.get, SyncAPI.Path.organisation, token: colleague.token).status == .ok)
        }
    }

    @Test("the recovery key's copies are served to administrators, for the cases a person may read", arguments: StoreKind.available)
    func recoveryKeys(kind: StoreKind) async throws {
        guard let fixture = try await Fixture.make(kind) else { return }
        try await fixture.run { api, admin in
            let member = try await api.invite(by: admin, role: .practitioner)
            let granted = CaseID.random(), other = CaseID.random()
            for caseID in [granted, other] {
                let keys = try [RecoveryKey.recipient, admin.device].map { try Self.fakeKey(caseID, for: $0, by: admin) }
                #expect(try await api.send(.put, SyncAPI.Path.caseKeys(caseID), token: admin.token, json: KeyUpload(keys: keys)).status == .noContent)
            }
            #expect(try await api.send(.post, SyncAPI.Path.grants(granted), token: admin.token,
                                       json: GrantRequest(person: member.person)).status == .noContent)
            let path = SyncAPI.Path.recoveryKeysQuery(person: member.person, caseID: nil)
            #expect(try await api.send(.get, path, token: member.token).status == .forbidden)
            #expect(try await api.send(.get, SyncAPI.Path.recoveryKeys, token: admin.token).status == .badRequest)
            let list = try api.decode(KeyList.self, try await api.send(.get, path, token: admin.token))
            #expect(list.keys.map(\.caseID) == [granted])
            #expect(list.keys.allSatisfy { $0.recipient == RecoveryKey.recipient })
            let one = try api.decode(KeyList.self, try await api.send(
                .get, SyncAPI.Path.recoveryKeysQuery(person: member.person, caseID: other), token: admin.token))
            #expect(one.keys.isEmpty)
        }
    }
}

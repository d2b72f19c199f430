import CasebookCrypto
import CasebookModels
@testable import CasebookServer
import CasebookSync
import Crypto
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// A new laptop for the same person (ADR 0024), on every store: an administrator's device code for an
/// enrolled, active member registers one more device of the same person, once.
@Suite("Device codes for existing members")
struct DeviceCodeStoreTests {
    @Test("a device code keeps the person; single use; refused for non-admins, unknown, pending and removed people", arguments: StoreKind.available)
    func deviceCode(kind: StoreKind) async throws {
        guard let fixture = try await Fixture.make(kind) else { return }
        try await fixture.run { api, admin in
            let member = try await api.invite(by: admin, role: .practitioner)
            let person = member.identity.person
            let code = SymmetricKey.randomToken()
            let request = InviteRequest(person: person, role: .practitioner, type: .staff, codeHash: Data(SHA256.hash(data: Data(code.utf8))),
                                        newDevice: true)
            #expect(try await api.send(.post, SyncAPI.Path.people, token: member.token, json: request).status == .forbidden)
            #expect(try await api.send(.post, SyncAPI.Path.people, token: admin.token, json: request).status == .created)
            let laptop = try await api.enrol(code: code, identity: .generate(person: person), role: .practitioner)
            let info = try api.decode(OrganisationInfo.self, try await api.send(.get, SyncAPI.Path.organisation, token: laptop.token))
            #expect(info.people.filter { $0.id == person }.count == 1)
            #expect(info.devices.filter { $0.person == person }.count == 2)
            // Single use.
            let again = DeviceIdentity.generate(person: person).publicKeys
            let reuse = try await api.send(.post, SyncAPI.Path.enrol, json: EnrolRequest(code: code, device: DeviceRecord(
                deviceID: again.deviceID, person: person, signing: again.signing, agreement: again.agreement)))
            #expect(reuse.status == .forbidden)
            // Not for someone unknown, nor for an invited person who has not enrolled yet.
            let unknown = InviteRequest(person: .random(), role: .practitioner, type: .staff, codeHash: Data(repeating: 2, count: 32), newDevice: true)
            #expect(try await api.send(.post, SyncAPI.Path.people, token: admin.token, json: unknown).status == .notFound)
            let pendingID = PersonID.random()
            let pending = InviteRequest(person: pendingID, role: .practitioner, type: .staff, codeHash: Data(repeating: 3, count: 32))
            #expect(try await api.send(.post, SyncAPI.Path.people, token: admin.token, json: pending).status == .created)
            var pendingDevice = pending
            pendingDevice.newDevice = true
            pendingDevice.codeHash = Data(repeating: 4, count: 32)
            #expect(try await api.send(.post, SyncAPI.Path.people, token: admin.token, json: pendingDevice).status == .notFound)
            // Nor for a person who left.
            #expect(try await api.send(.delete, SyncAPI.Path.person(person), token: admin.token).status == .noContent)
            var left = request
            left.codeHash = Data(repeating: 5, count: 32)
            #expect(try await api.send(.post, SyncAPI.Path.people, token: admin.token, json: left).status == .notFound)
        }
    }
}

import CasebookCrypto
import CasebookModels
@testable import CasebookServer
import CasebookSync
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import HTTPTypes

/// Erasure on the server (`DELETE /v1/cases/{id}`), against both stores: who may, what goes, and
/// the tombstone that keeps an erased case from coming back.
@Suite("Server erasure (each store)")
struct ServerErasureTests {
    @Test("erasure: DSL or admin only; revisions, keys and grants go; a tombstone refuses the case for ever; idempotent",
          arguments: StoreKind.available)
    func erase(kind: StoreKind) async throws {
        guard let fixture = try await Fixture.make(kind) else { return }
        try await fixture.run { api, admin in
            let alice = try await api.invite(by: admin, role: .practitioner)
            let bob = try await api.invite(by: admin, role: .practitioner)
            let dsl = try await api.invite(by: admin, role: .dsl)
            let sealer = Sealer(member: alice, clock: fixture.clock)
            let caseID = CaseID.random(), keeper = CaseID.random()
            let key = CaseKey.generate(caseID: caseID, epoch: 0)
            let revisions = try [sealer.seal(case: caseID, type: .client, record: caseID.clientRecordID, key: key)]
                + (0..<3).map { _ in try sealer.seal(case: caseID, key: key) }
            #expect(try await api.push(revisions, as: alice).accepted.count == 4)
            #expect(try await api.push([try sealer.seal(case: keeper, type: .client, record: keeper.clientRecordID)], as: alice)
                .accepted.count == 1)
            let wrapped = try [alice, bob, dsl].map { try KeyWrap.wrap(key, for: $0.identity.publicKeys, by: alice.identity) }
            #expect(try await api.send(.put, SyncAPI.Path.caseKeys(caseID), token: alice.token,
                                       json: KeyUpload(keys: wrapped)).status == .noContent)
            #expect(try await api.send(.post, SyncAPI.Path.grants(caseID), token: alice.token,
                                       json: GrantRequest(person: bob.person)).status == .noContent)

            // Only the DSL or an administrator erases; never the organisation case.
            #expect(try await api.send(.delete, SyncAPI.Path.caseErase(caseID), token: alice.token).status == .forbidden)
            #expect(try await api.send(.delete, SyncAPI.Path.caseErase(.organisation), token: admin.token).status == .forbidden)
            #expect(try await api.pull(as: bob, caseID: caseID).revisions.count == 4)

            #expect(try await api.send(.delete, SyncAPI.Path.caseErase(caseID), token: dsl.token).status == .noContent)
            // Idempotent: again, and by someone else.
            #expect(try await api.send(.delete, SyncAPI.Path.caseErase(caseID), token: admin.token).status == .noContent)

            // Nothing of the case is served or held: revisions, keys, grants.
            for member in [alice, bob, dsl] {
                let ids = try await api.pullAll(as: member).revisions.compactMap { try? $0.sealed().header.caseID }
                #expect(!ids.contains(caseID))
                let keys = try api.decode(KeyList.self, try await api.send(.get, SyncAPI.Path.keys, token: member.token)).keys
                #expect(keys.allSatisfy { $0.caseID != caseID })
            }
            #expect(try await api.send(.get, SyncAPI.Path.caseRevisions(caseID), token: bob.token).status == .forbidden, "the grant is gone")
            #expect(try await api.pull(as: dsl, caseID: caseID).revisions.isEmpty)
            #expect(try await api.pullAll(as: alice).revisions.contains { (try? $0.sealed().header.caseID) == keeper }, "other cases stay")

            // The tombstone: a replica that has not learnt of the erasure cannot bring the case back.
            let late = try sealer.seal(case: caseID, key: key)
            let replayed = try await api.push([revisions[0], late], as: alice)
            #expect(replayed.accepted.isEmpty)
            #expect(replayed.rejected.map(\.error) == ["case-erased", "case-erased"])
            #expect(replayed.rejected.allSatisfy { $0.message.contains("erased") })
            let asDSL = try await api.push([try Sealer(member: dsl, clock: fixture.clock).seal(case: caseID, type: .client,
                                                                                                 record: caseID.clientRecordID)], as: dsl)
            #expect(asDSL.rejected.map(\.error) == ["case-erased"])
            #expect(try await api.send(.put, SyncAPI.Path.caseKeys(caseID), token: dsl.token,
                                       json: KeyUpload(keys: [wrapped[2]])).status == .forbidden)
            #expect(try await api.send(.post, SyncAPI.Path.grants(caseID), token: admin.token,
                                       json: GrantRequest(person: bob.person)).status == .forbidden)
            #expect(try await api.pull(as: dsl, caseID: caseID).revisions.isEmpty)

            // Erasing a case the server never held is fine too (a retried DELETE after a lost answer).
            #expect(try await api.send(.delete, SyncAPI.Path.caseErase(.random()), token: admin.token).status == .noContent)

            // SQLite: no byte of the wrapped keys or the case's ciphertext is left in the file or its WAL.
            if kind == .sqlite {
                let path = TestDatabase.sqlitePath(fixture.url)
                let raw = [path, path + "-wal"].reduce(into: Data()) { $0 += FileManager.default.contents(atPath: $1) ?? Data() }
                let secrets = wrapped.map(\.ciphertext) + revisions.map(\.ciphertext)
                #expect(!secrets.isEmpty && secrets.allSatisfy { $0.count >= 24 })
                let left = secrets.filter { raw.range(of: $0.prefix(24)) != nil || raw.range(of: $0.suffix(24)) != nil }
                #expect(left.isEmpty, "\(left.count) of \(secrets.count) erased blobs are still in the server's files")
            }
        }
    }

    @Test("destruction certificates: the DSL and administrators write them to the organisation case, a practitioner may not",
          arguments: StoreKind.available)
    func certificateWriters(kind: StoreKind) async throws {
        guard let fixture = try await Fixture.make(kind) else { return }
        try await fixture.run { api, admin in
            let alice = try await api.invite(by: admin, role: .practitioner)
            let dsl = try await api.invite(by: admin, role: .dsl)
            func certificate(_ member: Member) throws -> SealedRevision {
                try Sealer(member: member, clock: fixture.clock).seal(case: .organisation, type: .destructionCertificate)
            }
            #expect(try await api.push([try certificate(dsl)], as: dsl).accepted.count == 1)
            #expect(try await api.push([try certificate(admin)], as: admin).accepted.count == 1)
            #expect(try await api.push([try certificate(alice)], as: alice).rejected.map(\.error) == ["not-authorised"])
            // The DSL writes no other organisation record.
            let settings = try Sealer(member: dsl, clock: fixture.clock).seal(case: .organisation, type: .settings)
            #expect(try await api.push([settings], as: dsl).rejected.map(\.error) == ["not-authorised"])
        }
    }

    @Test("access policy: erasing and the tombstone")
    func policy() {
        let facts = CaseFacts(exists: true, owner: nil, granted: false)
        let dsl = Caller(device: .random(), person: .random(), role: .dsl, active: true)
        let practitioner = Caller(device: .random(), person: .random(), role: .practitioner, active: true)
        #expect(!AccessPolicy.canWrite(.organisation, caller: dsl, facts: facts), "the DSL writes no other organisation record")
        #expect(AccessPolicy.canErase(.random(), caller: dsl))
        #expect(!AccessPolicy.canErase(.random(), caller: practitioner))
        #expect(!AccessPolicy.canErase(.organisation, caller: dsl))
        let erased = CaseFacts(exists: false, owner: nil, granted: true, erased: true)
        #expect(!AccessPolicy.canWrite(.random(), caller: dsl, facts: erased))
        #expect(!AccessPolicy.canUploadKeys(.random(), caller: dsl, facts: erased))
        #expect(!AccessPolicy.canManageGrants(.random(), caller: dsl, facts: erased))
    }
}

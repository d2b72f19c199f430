import CasebookCrypto
import CasebookModels
@testable @_spi(Testing) import CasebookServer
import CasebookSync
import CasebookTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import HTTPTypes
import Configuration
import Crypto
import NIOCore
import NIOFoundationEssentialsCompat
import Logging

/// One suite, run against every store: in memory, SQLite and PostgreSQL must behave the same.
@Suite("Store conformance (HTTP API against each store)")
struct StoreConformanceTests {
    @Test("enrolment, login and organisation info", arguments: StoreKind.available)
    func enrolAndLogin(kind: StoreKind) async throws {
        guard let fixture = try await Fixture.make(kind) else { return }
        try await fixture.run { api, admin in
            let info = try api.decode(OrganisationInfo.self, try await api.send(.get, SyncAPI.Path.organisation, token: admin.token))
            #expect(info.name == "Test Org")
            #expect(info.rootDevice == admin.device, "the first administrator's device is the organisation root")
            #expect(info.recoveryKey?.count == 32)
            #expect(info.people.first?.pending == false)

            // The code was single use.
            let again = try await api.send(.post, SyncAPI.Path.enrol, json: EnrolRequest(
                code: fixture.adminCode,
                device: DeviceRecord(deviceID: .random(), person: admin.person, signing: admin.identity.publicKeys.signing,
                                     agreement: admin.identity.publicKeys.agreement)))
            #expect(again.status == .forbidden)

            let practitioner = try await api.invite(by: admin, role: .practitioner)
            let after = try api.decode(OrganisationInfo.self, try await api.send(.get, SyncAPI.Path.organisation, token: practitioner.token))
            #expect(after.people.count == 2)
            #expect(after.devices.count == 2)

            // Only admins invite.
            let invite = InviteRequest(person: .random(), role: .admin, type: .staff, codeHash: Data(repeating: 1, count: 32))
            #expect(try await api.send(.post, SyncAPI.Path.people, token: practitioner.token, json: invite).status == .forbidden)

            // A second invitation under a code hash already issued is a conflict (409), never a
            // storage failure (it was a 500 on SQLite and PostgreSQL: found by fuzz-server).
            #expect(try await api.send(.post, SyncAPI.Path.people, token: admin.token, json: invite).status == .created)
            let twin = InviteRequest(person: .random(), role: .practitioner, type: .staff, codeHash: invite.codeHash)
            let refused = try await api.send(.post, SyncAPI.Path.people, token: admin.token, json: twin)
            #expect(refused.status == .conflict)
            #expect(try api.decode(APIErrorBody.self, refused).error == "conflict")
            #expect(try await api.send(.post, SyncAPI.Path.people, token: admin.token, json: invite).status == .conflict)
        }
    }

    @Test("a retried push stores one copy and gives the same acknowledgement", arguments: StoreKind.available)
    func idempotentPush(kind: StoreKind) async throws {
        guard let fixture = try await Fixture.make(kind) else { return }
        try await fixture.run { api, admin in
            let practitioner = try await api.invite(by: admin, role: .practitioner)
            let sealer = Sealer(member: practitioner, clock: fixture.clock)
            let client = CaseID.random()
            let key = CaseKey.generate(caseID: client, epoch: 0)
            let batch = try [sealer.seal(case: client, type: .client, record: client.clientRecordID, key: key)]
                + (0..<20).map { _ in try sealer.seal(case: client, key: key) }

            let first = try await api.push(batch, as: practitioner)
            let second = try await api.push(batch, as: practitioner)
            let third = try await api.push(batch + batch, as: practitioner)
            #expect(first.rejected.isEmpty)
            #expect(first.accepted.count == batch.count)
            #expect(second == first)
            #expect(third.accepted.count == 2 * batch.count)
            #expect(Array(third.accepted.prefix(batch.count)) == first.accepted)

            let pulled = try await api.pullAll(as: practitioner).revisions
            let ids = pulled.map(\.id)
            #expect(Set(ids).count == ids.count, "no duplicates")
            #expect(Set(ids) == Set(batch.map(\.id.rawValue)))
            #expect(pulled.map { $0.seq ?? 0 } == first.accepted.map(\.seq).sorted(), "pull follows seq order")
        }
    }

    @Test("batch-sealed pushes are checked leaf by leaf and served with their proofs", arguments: StoreKind.available)
    func batchSealedPush(kind: StoreKind) async throws {
        guard let fixture = try await Fixture.make(kind) else { return }
        try await fixture.run { api, admin in
            let alice = try await api.invite(by: admin, role: .practitioner)
            let bob = try await api.invite(by: admin, role: .practitioner)
            let sealer = Sealer(member: alice, clock: fixture.clock)
            let client = CaseID.random()
            let key = CaseKey.generate(caseID: client, epoch: 0)
            let singles = try [sealer.seal(case: client, type: .client, record: client.clientRecordID, key: key)]
                + (0..<199).map { _ in try sealer.seal(case: client, key: key) }
            let batched = try RevisionSealer.sealBatches(singles, author: alice.identity)
            var wires = batched.map { WireRevision($0) }
            wires[7].signature = wires[8].signature  // a proof moved to another revision
            // A correct tree over Alice's revisions 150-153 whose root Bob signed in Alice's name.
            let digests = singles[150..<154].map(\.digest)
            let tree = MerkleTree.build(digests)
            let bobSigned = try bob.identity.sign(BatchRoot.signedBytes(author: alice.device, root: tree.root, count: 4))
            wires[150].signature = RevisionSeal.batch(BatchInclusion(index: 0, count: 4, path: tree.paths[0], signature: bobSigned)).bytes
            let result = try api.decode(PushResponse.self, try await api.send(.post, SyncAPI.Path.revisions, token: alice.token,
                                                                               json: PushRequest(revisions: wires)))
            #expect(Dictionary(uniqueKeysWithValues: result.rejected.map { ($0.id, $0.error) })
                    == [wires[7].id: "tampered", wires[150].id: "tampered"])
            #expect(result.accepted.count == 198)
            let pulled = try await api.pullAll(as: alice).revisions
            #expect(pulled.count == 198)
            for wire in pulled {
                let sealed = try wire.sealed()
                #expect(!sealed.seal.isSingle)
                try RevisionSealer.verifySignature(sealed, author: alice.identity.publicKeys)
            }
        }
    }

    @Test("bad revisions are rejected one by one", arguments: StoreKind.available)
    func rejections(kind: StoreKind) async throws {
        guard let fixture = try await Fixture.make(kind) else { return }
        try await fixture.run { api, admin in
            let alice = try await api.invite(by: admin, role: .practitioner)
            let bob = try await api.invite(by: admin, role: .practitioner)
            let aliceSealer = Sealer(member: alice, clock: fixture.clock)
            let bobSealer = Sealer(member: bob, clock: fixture.clock)
            let aliceCase = CaseID.random()
            let good = try aliceSealer.seal(case: aliceCase, type: .client, record: aliceCase.clientRecordID)
            #expect(try await api.push([good], as: alice).accepted.count == 1)

            // Bad signature: signature bytes of another revision.
            let other = try aliceSealer.seal(case: aliceCase)
            var badSignature = WireRevision(other)
            badSignature.signature = WireRevision(good).signature
            // Swapped header: header of one revision, ciphertext of another, claimed id of the first.
            var swapped = WireRevision(try aliceSealer.seal(case: aliceCase))
            swapped.header = WireRevision(try aliceSealer.seal(case: aliceCase)).header
            // Wrong author: Bob's revision pushed with Alice's token.
            let wrongAuthor = WireRevision(try bobSealer.seal(case: CaseID.random(), type: .client))
            // Future HLC: ten minutes ahead.
            let future = WireRevision(try aliceSealer.seal(case: aliceCase, hlcOffsetMillis: 10 * 60 * 1000))
            // Slightly ahead (within the allowed drift) is fine.
            let nearFuture = WireRevision(try aliceSealer.seal(case: aliceCase, hlcOffsetMillis: 60 * 1000))
            // Organisation-wide record in a client case.
            let misplaced = WireRevision(try aliceSealer.seal(case: aliceCase, type: .training))

            let response = try await api.send(.post, SyncAPI.Path.revisions, token: alice.token, json: PushRequest(
                revisions: [badSignature, swapped, wrongAuthor, future, nearFuture, misplaced]))
            let result = try api.decode(PushResponse.self, response)
            let codes = Dictionary(uniqueKeysWithValues: result.rejected.map { ($0.id, $0.error) })
            #expect(codes[badSignature.id] == "tampered")
            #expect(codes[swapped.id] == "tampered")
            #expect(codes[wrongAuthor.id] == "not-authorised")
            #expect(codes[future.id] == "clock-skew")
            #expect(codes[misplaced.id] == "invalid-input")
            #expect(result.accepted.map(\.id) == [nearFuture.id])

            // Bob is not granted Alice's case: he can neither write nor read it.
            let intrusion = try bobSealer.seal(case: aliceCase)
            let bobPush = try await api.push([intrusion], as: bob)
            #expect(bobPush.rejected.map(\.error) == ["not-authorised"])
            // Only admins write the organisation case.
            let orgWrite = try await api.push([try bobSealer.seal(case: .organisation, type: .training)], as: bob)
            #expect(orgWrite.rejected.map(\.error) == ["not-authorised"])
            let adminOrg = try await api.push([try Sealer(member: admin, clock: fixture.clock).seal(case: .organisation, type: .person)], as: admin)
            #expect(adminOrg.accepted.count == 1)
        }
    }

    @Test("access: ungranted sees nothing, revocation and lapsed grants stop serving", arguments: StoreKind.available)
    func access(kind: StoreKind) async throws {
        guard let fixture = try await Fixture.make(kind) else { return }
        try await fixture.run { api, admin in
            let alice = try await api.invite(by: admin, role: .practitioner)
            let bob = try await api.invite(by: admin, role: .practitioner)
            let volunteer = try await api.invite(by: admin, role: .practitioner, type: .volunteer)
            let dsl = try await api.invite(by: admin, role: .dsl)
            let sealer = Sealer(member: alice, clock: fixture.clock)
            let caseID = CaseID.random()
            let revisions = try [sealer.seal(case: caseID, type: .client, record: caseID.clientRecordID)]
                + (0..<3).map { _ in try sealer.seal(case: caseID) }
            #expect(try await api.push(revisions, as: alice).accepted.count == 4)
            let orgRevision = try Sealer(member: admin, clock: fixture.clock).seal(case: .organisation, type: .settings)
            #expect(try await api.push([orgRevision], as: admin).accepted.count == 1)

            func caseIDs(_ member: Member) async throws -> Set<String> {
                Set(try await api.pullAll(as: member).revisions.compactMap { try? $0.sealed().header.caseID.rawValue })
            }
            // Given no grant, Bob sees only the organisation case; the DSL sees everything.
            #expect(try await caseIDs(bob) == ["organisation"])
            #expect(try await caseIDs(dsl) == ["organisation", caseID.rawValue])
            #expect(try await caseIDs(alice) == ["organisation", caseID.rawValue])
            #expect(try await api.send(.get, SyncAPI.Path.caseRevisions(caseID), token: bob.token).status == .forbidden)
            // Bob cannot grant himself.
            #expect(try await api.send(.post, SyncAPI.Path.grants(caseID), token: bob.token,
                                       json: GrantRequest(person: bob.person)).status == .forbidden)

            // When Alice (the owner) grants Bob, he can backfill the case.
            #expect(try await api.send(.post, SyncAPI.Path.grants(caseID), token: alice.token,
                                       json: GrantRequest(person: bob.person)).status == .noContent)
            let backfill = try await api.pull(as: bob, caseID: caseID)
            #expect(backfill.revisions.count == 4)
            #expect(try await caseIDs(bob) == ["organisation", caseID.rawValue])

            // When the grant is revoked, the server stops serving the case at once.
            #expect(try await api.send(.delete, SyncAPI.Path.grant(caseID, bob.person), token: alice.token).status == .noContent)
            #expect(try await caseIDs(bob) == ["organisation"])
            #expect(try await api.send(.get, SyncAPI.Path.caseRevisions(caseID), token: bob.token).status == .forbidden)
            #expect(try await api.push([try Sealer(member: bob, clock: fixture.clock).seal(case: caseID)], as: bob).rejected.count == 1)

            // A time-limited grant lapses on its own.
            let until = LocalDate(fixture.clock.now).addingDays(2)
            #expect(try await api.send(.post, SyncAPI.Path.grants(caseID), token: admin.token,
                                       json: GrantRequest(person: volunteer.person, until: until)).status == .noContent)
            #expect(try await caseIDs(volunteer) == ["organisation", caseID.rawValue])
            fixture.clock.advance(by: 3 * 24 * 3600)
            let relogin = Member(identity: volunteer.identity, role: volunteer.role, token: try await api.login(volunteer.identity))
            #expect(try await caseIDs(relogin) == ["organisation"])
        }
    }

    @Test("wrapped keys: uploaded per case, served only to their device while it may read", arguments: StoreKind.available)
    func keys(kind: StoreKind) async throws {
        guard let fixture = try await Fixture.make(kind) else { return }
        try await fixture.run { api, admin in
            let alice = try await api.invite(by: admin, role: .practitioner)
            let bob = try await api.invite(by: admin, role: .practitioner)
            let caseID = CaseID.random()
            let key = CaseKey.generate(caseID: caseID, epoch: 0)
            #expect(try await api.push([try Sealer(member: alice, clock: fixture.clock).seal(case: caseID, type: .client)], as: alice)
                .accepted.count == 1)
            let forAlice = try KeyWrap.wrap(key, for: alice.identity.publicKeys, by: alice.identity)
            let forBob = try KeyWrap.wrap(key, for: bob.identity.publicKeys, by: alice.identity)
            // Defence in depth: only keys wrapped and validly signed by the uploading device are stored.
            var unsigned = forBob
            unsigned.signature = Data(repeating: 0, count: 64)
            var claimed = try KeyWrap.wrap(key, for: bob.identity.publicKeys, by: bob.identity)
            claimed.wrappedBy = alice.identity.deviceID
            for bad in [unsigned, claimed, try KeyWrap.wrap(key, for: bob.identity.publicKeys, by: bob.identity)] {
                #expect(try await api.send(.put, SyncAPI.Path.caseKeys(caseID), token: alice.token,
                                           json: KeyUpload(keys: [bad])).status == .badRequest)
            }
            #expect(try await api.send(.put, SyncAPI.Path.caseKeys(caseID), token: alice.token,
                                       json: KeyUpload(keys: [forAlice, forBob])).status == .noContent)
            // Idempotent.
            #expect(try await api.send(.put, SyncAPI.Path.caseKeys(caseID), token: alice.token,
                                       json: KeyUpload(keys: [forAlice])).status == .noContent)
            // A different key for the same slot is refused.
            let other = try KeyWrap.wrap(CaseKey.generate(caseID: caseID, epoch: 0), for: alice.identity.publicKeys, by: alice.identity)
            #expect(try await api.send(.put, SyncAPI.Path.caseKeys(caseID), token: alice.token,
                                       json: KeyUpload(keys: [other])).status == .conflict)
            // Bob may not upload to a case he cannot read.
            #expect(try await api.send(.put, SyncAPI.Path.caseKeys(caseID), token: bob.token,
                                       json: KeyUpload(keys: [forBob])).status == .forbidden)

            // Served exactly as uploaded, wrapper and signature included (the new columns round-trip).
            let aliceKeys = try api.decode(KeyList.self, try await api.send(.get, SyncAPI.Path.keys, token: alice.token))
            #expect(aliceKeys.keys == [forAlice])
            #expect(aliceKeys.keys[0].wrappedBy == alice.identity.deviceID)
            #expect(aliceKeys.keys[0].isSigned(by: alice.identity.publicKeys))
            #expect(try KeyWrap.unwrap(aliceKeys.keys[0], with: alice.identity).caseID == caseID)
            // Bob's key is stored but not served until he is granted.
            #expect(try api.decode(KeyList.self, try await api.send(.get, SyncAPI.Path.keys, token: bob.token)).keys.isEmpty)
            #expect(try await api.send(.post, SyncAPI.Path.grants(caseID), token: alice.token,
                                       json: GrantRequest(person: bob.person)).status == .noContent)
            #expect(try api.decode(KeyList.self, try await api.send(.get, SyncAPI.Path.keys, token: bob.token)).keys == [forBob])
        }
    }

    @Test("pull pages through an opaque cursor", arguments: StoreKind.available)
    func paging(kind: StoreKind) async throws {
        guard let fixture = try await Fixture.make(kind) else { return }
        try await fixture.run { api, admin in
            let sealer = Sealer(member: admin, clock: fixture.clock)
            let caseID = CaseID.random()
            let batch = try [sealer.seal(case: caseID, type: .client)] + (0..<24).map { _ in try sealer.seal(case: caseID) }
            _ = try await api.push(batch, as: admin)
            var cursor: String?
            var seen: [String] = []
            var pages = 0
            repeat {
                let page = try await api.pull(as: admin, after: cursor, limit: 10)
                seen += page.revisions.map(\.id)
                pages += 1
                cursor = page.cursor
                if !page.hasMore { break }
            } while pages < 10
            #expect(pages == 3)
            #expect(seen == batch.map(\.id.rawValue))
            let empty = try await api.pull(as: admin, after: cursor)
            #expect(empty.revisions.isEmpty && empty.cursor == cursor && !empty.hasMore)
            #expect(try await api.send(.get, SyncAPI.Path.revisions + "?after=garbage!", token: admin.token).status == .badRequest)
        }
    }
}

extension StoreConformanceTests {
    /// The access rule is written once, `AccessPolicy.canRead`; the SQL stores translate it into
    /// `WHERE` clauses for paging. Every store must serve revisions and keys of a case to exactly
    /// the callers the rule allows: owner, live grant, revoked grant, lapsed grant, no grant, DSL,
    /// administrator.
    @Test("pull and keys serve exactly whom AccessPolicy.canRead allows", arguments: StoreKind.available)
    func servingFollowsTheAccessRule(kind: StoreKind) async throws {
        guard let fixture = try await Fixture.make(kind) else { return }
        try await fixture.run { api, admin in
            let owner = try await api.invite(by: admin, role: .practitioner)
            let live = try await api.invite(by: admin, role: .practitioner, type: .volunteer)
            let revoked = try await api.invite(by: admin, role: .practitioner)
            let lapsed = try await api.invite(by: admin, role: .practitioner)
            let stranger = try await api.invite(by: admin, role: .practitioner)
            let dsl = try await api.invite(by: admin, role: .dsl)
            let everyone = [owner, live, revoked, lapsed, stranger, dsl, admin]
            let caseID = CaseID.random()
            let key = CaseKey.generate(caseID: caseID, epoch: 0)
            #expect(try await api.push([try Sealer(member: owner, clock: fixture.clock).seal(case: caseID, type: .client, key: key)],
                                       as: owner).accepted.count == 1)
            #expect(try await api.push([try Sealer(member: admin, clock: fixture.clock).seal(case: .organisation, type: .settings)],
                                       as: admin).accepted.count == 1)
            let wrapped = try everyone.map { try KeyWrap.wrap(key, for: $0.identity.publicKeys, by: owner.identity) }
            #expect(try await api.send(.put, SyncAPI.Path.caseKeys(caseID), token: owner.token,
                                       json: KeyUpload(keys: wrapped)).status == .noContent)
            let today = LocalDate(fixture.clock.now)
            for (member, until) in [(live, today.addingDays(5)), (revoked, nil), (lapsed, today.addingDays(-1))] {
                #expect(try await api.send(.post, SyncAPI.Path.grants(caseID), token: owner.token,
                                           json: GrantRequest(person: member.person, until: until)).status == .noContent)
            }
            #expect(try await api.send(.delete, SyncAPI.Path.grant(caseID, revoked.person), token: owner.token).status == .noContent)

            try await withServerStore(url: fixture.url, logger: TestDatabase.logger) { store in
                for member in everyone {
                    let caller = Caller(device: member.device, person: member.person, role: member.role, active: true)
                    let facts = try await store.caseFacts(caseID, person: member.person, today: today)
                    let allowed = AccessPolicy.canRead(caseID, caller: caller, facts: facts)
                    let pulled = Set(try await api.pullAll(as: member).revisions.compactMap { try? $0.sealed().header.caseID })
                    #expect(pulled.contains(caseID) == allowed, "\(kind): revisions for \(member.role) \(facts)")
                    #expect(pulled.contains(.organisation), "every member reads the organisation case")
                    let keys = try api.decode(KeyList.self, try await api.send(.get, SyncAPI.Path.keys, token: member.token)).keys
                    #expect(keys.contains { $0.caseID == caseID } == allowed, "\(kind): keys for \(member.role) \(facts)")
                    let direct = try await api.send(.get, SyncAPI.Path.caseRevisions(caseID), token: member.token).status
                    #expect((direct == .ok) == allowed)
                }
                // The rule's verdicts themselves, so that a rule serving nobody cannot pass.
                let verdicts = try await everyone.asyncMap { member in
                    AccessPolicy.canRead(caseID, caller: Caller(device: member.device, person: member.person, role: member.role, active: true),
                                         facts: try await store.caseFacts(caseID, person: member.person, today: today))
                }
                #expect(verdicts == [true, true, false, false, false, true, false])
            }
        }
    }
}

extension Array where Element: Sendable {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var out: [T] = []
        for element in self { out.append(try await transform(element)) }
        return out
    }
}

@Suite("Access policy (pure)")
struct AccessPolicyTests {
    static func caller(_ role: Role, active: Bool = true) -> Caller {
        Caller(device: .random(), person: .random(), role: role, active: active)
    }
    static let none = CaseFacts(exists: false, owner: nil, granted: false)
    static let existing = CaseFacts(exists: true, owner: .random(), granted: false)
    static let granted = CaseFacts(exists: true, owner: .random(), granted: true)

    @Test("organisation case: all members read, admins write and upload its keys")
    func organisationCase() {
        for role in Role.allCases {
            #expect(AccessPolicy.canRead(.organisation, caller: Self.caller(role), facts: Self.existing))
            #expect(AccessPolicy.canWrite(.organisation, caller: Self.caller(role), facts: Self.existing) == (role == .admin))
            #expect(AccessPolicy.canUploadKeys(.organisation, caller: Self.caller(role), facts: Self.existing) == (role == .admin))
        }
    }

    @Test("client case: grant or DSL to read and write; creators by role; inactive callers nothing")
    func clientCase() {
        let c = CaseID.random()
        #expect(!AccessPolicy.canRead(c, caller: Self.caller(.practitioner), facts: Self.existing))
        #expect(AccessPolicy.canRead(c, caller: Self.caller(.practitioner), facts: Self.granted))
        #expect(AccessPolicy.canRead(c, caller: Self.caller(.dsl), facts: Self.existing))
        #expect(!AccessPolicy.canRead(c, caller: Self.caller(.admin), facts: Self.existing))
        #expect(!AccessPolicy.canRead(c, caller: Self.caller(.dsl, active: false), facts: Self.granted))
        #expect(AccessPolicy.canWrite(c, caller: Self.caller(.practitioner), facts: Self.none))
        #expect(!AccessPolicy.canWrite(c, caller: Self.caller(.recordsOfficer), facts: Self.none))
        #expect(!AccessPolicy.canWrite(c, caller: Self.caller(.practitioner), facts: Self.existing))
        #expect(AccessPolicy.canWrite(c, caller: Self.caller(.dsl), facts: Self.existing))
        let owner = Self.caller(.practitioner)
        #expect(AccessPolicy.canManageGrants(c, caller: owner, facts: CaseFacts(exists: true, owner: owner.person, granted: true)))
        #expect(!AccessPolicy.canManageGrants(c, caller: Self.caller(.practitioner), facts: Self.granted))
        #expect(AccessPolicy.canManageGrants(c, caller: Self.caller(.admin), facts: Self.existing))
    }
}

import CasebookCrypto
import CasebookModels
@testable import CasebookServer
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

/// The server's training gate (P10), over HTTP against each store, and the store operations it uses.
@Suite("Training gate (server, each store)")
struct TrainingGateServerTests {
    static func update(_ dates: [TrainingCourse: LocalDate?]) -> TrainingUpdate {
        TrainingUpdate(courses: dates.sorted { $0.key.rawValue < $1.key.rawValue }.map { TrainingCourseStatus(course: $0.key, validUntil: $0.value) })
    }

    @Test("only administrators report training; bad reports are refused with a clear error", arguments: StoreKind.available)
    func reporting(kind: StoreKind) async throws {
        guard let fixture = try await Fixture.make(kind) else { return }
        try await fixture.run { api, admin in
            let bob = try await api.invite(by: admin, role: .practitioner)
            let today = LocalDate(fixture.clock.now)
            let good = Self.update([.confidentiality: today, .dataProtection: today])
            let cases: [(String, String, String?, Any, HTTPResponse.Status)] = [
                ("admin reports", admin.token, nil, good, .noContent),
                ("again (idempotent)", admin.token, nil, good, .noContent),
                ("a practitioner may not", bob.token, nil, good, .forbidden),
                ("unknown person", admin.token, "p-nobody", good, .notFound),
                ("a course twice", admin.token, nil, TrainingUpdate(courses: good.courses + good.courses), .badRequest),
                ("not a date", admin.token, nil, #"{"courses":[{"course":"confidentiality","valid_until":"31/12/2030"}]}"#, .badRequest),
                ("unknown course", admin.token, nil, #"{"courses":[{"course":"first-aid","valid_until":"2030-01-01"}]}"#, .badRequest),
            ]
            for (label, token, person, body, status) in cases {
                let path = SyncAPI.Path.training(person.map(PersonID.init(rawValue:)) ?? bob.person)
                let response: TestResponse
                if let text = body as? String {
                    response = try await api.client.execute(uri: path, method: .put,
                        headers: [.authorization: "Bearer \(token)", .contentType: "application/json"], body: ByteBuffer(string: text))
                } else {
                    response = try await api.send(.put, path, token: token, json: try #require(body as? TrainingUpdate))
                }
                #expect(response.status == status, "\(label): \(String(buffer: response.body))")
            }
        }
    }

    @Test("grants: no gate before training is published; then missing, partial or expired training refuses (403 training-missing)",
          arguments: StoreKind.available)
    func grants(kind: StoreKind) async throws {
        guard let fixture = try await Fixture.make(kind) else { return }
        try await fixture.run { api, admin in
            let alice = try await api.invite(by: admin, role: .practitioner)
            let bob = try await api.invite(by: admin, role: .practitioner)
            let carol = try await api.invite(by: admin, role: .practitioner)
            let caseID = CaseID.random()
            #expect(try await api.push([try Sealer(member: alice, clock: fixture.clock).seal(case: caseID, type: .client)], as: alice)
                .accepted.count == 1)
            func grant(_ person: PersonID, token: String? = nil) async throws -> TestResponse {
                try await api.send(.post, SyncAPI.Path.grants(caseID), token: token ?? alice.token, json: GrantRequest(person: person))
            }
            // Given nothing published, the gate is not engaged (organisations from before the gate; bootstrapping).
            #expect(try await grant(carol.person).status == .noContent)
            #expect(try await api.send(.delete, SyncAPI.Path.grant(caseID, carol.person), token: alice.token).status == .noContent)

            let today = LocalDate(fixture.clock.now)
            #expect(try await api.send(.put, SyncAPI.Path.training(alice.person), token: admin.token,
                                       json: Self.update([.confidentiality: today.addingDays(100), .dataProtection: today.addingDays(100)])).status == .noContent)
            let table: [(String, [TrainingCourse: LocalDate?]?, String?)] = [
                ("no summary", nil, "confidentiality and data protection"),
                ("data protection missing", [.confidentiality: today, .dataProtection: nil], "data protection"),
                ("confidentiality expired yesterday", [.confidentiality: today.addingDays(-1), .dataProtection: today], "confidentiality"),
                ("both valid through today", [.confidentiality: today, .dataProtection: today], nil),
            ]
            for (label, dates, missing) in table {
                if let dates {
                    #expect(try await api.send(.put, SyncAPI.Path.training(bob.person), token: admin.token, json: Self.update(dates)).status == .noContent)
                }
                let response = try await grant(bob.person)
                if let missing {
                    #expect(response.status == .forbidden, "\(label)")
                    let body = try api.decode(APIErrorBody.self, response)
                    #expect(body.error == "training-missing", "\(label)")
                    #expect(body.message.contains("person \(bob.person) has no current \(missing) training on \(today)"), "\(label): \(body.message)")
                } else {
                    #expect(response.status == .noContent, "\(label): \(String(buffer: response.body))")
                }
            }
            // The next day Bob's training has expired on the server's date: granting again is refused.
            fixture.clock.advance(by: 24 * 3600)
            let token = try await api.login(alice.identity)
            #expect(try await grant(bob.person, token: token).status == .forbidden)
        }
    }

    @Test("new keys: refused for an untrained person new to the case; DSL, recovery key, readers and the organisation case exempt",
          arguments: StoreKind.available)
    func keys(kind: StoreKind) async throws {
        guard let fixture = try await Fixture.make(kind) else { return }
        try await fixture.run { api, admin in
            let alice = try await api.invite(by: admin, role: .practitioner)
            let bob = try await api.invite(by: admin, role: .practitioner)
            let carol = try await api.invite(by: admin, role: .practitioner)
            let dsl = try await api.invite(by: admin, role: .dsl)
            let caseID = CaseID.random()
            #expect(try await api.push([try Sealer(member: alice, clock: fixture.clock).seal(case: caseID, type: .client)], as: alice)
                .accepted.count == 1)
            let today = LocalDate(fixture.clock.now)
            let epoch0 = CaseKey.generate(caseID: caseID, epoch: 0)
            // Bob is trained and receives the key; then his training is reported expired.
            let current = Self.update([.confidentiality: today, .dataProtection: today])
            #expect(try await api.send(.put, SyncAPI.Path.training(bob.person), token: admin.token, json: current).status == .noContent)
            #expect(try await api.send(.put, SyncAPI.Path.caseKeys(caseID), token: alice.token,
                                       json: KeyUpload(keys: [try KeyWrap.wrap(epoch0, for: bob.identity.publicKeys, by: alice.identity)])).status == .noContent)
            let expired = Self.update([.confidentiality: today.addingDays(-1), .dataProtection: today])
            #expect(try await api.send(.put, SyncAPI.Path.training(bob.person), token: admin.token, json: expired).status == .noContent)

            let epoch1 = CaseKey.generate(caseID: caseID, epoch: 1)
            // Epoch 1 is a rotation by the owner: every copy carries its signed statement (ADR 0013).
            let rotation = try KeyRotationStatement.sign(key: epoch1, previousEpoch: 0, reason: .revoke, subject: bob.person.rawValue,
                                                         stamp: HLCTimestamp(physical: fixture.clock.nowMillis, logical: 0), by: alice.identity)
            let recovery = DevicePublicKeys(deviceID: DeviceID(rawValue: "recovery"), person: PersonID(rawValue: "organisation-recovery"),
                                            signing: Data(), agreement: Curve25519.KeyAgreement.PrivateKey().publicKey.rawRepresentation)
            let orgKey = CaseKey.generate(caseID: .organisation, epoch: 0)
            let table: [(String, CaseID, String, [WrappedCaseKey], HTTPResponse.Status)] = [
                ("untrained Carol, new to the case", caseID, alice.token, [try KeyWrap.wrap(epoch1, for: carol.identity.publicKeys, by: alice.identity, rotation: rotation)], .forbidden),
                ("with others in one upload: all refused", caseID, alice.token,
                 [try KeyWrap.wrap(epoch1, for: dsl.identity.publicKeys, by: alice.identity, rotation: rotation), try KeyWrap.wrap(epoch1, for: carol.identity.publicKeys, by: alice.identity, rotation: rotation)], .forbidden),
                ("untrained DSL (receives every case)", caseID, alice.token, [try KeyWrap.wrap(epoch1, for: dsl.identity.publicKeys, by: alice.identity, rotation: rotation)], .noContent),
                ("the recovery key (no person)", caseID, alice.token, [try KeyWrap.wrap(epoch1, for: recovery, by: alice.identity, rotation: rotation)], .noContent),
                ("expired Bob, who already reads the case (rotation)", caseID, alice.token,
                 [try KeyWrap.wrap(epoch1, for: bob.identity.publicKeys, by: alice.identity, rotation: rotation)], .noContent),
                ("untrained owner Alice's own new key", caseID, alice.token, [try KeyWrap.wrap(epoch1, for: alice.identity.publicKeys, by: alice.identity, rotation: rotation)], .noContent),
                ("the organisation key for untrained Carol", .organisation, admin.token, [try KeyWrap.wrap(orgKey, for: carol.identity.publicKeys, by: admin.identity)], .noContent),
            ]
            for (label, target, token, keys, status) in table {
                let response = try await api.send(.put, SyncAPI.Path.caseKeys(target), token: token, json: KeyUpload(keys: keys))
                #expect(response.status == status, "\(label): \(String(buffer: response.body))")
                if status == .forbidden {
                    let body = try api.decode(APIErrorBody.self, response)
                    #expect(body.error == "training-missing")
                    #expect(body.message.contains("person \(carol.person) has no current confidentiality and data protection training"))
                }
            }
            // Nothing of a refused upload was stored.
            let carolKeys = try await withServerStore(url: fixture.url, logger: TestDatabase.logger) { store in
                try await store.holdsKey(caseID, person: carol.person)
            }
            #expect(!carolKeys)
        }
    }

    @Test("store: training rows per person and course, the published flag, key holders", arguments: StoreKind.available)
    func store(kind: StoreKind) async throws {
        guard let fixture = try await Fixture.make(kind) else { return }
        try await withServerStore(url: fixture.url, logger: TestDatabase.logger) { store in
            let person = fixture.adminPerson
            #expect(try await store.trainingFacts(person) == TrainingFacts(published: false, summary: nil))
            let date = LocalDate(iso: "2027-03-31")!
            try await store.putTraining(TrainingSummary(person: person, validUntil: [.dataProtection: date]), now: Date())
            #expect(try await store.trainingFacts(person)
                    == TrainingFacts(published: true, summary: TrainingSummary(person: person, validUntil: [.dataProtection: date])))
            #expect(try await store.trainingFacts(.random()) == TrainingFacts(published: true, summary: nil))
            // Replaced, not merged: a course reported missing is missing.
            try await store.putTraining(TrainingSummary(person: person, validUntil: [.confidentiality: date]), now: Date())
            #expect(try await store.trainingFacts(person).summary?.validUntil == [.confidentiality: date])
            // Reporting a person untrained keeps the gate engaged.
            try await store.putTraining(TrainingSummary(person: person), now: Date())
            #expect(try await store.trainingFacts(person) == TrainingFacts(published: true, summary: TrainingSummary(person: person)))
            #expect(try await !store.holdsKey(.random(), person: person))
        }
    }
}

import CasebookCrypto
import CasebookModels
@_spi(Testing) @_spi(Benchmarks) import CasebookStorage
import CasebookSync
import Foundation
import Testing

/// Issue 11, attack 2, through real sync: a genuine, granted practitioner ("Val") signs arbitrary
/// revisions with their own genuine device keys and the genuine case key (sealed directly with
/// `RevisionSealer.seal`, past the vault's policy checks) and pushes them. Every receiver runs the
/// rulebook (ADR 0012). Outcomes are judged by what the victims' replicas hold: the concern still
/// open and the DSL still warned, the release still pending, the finalised note unchanged. Each
/// refusal is reported by id and reason in the receiving replica's sync report.
@Suite struct MaliciousMemberTests {
    struct Fixture {
        let org: TestOrganisation
        let dsl: Member
        let owner: Member
        let val: Member
        let caseID: CaseID
        let concern: SafeguardingConcern
    }

    static func fixture() async throws -> Fixture {
        let org = try await TestOrganisation.make()
        let dsl = try await org.join("Dee Lead", role: .dsl)
        let owner = try await org.join("Olu Owner", role: .practitioner)
        let val = try await org.join("Val Volunteer", role: .practitioner)
        let client = try owner.vault.addClient(name: "Alex Example", bornOn: nil, related: [], contacts: [])
        try await owner.sync()
        _ = try await owner.client().grant(client.id, to: val.person, until: nil)
        let concern = try owner.vault.raiseConcern(client: client.id, category: .riskToSelf, details: "Synthetic worry about sleep")
        try await owner.sync()
        try await dsl.sync()
        try await val.sync()
        #expect(try val.vault.canRead(client.id))
        #expect(try Self.warned(dsl, about: concern.id))
        return Fixture(org: org, dsl: dsl, owner: owner, val: val, caseID: client.id, concern: concern)
    }

    /// The DSL's replica shows the concern as unacknowledged on every command.
    static func warned(_ dsl: Member, about id: RecordID) throws -> Bool {
        try dsl.vault.safeguardingWarnings().contains { $0.contains(Vault.short(id)) }
    }

    static func state(_ member: Member, _ id: RecordID) throws -> MergedRecord? {
        try member.vault.mergedState().first { $0.recordID == id }
    }

    static func now() -> HLCTimestamp { HLCTimestamp(physical: UInt64(Date().timeIntervalSince1970 * 1000), logical: 0) }

    /// A revision signed by `member`'s genuine device under the case's genuine key, saying anything.
    static func forge(_ member: Member, _ caseID: CaseID, _ record: RecordID, _ type: RecordType, _ fields: [String: JSONValue],
                      author: PersonID? = nil, hlc: HLCTimestamp? = nil) throws -> SealedRevision {
        let key = try #require(try member.vault.caseKeysForBenchmark().values.filter { $0.caseID == caseID }.max { $0.epoch < $1.epoch })
        let header = RevisionHeader(recordID: record, recordType: type, caseID: caseID, authorDevice: member.vault.device,
                                    hlc: hlc ?? now(), keyEpoch: key.epoch)
        return try RevisionSealer.seal(header: header, body: RevisionBody(fields: fields, author: author ?? member.person, policyVersion: nil),
                                       key: key, author: member.vault.identity)
    }

    /// Pushes through the member's own authenticated transport; returns the server's rejections.
    @discardableResult
    static func push(_ member: Member, _ revisions: [SealedRevision]) async throws -> [PushRejection] {
        try await member.transport.push(PushRequest(revisions: revisions.map { WireRevision($0) }), timeout: .seconds(5)).rejected
    }

    static func s(_ text: String) -> JSONValue { .string(text) }

    /// Pushes `forged`, syncs the DSL and the owner, and expects each to report it with `reason`.
    static func expectReported(_ f: Fixture, _ forged: SealedRevision, reason: RuleReason, kept: Bool = false,
                               sourceLocation: SourceLocation = #_sourceLocation) async throws {
        #expect(try await push(f.val, [forged]).isEmpty, "the server cannot read the body, so it stores it", sourceLocation: sourceLocation)
        for victim in [f.dsl, f.owner] {
            let report = try await victim.sync()
            let reported = (report.rejected + report.refused).filter { $0.id == forged.id.rawValue }
            #expect(reported.map(\.rule) == [reason], "\(victim.name): \(reported.map(\.message))", sourceLocation: sourceLocation)
            // Refused by the stateless rules: not stored. By the state rules: stored as evidence, never in state.
            #expect(try victim.vault.revisionIDs().contains(forged.id) == kept, sourceLocation: sourceLocation)
            if let record = try state(victim, forged.header.recordID) {
                #expect(!record.applied.contains(forged.id), sourceLocation: sourceLocation)
            }
        }
    }

    // (a) close and acknowledge a concern
    @Test func aMemberCannotCloseOrAcknowledgeAConcern() async throws {
        let f = try await Self.fixture()
        let dsl = f.dsl.person.rawValue, val = f.val.person.rawValue
        let close = try Self.forge(f.val, f.caseID, f.concern.id, .concern, [
            "status": Self.s("closed"), "acknowledgedBy": Self.s(dsl), "acknowledgedOn": Self.s("2026-11-03"),
            "closedBy": Self.s(dsl), "closedOn": Self.s("2026-11-03"), "outcome": Self.s("nothing to worry about"),
        ])
        try await Self.expectReported(f, close, reason: .dslOnly)
        let acknowledge = try Self.forge(f.val, f.caseID, f.concern.id, .concern, [
            "status": Self.s("acknowledged"), "acknowledgedBy": Self.s(val), "acknowledgedOn": Self.s("2026-11-03"),
        ])
        try await Self.expectReported(f, acknowledge, reason: .dslOnly)
        // The concern is still open on every victim's replica, and the DSL is still warned.
        for victim in [f.dsl, f.owner] {
            #expect(try Self.state(victim, f.concern.id)?.fields["status"] == Self.s("open"))
        }
        #expect(try Self.warned(f.dsl, about: f.concern.id))
        #expect(try f.dsl.vault.concerns(client: f.caseID).first?.concern.status == .open)
        // And the DSL's own acknowledgement still works afterwards.
        _ = try f.dsl.vault.acknowledgeConcern(f.concern.id)
        #expect(try !Self.warned(f.dsl, about: f.concern.id))
    }

    // (b) approve a legal-basis release in the DSL's name
    @Test func aMemberCannotApproveARelease() async throws {
        let f = try await Self.fixture()
        try f.owner.vault.recordConsent(client: f.caseID, formVersion: "3", signedOn: f.owner.vault.clock.today, signedBy: .client)
        let disclosure = try f.owner.vault.disclose(client: f.caseID, recipient: "Family court", purpose: "order", basis: .courtOrder,
                                                    reference: "REF-11")
        #expect(disclosure.status == .pendingApproval)
        try await f.owner.sync()
        try await f.dsl.sync()
        try await f.val.sync()
        let approve = try Self.forge(f.val, f.caseID, disclosure.id, .disclosure, [
            "status": Self.s("released"), "approvedBy": Self.s(f.dsl.person.rawValue), "approvedOn": Self.s("2026-11-03"),
        ])
        try await Self.expectReported(f, approve, reason: .dslOnly)
        for victim in [f.dsl, f.owner] {
            let record = try #require(try Self.state(victim, disclosure.id))
            #expect(record.fields["status"] == Self.s("pending-approval"))
            #expect(record.fields["approvedBy"] == nil)
        }
    }

    // (c) a body whose author is the DSL
    @Test func aMemberCannotWriteAsTheDSL() async throws {
        let f = try await Self.fixture()
        let dsl = f.dsl.person.rawValue
        let forged = try Self.forge(f.val, f.caseID, f.concern.id, .concern, [
            "status": Self.s("closed"), "acknowledgedBy": Self.s(dsl), "acknowledgedOn": Self.s("2026-11-03"),
            "closedBy": Self.s(dsl), "closedOn": Self.s("2026-11-03"), "outcome": Self.s("resolved"),
        ], author: f.dsl.person)
        try await Self.expectReported(f, forged, reason: .authorMismatch)
        // A concern "raised by the DSL" is refused too.
        let raised = try Self.forge(f.val, f.caseID, .random(), .concern, [
            "id": Self.s("x"), "clientID": Self.s(f.caseID.rawValue), "category": Self.s("risk-to-self"), "details": Self.s("made up"),
            "raisedBy": Self.s(dsl), "raisedOn": Self.s("2026-11-03"), "status": Self.s("open"),
        ])
        try await Self.expectReported(f, raised, reason: .impersonation)
        #expect(try Self.state(f.dsl, f.concern.id)?.fields["status"] == Self.s("open"))
        #expect(try Self.warned(f.dsl, about: f.concern.id))
    }

    // (d) backdate an edit to before a session's finalisation
    @Test func aBackdatedEditCannotRewriteAFinalisedSession() async throws {
        let f = try await Self.fixture()
        let session = SessionRecord(id: .random(), clientID: f.caseID, practitioner: f.owner.person, on: f.owner.vault.clock.today,
                                    minutes: 50, platform: "in person", practitionerPrivate: true, clientPrivate: true,
                                    topics: "sleep and friendships", progress: "steady", followUp: "next week")
        let created = try f.owner.vault.commitForTesting(
            [PendingChange(record: session.id, type: .session, caseID: f.caseID, fields: try FieldCoding.fields(of: session))])[0]
        try f.owner.vault.finaliseSession(session.id)
        try await f.owner.sync()
        try await f.dsl.sync()
        try await f.val.sync()
        // Stamped just after the draft, i.e. before the finalisation.
        var stamp = created.header.hlc
        stamp.logical += 1
        let backdated = try Self.forge(f.val, f.caseID, session.id, .session, ["topics": Self.s("rewritten by Val")], hlc: stamp)
        try await Self.expectReported(f, backdated, reason: .notOwner, kept: true)
        for victim in [f.dsl, f.owner] {
            let record = try #require(try Self.state(victim, session.id))
            #expect(record.fields["topics"] == Self.s("sleep and friendships"))
            #expect(record.fields["status"] == Self.s("finalised"))
        }
        // Even in the session practitioner's own name it could not win: the finalising revision
        // carries the whole note (checked in RulebookTests.aBackdatedEditCannotRewriteAFinalisedNote).
    }

    // (e) edit concern history
    @Test func aMemberCannotRewriteConcernHistory() async throws {
        let f = try await Self.fixture()
        let action = try f.owner.vault.recordConcernAction(f.concern.id, text: "Phoned the GP")
        try await f.owner.sync()
        try await f.dsl.sync()
        try await f.val.sync()
        let rewrite = try Self.forge(f.val, f.caseID, f.concern.id, .concern, ["details": Self.s("nothing happened"), "category": Self.s("risk-to-others")])
        try await Self.expectReported(f, rewrite, reason: .dslOnly)
        // A whole new raise of the same record in Val's name: kept, never in state.
        let reraise = try Self.forge(f.val, f.caseID, f.concern.id, .concern, [
            "id": Self.s(f.concern.id.rawValue), "clientID": Self.s(f.caseID.rawValue), "category": Self.s("risk-to-others"),
            "details": Self.s("nothing happened"), "raisedBy": Self.s(f.val.person.rawValue), "raisedOn": Self.s("2026-11-03"),
            "status": Self.s("open"),
        ])
        try await Self.expectReported(f, reraise, reason: .historyRewrite, kept: true)
        let actionEdit = try Self.forge(f.val, f.caseID, action.id, .concernAction, ["text": Self.s("did nothing")])
        try await Self.expectReported(f, actionEdit, reason: .appendOnly, kept: true)
        for victim in [f.dsl, f.owner] {
            let concern = try #require(try Self.state(victim, f.concern.id))
            #expect(concern.fields["details"] == Self.s("Synthetic worry about sleep"))
            #expect(concern.fields["category"] == Self.s("risk-to-self"))
            #expect(concern.fields["raisedBy"] == Self.s(f.owner.person.rawValue))
            #expect(try Self.state(victim, action.id)?.fields["text"] == Self.s("Phoned the GP"))
        }
        #expect(try Self.warned(f.dsl, about: f.concern.id))
    }

    // The server runs the header rules: organisation records and retention holds by role.
    @Test func theServerRefusesRecordTypesTheMemberMayNotWrite() async throws {
        let f = try await Self.fixture()
        let before = try f.dsl.vault.revisionIDs()
        let promote = try Self.forge(f.val, .organisation, f.val.person.recordID, .person, [
            "id": Self.s(f.val.person.rawValue), "name": Self.s("Val Volunteer"), "type": Self.s("staff"),
            "roles": .array([Self.s("dsl"), Self.s("admin")]), "active": .bool(true),
        ])
        let hold = try Self.forge(f.val, f.caseID, .random(), .retentionHold, ["reason": Self.s("keep forever")])
        // Only the DSL or a records officer opens a subject-access request.
        let request = try Self.forge(f.val, f.caseID, .random(), .accessRequest, ["status": Self.s("open"), "receivedOn": Self.s("2026-11-03")])
        let rejected = try await Self.push(f.val, [promote, hold, request])
        #expect(rejected.map(\.id).sorted() == [promote.id.rawValue, hold.id.rawValue, request.id.rawValue].sorted())
        #expect(rejected.allSatisfy { $0.error == .notAuthorised })
        let report = try await f.dsl.sync()
        #expect(report.stored == 0)
        #expect(try f.dsl.vault.revisionIDs() == before)
        // A replica offered them anyway (a hostile server serving them) refuses them as well.
        let result = try f.dsl.vault.applyPulled([PulledRevision(sealed: promote, seq: 900), PulledRevision(sealed: hold, seq: 901),
                                                  PulledRevision(sealed: request, seq: 902)], cursor: nil)
        #expect(result.stored == 0)
        #expect(result.rejected.map(\.rule) == [.notAuthorised, .notAuthorised, .notAuthorised])
        #expect(try f.dsl.vault.accessRequests().isEmpty)
        #expect(try f.dsl.vault.organisation().person(f.val.person)?.roles == [.practitioner])
    }
}

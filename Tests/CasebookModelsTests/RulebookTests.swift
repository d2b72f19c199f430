import CasebookModels
import CasebookTestSupport
import PropertyBased
import Testing

/// The rulebook (ADR 0012), rule by rule: each row is a revision landing on a record's earlier
/// revisions, judged through `RecordMerge.evaluate` (the path every replica takes).
@Suite struct RulebookTests {
    // MARK: - A small synthetic organisation

    static let dsl = Signer(device: DeviceID(rawValue: "d-dsl"), person: PersonID(rawValue: "p-dsl"), roles: [.dsl])
    static let dsl2 = Signer(device: DeviceID(rawValue: "d-dsl2"), person: PersonID(rawValue: "p-dsl2"), roles: [.dsl])
    static let pat = Signer(device: DeviceID(rawValue: "d-pat"), person: PersonID(rawValue: "p-pat"), roles: [.practitioner])
    static let vol = Signer(device: DeviceID(rawValue: "d-vol"), person: PersonID(rawValue: "p-vol"), roles: [.practitioner])
    static let admin = Signer(device: DeviceID(rawValue: "d-adm"), person: PersonID(rawValue: "p-adm"), roles: [], isAdmin: true)
    static let removed = Signer(device: DeviceID(rawValue: "d-gone"), person: PersonID(rawValue: "p-gone"), roles: [.practitioner],
                                removedAt: HLCTimestamp(physical: 50, logical: 0))
    static let everyone = [dsl, dsl2, pat, vol, admin, removed]
    static func signer(_ device: DeviceID) -> Signer? { everyone.first { $0.device == device } }

    static let record = RecordID(rawValue: "r1")
    static let caseID = CaseID(rawValue: "c1")

    static func rev(_ id: String, _ by: Signer, at physical: UInt64, type: RecordType = .concern, _ fields: [String: JSONValue],
                    author: PersonID? = nil, record: RecordID = record, caseID: CaseID? = nil) -> Revision {
        let inCase = caseID ?? (type.isOrganisationWide ? .organisation : Self.caseID)
        return Revision(id: RevisionID(rawValue: id),
                        header: RevisionHeader(recordID: record, recordType: type, caseID: inCase, authorDevice: by.device,
                                               hlc: HLCTimestamp(physical: physical, logical: 0), keyEpoch: 0),
                        body: RevisionBody(fields: fields, author: author ?? by.person, policyVersion: "1"))
    }

    static func s(_ text: String) -> JSONValue { .string(text) }

    static func raise(by person: PersonID, details: String = "synthetic worry") -> [String: JSONValue] {
        ["id": s("r1"), "clientID": s("c1"), "category": s("risk-to-self"), "details": s(details), "raisedBy": s(person.rawValue),
         "raisedOn": s("2026-11-02"), "status": s("open")]
    }
    static func acknowledge(by person: PersonID) -> [String: JSONValue] {
        ["status": s("acknowledged"), "acknowledgedBy": s(person.rawValue), "acknowledgedOn": s("2026-11-03")]
    }
    static func close(by person: PersonID) -> [String: JSONValue] {
        ["status": s("closed"), "acknowledgedBy": s(person.rawValue), "acknowledgedOn": s("2026-11-03"), "closedBy": s(person.rawValue),
         "closedOn": s("2026-11-03"), "outcome": s("referred")]
    }
    static func request(by person: PersonID, basis: String = "court-order", status: String = "pending-approval") -> [String: JSONValue] {
        ["id": s("r1"), "clientID": s("c1"), "recipient": s("Family court"), "purpose": s("order"), "basis": s(basis),
         "reference": s("REF-1"), "records": .array([]), "requestedBy": s(person.rawValue), "requestedOn": s("2026-11-02"), "status": s(status)]
    }
    static func approve(by person: PersonID) -> [String: JSONValue] {
        ["status": s("released"), "approvedBy": s(person.rawValue), "approvedOn": s("2026-11-03")]
    }
    static func session(by person: PersonID, topics: String = "sleep", status: String = "draft") -> [String: JSONValue] {
        ["id": s("r1"), "clientID": s("c1"), "practitioner": s(person.rawValue), "on": s("2026-11-02"), "minutes": .int(50),
         "platform": s("in person"), "practitionerPrivate": .bool(true), "clientPrivate": .bool(true), "topics": s(topics),
         "progress": s("steady"), "followUp": s("next week"), "status": s(status), "masked": .object([:])]
    }

    /// One rule check: `revision` lands after `prior`; nil `expected` means it is allowed.
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let prior: [Revision]
        let revision: Revision
        let expected: RuleReason?
        var testDescription: String { name }
    }

    static let raised = rev("raise", pat, at: 10, raise(by: pat.person))
    static let acked = rev("ack", dsl, at: 20, acknowledge(by: dsl.person))
    static let closed = rev("close", dsl, at: 30, close(by: dsl.person))
    static let requested = rev("req", pat, at: 10, type: .disclosure, request(by: pat.person))
    static let approved = rev("appr", dsl, at: 20, type: .disclosure, approve(by: dsl.person))
    static let draft = rev("draft", pat, at: 10, type: .session, session(by: pat.person))
    static let finalised = rev("fin", pat, at: 20, type: .session, session(by: pat.person, status: "finalised"))
    // Breaches (ADR 0022): administrators and the DSL only; decided once, by the signer; the clock fixed.
    static func openBreach(by person: PersonID) -> [String: JSONValue] {
        ["id": s("r1"), "device": s("d-vol"), "devicePerson": s("p-vol"), "cause": s("stolen"), "openedBy": s(person.rawValue),
         "openedAt": .double(1_000), "deadline": .double(260_200), "status": s("open")]
    }
    static func decideBreach(by person: PersonID, status: String = "reported") -> [String: JSONValue] {
        ["status": s(status), "decidedBy": s(person.rawValue), "decidedAt": .double(2_000), "reference": s("ICO-1")]
    }
    static let breachOpened = rev("bopen", admin, at: 10, type: .breach, openBreach(by: admin.person))
    static let breachReported = rev("brep", dsl, at: 20, type: .breach, decideBreach(by: dsl.person))

    static let cases: [Case] = [
        // Author and impersonation (attack 2: a volunteer in the DSL's name)
        Case(name: "a practitioner raises a concern", prior: [], revision: raised, expected: nil),
        Case(name: "body author is not the signer's person", prior: [],
             revision: rev("x", pat, at: 10, raise(by: dsl.person), author: dsl.person), expected: .authorMismatch),
        Case(name: "raisedBy names someone else", prior: [], revision: rev("x", pat, at: 10, raise(by: dsl.person)), expected: .impersonation),
        // Only the DSL acknowledges or closes
        Case(name: "a practitioner acknowledges", prior: [raised], revision: rev("x", vol, at: 20, acknowledge(by: vol.person)), expected: .dslOnly),
        Case(name: "a practitioner closes in the DSL's name", prior: [raised], revision: rev("x", vol, at: 20, close(by: dsl.person)),
             expected: .dslOnly),
        Case(name: "the DSL acknowledges", prior: [raised], revision: acked, expected: nil),
        Case(name: "the DSL acknowledges naming another", prior: [raised], revision: rev("x", dsl, at: 20, acknowledge(by: pat.person)),
             expected: .impersonation),
        Case(name: "the DSL acknowledges naming nobody", prior: [raised], revision: rev("x", dsl, at: 20, ["status": s("acknowledged")]),
             expected: .impersonation),
        Case(name: "the DSL closes an acknowledged concern", prior: [raised, acked],
             revision: rev("x", dsl, at: 30, ["status": s("closed"), "closedBy": s("p-dsl"), "closedOn": s("2026-11-04"), "outcome": s("done")]),
             expected: nil),
        Case(name: "the DSL closes without an outcome", prior: [raised, acked],
             revision: rev("x", dsl, at: 30, ["status": s("closed"), "closedBy": s("p-dsl")]), expected: .impersonation),
        // Concern history is append-only
        Case(name: "a closed concern reopens", prior: [raised, closed], revision: rev("x", dsl, at: 40, ["status": s("open")]),
             expected: .finalised),
        Case(name: "an acknowledged concern goes back to open", prior: [raised, acked], revision: rev("x", dsl, at: 30, ["status": s("open")]),
             expected: .statusBackwards),
        Case(name: "the DSL rewrites the details", prior: [raised], revision: rev("x", dsl, at: 20, ["details": s("other")]),
             expected: .historyRewrite),
        Case(name: "a practitioner rewrites the details", prior: [raised], revision: rev("x", vol, at: 20, ["details": s("other")]),
             expected: .dslOnly),
        Case(name: "a practitioner re-raises the same concern", prior: [raised],
             revision: rev("x", vol, at: 20, raise(by: vol.person, details: "other")), expected: .historyRewrite),
        Case(name: "a practitioner re-raises it keeping who raised it", prior: [raised],
             revision: rev("x", vol, at: 20, raise(by: pat.person, details: "other")), expected: .impersonation),
        Case(name: "another DSL rewrites who acknowledged", prior: [raised, acked],
             revision: rev("x", dsl2, at: 30, acknowledge(by: dsl2.person)), expected: .historyRewrite),
        Case(name: "a concern's first revision is not a raise", prior: [], revision: rev("x", dsl, at: 5, acknowledge(by: dsl.person)),
             expected: .invalidCreation),
        Case(name: "a concern action is written twice", prior: [rev("a1", pat, at: 10, type: .concernAction, ["by": s("p-pat"), "text": s("called")])],
             revision: rev("a2", pat, at: 20, type: .concernAction, ["text": s("nothing happened")]), expected: .appendOnly),
        // Only the DSL approves a release
        Case(name: "a practitioner requests a court-order release", prior: [], revision: requested, expected: nil),
        Case(name: "a practitioner approves", prior: [requested], revision: rev("x", vol, at: 20, type: .disclosure, approve(by: dsl.person)),
             expected: .dslOnly),
        Case(name: "a practitioner creates a released court-order disclosure", prior: [],
             revision: rev("x", pat, at: 10, type: .disclosure, request(by: pat.person, status: "released")), expected: .dslOnly),
        Case(name: "a consent-based release by a practitioner", prior: [],
             revision: rev("x", pat, at: 10, type: .disclosure, request(by: pat.person, basis: "consent", status: "released")), expected: nil),
        Case(name: "the DSL approves", prior: [requested], revision: approved, expected: nil),
        Case(name: "the DSL approves naming another", prior: [requested], revision: rev("x", dsl, at: 20, type: .disclosure, approve(by: pat.person)),
             expected: .impersonation),
        Case(name: "the DSL releases naming no approver", prior: [requested], revision: rev("x", dsl, at: 20, type: .disclosure, ["status": s("released")]),
             expected: .impersonation),
        Case(name: "the DSL rewrites the recipient", prior: [requested], revision: rev("x", dsl, at: 20, type: .disclosure, ["recipient": s("Other")]),
             expected: .historyRewrite),
        Case(name: "a release is taken back", prior: [requested, approved],
             revision: rev("x", dsl, at: 30, type: .disclosure, ["status": s("pending-approval")]), expected: .statusBackwards),
        // A session is its practitioner's note; a finalised session never changes
        Case(name: "the practitioner edits their draft", prior: [draft], revision: rev("x", pat, at: 15, type: .session, ["topics": s("food")]),
             expected: nil),
        Case(name: "another practitioner edits the draft", prior: [draft], revision: rev("x", vol, at: 15, type: .session, ["topics": s("food")]),
             expected: .notOwner),
        Case(name: "another practitioner backdates an edit before finalisation", prior: [draft, finalised],
             revision: rev("x", vol, at: 15, type: .session, ["topics": s("food")]), expected: .notOwner),
        Case(name: "the practitioner edits after finalisation", prior: [draft, finalised],
             revision: rev("x", pat, at: 25, type: .session, ["topics": s("food")]), expected: .finalised),
        Case(name: "a session written in another practitioner's name", prior: [],
             revision: rev("x", vol, at: 10, type: .session, session(by: pat.person)), expected: .impersonation),
        // Record types and roles; removal; headers
        Case(name: "a practitioner writes a person record", prior: [],
             revision: rev("x", pat, at: 10, type: .person, ["roles": .array([s("dsl")])], record: RecordID(rawValue: "p-pat")), expected: .notAuthorised),
        Case(name: "an administrator writes a person record", prior: [],
             revision: rev("x", admin, at: 10, type: .person, ["roles": .array([s("dsl")])], record: RecordID(rawValue: "p-pat")), expected: nil),
        Case(name: "a practitioner writes a destruction certificate", prior: [],
             revision: rev("x", pat, at: 10, type: .destructionCertificate, ["erasedBy": s("p-pat")]), expected: .notAuthorised),
        Case(name: "the DSL writes a destruction certificate", prior: [],
             revision: rev("x", dsl, at: 10, type: .destructionCertificate, ["erasedBy": s("p-dsl"), "device": s("d-dsl")]), expected: nil),
        Case(name: "a destruction certificate names another device", prior: [],
             revision: rev("x", dsl, at: 10, type: .destructionCertificate, ["erasedBy": s("p-dsl"), "device": s("d-dsl2")]), expected: .impersonation),
        Case(name: "a practitioner places a retention hold", prior: [], revision: rev("x", pat, at: 10, type: .retentionHold, ["reason": s("x")]),
             expected: .notAuthorised),
        Case(name: "a practitioner opens a breach", prior: [], revision: rev("x", pat, at: 10, type: .breach, openBreach(by: pat.person)),
             expected: .notAuthorised),
        Case(name: "an administrator opens a breach", prior: [], revision: breachOpened, expected: nil),
        Case(name: "the DSL opens a breach", prior: [], revision: rev("x", dsl, at: 10, type: .breach, openBreach(by: dsl.person)), expected: nil),
        Case(name: "a breach opened in another person's name", prior: [],
             revision: rev("x", dsl, at: 10, type: .breach, openBreach(by: admin.person)), expected: .impersonation),
        Case(name: "a breach opened already decided", prior: [],
             revision: rev("x", admin, at: 10, type: .breach, openBreach(by: admin.person).merging(decideBreach(by: admin.person)) { _, new in new }),
             expected: .invalidCreation),
        Case(name: "the DSL records a breach as reported", prior: [breachOpened], revision: breachReported, expected: nil),
        Case(name: "an administrator assesses a breach as no risk", prior: [breachOpened],
             revision: rev("x", admin, at: 20, type: .breach, decideBreach(by: admin.person, status: "no-risk")), expected: nil),
        Case(name: "a practitioner records a breach as reported", prior: [breachOpened],
             revision: rev("x", pat, at: 20, type: .breach, decideBreach(by: pat.person)), expected: .notAuthorised),
        Case(name: "a breach decided in another person's name", prior: [breachOpened],
             revision: rev("x", dsl, at: 20, type: .breach, decideBreach(by: admin.person)), expected: .impersonation),
        Case(name: "a breach decided without who and when", prior: [breachOpened],
             revision: rev("x", dsl, at: 20, type: .breach, ["status": s("no-risk")]), expected: .invalidCreation),
        Case(name: "a decided breach decided again", prior: [breachOpened, breachReported],
             revision: rev("x", admin, at: 30, type: .breach, decideBreach(by: admin.person, status: "no-risk")), expected: .finalised),
        Case(name: "a revision moves a breach's deadline", prior: [breachOpened],
             revision: rev("x", dsl, at: 20, type: .breach, ["deadline": .double(999_999)]), expected: .historyRewrite),
        Case(name: "a breach record in a client's case", prior: [],
             revision: rev("x", admin, at: 10, type: .breach, openBreach(by: admin.person), caseID: caseID), expected: .misplaced),
        Case(name: "a removed device stamps after its removal", prior: [], revision: rev("x", removed, at: 51, raise(by: removed.person)),
             expected: .deviceRemoved),
        Case(name: "a removed device's revision from before its removal", prior: [], revision: rev("x", removed, at: 49, raise(by: removed.person)),
             expected: nil),
        Case(name: "a client record in the organisation case", prior: [],
             revision: rev("x", pat, at: 10, type: .client, ["status": s("active")], caseID: .organisation), expected: .misplaced),
        Case(name: "a revision moves the record to another case", prior: [raised],
             revision: rev("x", dsl, at: 20, acknowledge(by: dsl.person), caseID: CaseID(rawValue: "c2")), expected: .moved),
        Case(name: "an uncertified device", prior: [],
             revision: rev("x", Signer(device: DeviceID(rawValue: "d-rogue"), person: PersonID(rawValue: "p-dsl"), roles: [.dsl]), at: 10,
                           raise(by: PersonID(rawValue: "p-dsl"))), expected: .unknownDevice),
    ]

    @Test(arguments: cases)
    func rule(_ c: Case) {
        let (merged, refused) = RecordMerge.evaluate(c.prior + [c.revision], signers: Self.signer)
        #expect(refused[c.revision.id]?.reason == c.expected, "\(c.name): \(refused[c.revision.id]?.message ?? "allowed")")
        // The earlier revisions always stand, and a refused revision leaves no trace in state.
        for earlier in c.prior { #expect(refused[earlier.id] == nil, "\(c.name)") }
        if c.expected != nil {
            let without = RecordMerge.evaluate(c.prior, signers: Self.signer).record
            #expect(merged?.fields == without?.fields, "\(c.name): a refused revision changed the record")
            #expect(merged.map { $0.ignored.contains(c.revision.id) } ?? true)
        } else {
            #expect(merged?.applied.contains(c.revision.id) == true, "\(c.name)")
        }
    }

    @Test(arguments: cases.filter { $0.prior.isEmpty })
    func admitAgreesWithTheMergeOnStatelessRules(_ c: Case) {
        // What `admit` refuses (no state) the merge refuses too, for the same reason.
        guard let signer = Self.signer(c.revision.header.authorDevice),
              let violation = Rulebook.admit(header: c.revision.header, body: c.revision.body, signer: signer) else { return }
        #expect(violation.reason == c.expected, "\(c.name)")
    }

    @Test func serverHeaderRulesSeeRolesNotContent() {
        // What the server runs: record type vs role, from the clear header alone.
        let header = RevisionHeader(recordID: .random(), recordType: .settings, caseID: .organisation, authorDevice: Self.pat.device,
                                    hlc: HLCTimestamp(physical: 1, logical: 0), keyEpoch: 0)
        func by(_ signer: Signer, _ h: RevisionHeader) -> RevisionHeader {
            var h = h
            h.authorDevice = signer.device
            return h
        }
        #expect(Rulebook.admitHeader(by(Self.pat, header), signer: Self.pat)?.reason == .notAuthorised)
        #expect(Rulebook.admitHeader(by(Self.admin, header), signer: Self.admin) == nil)
        // A header signed by one device judged as another's is refused outright.
        #expect(Rulebook.admitHeader(by(Self.pat, header), signer: Self.admin)?.reason == .unknownDevice)
        var hold = header
        hold.recordType = .retentionHold
        hold.caseID = Self.caseID
        #expect(Rulebook.admitHeader(by(Self.dsl, hold), signer: Self.dsl) == nil)
        #expect(Rulebook.admitHeader(by(Self.vol, hold), signer: Self.vol)?.reason == .notAuthorised)
    }

    @Test func aBackdatedEditCannotRewriteAFinalisedNote() throws {
        // The practitioner's own edit stamped between draft and finalisation, arriving after it:
        // the finalising revision carries the whole note, so the note is what was finalised.
        let backdated = Self.rev("back", Self.pat, at: 15, type: .session, ["topics": Self.s("rewritten"), "progress": .null])
        let merged = try #require(RecordMerge.merge([Self.draft, Self.finalised, backdated], signers: Self.signer))
        #expect(merged.fields["topics"] == Self.s("sleep"))
        #expect(merged.fields["progress"] == Self.s("steady"))
        #expect(merged.fields == Self.finalised.body.fields)
    }

    @Test func violationMessagesCarryNoContent() {
        let forged = Self.rev("x", Self.vol, at: 20, ["details": Self.s("Zephyrine kestrelmoor")])
        let refused = RecordMerge.evaluate([Self.raised, forged], signers: Self.signer).refused
        let message = refused[forged.id]?.message ?? ""
        #expect(!message.isEmpty)
        #expect(!message.contains("Zephyrine") && !message.contains("kestrelmoor") && !message.contains("synthetic worry"))
    }

    // MARK: - Order independence with forged revisions mixed in

    static func mixedConcernRevisions(seed: UInt64) -> [Revision] {
        var rng = SeededGenerator(seed: seed)
        let signers = [dsl, dsl2, pat, vol, admin, removed, Signer(device: DeviceID(rawValue: "d-rogue"), person: pat.person, roles: [.dsl])]
        func patch(_ kind: Int, _ signer: Signer) -> [String: JSONValue] {
            switch kind {
            case 0: raise(by: signer.person)
            case 1: raise(by: dsl.person)
            case 2: acknowledge(by: signer.person)
            case 3: acknowledge(by: dsl.person)
            case 4: close(by: signer.person)
            case 5: ["status": s("open")]
            case 6: ["details": s("rewritten")]
            case 7: ["outcome": s("nothing")]
            default: ["acknowledgedBy": .null]
            }
        }
        let count = Int.random(in: 1...10, using: &rng)
        return (0..<count).map { i in
            let signer = signers.randomElement(using: &rng)!
            let fields = patch(Int.random(in: 0...8, using: &rng), signer)
            let author = Int.random(in: 0..<6, using: &rng) == 0 ? dsl.person : signer.person
            let type: RecordType = Int.random(in: 0..<8, using: &rng) == 0 ? .disclosure : .concern
            var r = rev("rev-\(seed)-\(i)", signer, at: UInt64.random(in: 1...60, using: &rng), type: type, fields, author: author)
            r.header.hlc.logical = UInt32.random(in: 0...1, using: &rng)
            return r
        }
    }

    @Test func mergeStaysOrderIndependentWithForgedRevisionsMixedIn() async {
        await propertyCheck(count: 400, input: Gen.int(in: 0...Int.max), Gen.int(in: 0...Int.max)) { seed, shuffleSeed in
            let revisions = Self.mixedConcernRevisions(seed: UInt64(seed))
            var rng = SeededGenerator(seed: UInt64(shuffleSeed))
            let shuffled = revisions.shuffled(using: &rng) + revisions.prefix(2)
            let a = RecordMerge.evaluate(revisions, signers: Self.signer)
            let b = RecordMerge.evaluate(shuffled, signers: Self.signer)
            #expect(a.record == b.record, "seed \(seed), shuffle \(shuffleSeed)")
            #expect(a.refused == b.refused, "seed \(seed), shuffle \(shuffleSeed)")
            // Whatever was forged, the state only ever names a DSL as acknowledging or closing it.
            if let record = a.record {
                for key in ["acknowledgedBy", "closedBy"] {
                    if let named = record.fields[key] {
                        #expect([Self.s("p-dsl"), Self.s("p-dsl2")].contains(named), "seed \(seed): \(key) names a non-DSL")
                    }
                }
            }
        }
    }
}

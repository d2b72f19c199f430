import CasebookModels
import CasebookTestSupport
import PropertyBased
import Testing

/// The merge must give the same state whatever order revisions arrive in (no conflicted copies).
@Suite struct RecordMergeTests {
    static let devices = [DeviceID(rawValue: "device-a"), DeviceID(rawValue: "device-b"), DeviceID(rawValue: "device-c")]

    /// Each test device belongs to person `p-<device>`, a certified practitioner.
    static func signer(_ device: DeviceID) -> Signer? {
        Signer(device: device, person: PersonID(rawValue: "p-\(device.rawValue)"), roles: [.practitioner])
    }

    /// Random revisions of one record: few HLC values and devices so ties are common.
    static func revisions(seed: UInt64, type: RecordType) -> [Revision] {
        var rng = SeededGenerator(seed: seed)
        let record = RecordID(rawValue: "record-1")
        let count = Int.random(in: 1...12, using: &rng)
        return (0..<count).map { i in
            let device = devices.randomElement(using: &rng)!
            let hlc = HLCTimestamp(physical: UInt64.random(in: 1...4, using: &rng), logical: UInt32.random(in: 0...1, using: &rng))
            var fields: [String: JSONValue] = [:]
            for key in ["topics", "progress", "minutes"] where Bool.random(using: &rng) {
                fields[key] = .string("v\(i)-\(key)")
            }
            if type == .session, Int.random(in: 0..<5, using: &rng) == 0 { fields["status"] = .string("finalised") }
            if Int.random(in: 0..<6, using: &rng) == 0 { fields["progress"] = .null }
            let header = RevisionHeader(recordID: record, recordType: type, caseID: CaseID(rawValue: "case-1"),
                                        authorDevice: device, hlc: hlc, keyEpoch: 0)
            return Revision(id: RevisionID(rawValue: "rev-\(seed)-\(i)"), header: header,
                            body: RevisionBody(fields: fields, author: PersonID(rawValue: "p-\(device.rawValue)"), policyVersion: "1"))
        }
    }

    @Test(arguments: [RecordType.client, .session, .amendment])
    func mergeIsIndependentOfArrivalOrder(_ type: RecordType) async {
        await propertyCheck(count: 300, input: Gen.int(in: 0...Int.max), Gen.int(in: 0...Int.max)) { seed, shuffleSeed in
            let revisions = Self.revisions(seed: UInt64(seed), type: type)
            var rng = SeededGenerator(seed: UInt64(shuffleSeed))
            let shuffled = revisions.shuffled(using: &rng)
            let duplicated = shuffled + shuffled.prefix(2)
            let a = RecordMerge.merge(revisions, signers: Self.signer)
            let b = RecordMerge.merge(duplicated, signers: Self.signer)
            #expect(a == b, "seed \(seed), shuffle \(shuffleSeed)")
        }
    }

    @Test func laterWriterWinsPerFieldAndTiesBreakByDevice() throws {
        func rev(_ id: String, _ device: String, _ physical: UInt64, _ fields: [String: JSONValue]) -> Revision {
            Revision(id: RevisionID(rawValue: id),
                     header: RevisionHeader(recordID: RecordID(rawValue: "r"), recordType: .client, caseID: CaseID(rawValue: "c"),
                                            authorDevice: DeviceID(rawValue: device), hlc: HLCTimestamp(physical: physical, logical: 0), keyEpoch: 0),
                     body: RevisionBody(fields: fields, author: PersonID(rawValue: "p"), policyVersion: nil))
        }
        let merged = try #require(RecordMerge.merge([
            rev("1", "a", 1, ["name": .string("first"), "status": .string("open")]),
            rev("2", "b", 2, ["name": .string("from b")]),
            rev("3", "a", 2, ["name": .string("from a"), "status": .string("closed")]),
        ], signers: { Signer(device: $0, person: PersonID(rawValue: "p"), roles: [.practitioner]) }))
        // Same HLC: device "b" sorts after "a", so b's write is the later one.
        #expect(merged.fields["name"] == .string("from b"))
        #expect(merged.fields["status"] == .string("closed"))
    }

    @Test func finalisedSessionsIgnoreLaterEdits() throws {
        let revisions = Self.revisions(seed: 7, type: .session)
        let finalising = Revision(
            id: RevisionID(rawValue: "fin"),
            header: RevisionHeader(recordID: RecordID(rawValue: "record-1"), recordType: .session, caseID: CaseID(rawValue: "case-1"),
                                   authorDevice: DeviceID(rawValue: "device-a"), hlc: HLCTimestamp(physical: 0, logical: 5), keyEpoch: 0),
            body: RevisionBody(fields: ["status": .string("finalised"), "topics": .string("final")], author: PersonID(rawValue: "p-device-a"),
                               policyVersion: nil))
        let merged = try #require(RecordMerge.merge(revisions + [finalising], signers: Self.signer))
        #expect(merged.fields["topics"] == .string("final"))
        #expect(merged.applied == [finalising.id])
        #expect(merged.ignored.count == revisions.count)
    }

    @Test func aRevisionCannotMoveARecordToAnotherCase() throws {
        var revisions = Self.revisions(seed: 11, type: .client)
        var moved = revisions[0]
        moved.header.caseID = CaseID(rawValue: "other-case")
        moved.header.hlc = HLCTimestamp(physical: 99, logical: 0)
        moved.id = RevisionID(rawValue: "moved")
        revisions.append(moved)
        let merged = try #require(RecordMerge.merge(revisions, signers: Self.signer))
        #expect(merged.caseID == CaseID(rawValue: "case-1"))
        #expect(merged.ignored.contains(moved.id))
    }

    @Test func descriptionsNeverPrintContent() {
        let client = Client(id: .random(), name: Synthetic.clientName, contacts: ["07700 900123"])
        #expect(!String(describing: client).contains("Zephyrine"))
        #expect(!String(reflecting: client).contains("Zephyrine"))
        let session = SessionRecord(id: .random(), clientID: client.id, practitioner: .random(), on: Synthetic.today, minutes: 5,
                                    platform: "Microsoft Teams", practitionerPrivate: true, clientPrivate: true,
                                    topics: Synthetic.topicCanary, progress: "p", followUp: "f")
        #expect(!String(describing: session).contains("kestrelmoor"))
    }
}

import CasebookCrypto
import CasebookModels
@_spi(Testing) import CasebookStorage
import CasebookSync
import CasebookTestSupport
import Foundation
import Testing

/// Nothing rejected is lost, withholding is detected, and no single sync shreds many cases
/// (ADR 0014). Through real sync runs against the in-memory server; outcomes are judged by what the
/// replicas hold, not by messages.
@Suite struct IntegrityTests {
    /// A practitioner's new case with `notes` sessions, pushed; returns the case and its revisions.
    static func caseWithNotes(_ practitioner: Member, notes: Int) async throws -> (CaseID, [SealedRevision]) {
        let caseID = CaseID.random()
        var sealed = try practitioner.vault.commitForTesting(
            [PendingChange(record: caseID.clientRecordID, type: .client, caseID: caseID, fields: ["status": .string("active")])],
            createCase: true)
        for i in 0..<notes {
            sealed += try practitioner.vault.commitForTesting(
                [PendingChange(record: .random(), type: .session, caseID: caseID, fields: ["minutes": .int(Int64(30 + i))])])
        }
        try await practitioner.sync()
        return (caseID, sealed)
    }

    // MARK: - Nothing rejected is lost

    @Test func aMemberStampingAtTheSkewBoundCannotMakeASlowerReplicaLoseTheRevision() async throws {
        // Given: a practitioner whose clock runs 4:59 ahead (the server, on time, accepts) and a DSL
        // whose clock runs 90 s behind (to it, the stamps are more than five minutes ahead).
        let org = try await TestOrganisation.make()
        let slow = TestClock(Date().addingTimeInterval(-90))
        let dsl = try await org.join("Dee Lead", role: .dsl, clock: slow)
        let fast = TestClock(Date().addingTimeInterval(4 * 60 + 59))
        let practitioner = try await org.join("Pat Practitioner", role: .practitioner, clock: fast)
        let (caseID, sealed) = try await Self.caseWithNotes(practitioner, notes: 2)
        #expect(sealed.allSatisfy { $0.header.deviceSeq != nil })

        // When the DSL syncs: the revisions are refused as clock-skew, kept aside, and the cursor moves on.
        let first = try await dsl.sync()
        let ids = Set(sealed.map(\.id.rawValue))
        #expect(first.rejected.filter { ids.contains($0.id) }.allSatisfy { $0.reason == "clock-skew" && $0.kind == .transient })
        #expect(first.held >= sealed.count)
        #expect(try dsl.vault.sealedRevisions(of: caseID).isEmpty)
        #expect(Set(try dsl.vault.heldRevisions().map(\.id.rawValue)).isSuperset(of: ids))
        #expect(first.waiting >= sealed.count)
        let cursor = try #require(first.cursor)
        #expect(try dsl.vault.syncValue(SyncCursorName.main) == cursor)

        // A sync before the clock catches up: still waiting, nothing refused for good.
        let second = try await dsl.sync()
        #expect(second.retried >= sealed.count)
        #expect(second.retriedStored == 0)
        #expect(second.rejected.filter { ids.contains($0.id) }.isEmpty, "still-waiting revisions are not re-reported as refusals")
        #expect(try dsl.vault.refusedRevisions().isEmpty)

        // Then: once the DSL's clock has caught up, its next sync stores them from what it kept aside
        // (the server is not asked again: the cursor had moved past), and the replicas converge.
        slow.advance(by: 150)
        let third = try await dsl.sync()
        #expect(third.retriedStored >= sealed.count)
        #expect(third.waiting == 0)
        #expect(try dsl.vault.heldRevisions().isEmpty)
        #expect(Set(try dsl.vault.sealedRevisions(of: caseID).map(\.id)) == Set(try practitioner.vault.sealedRevisions(of: caseID).map(\.id)))
        #expect(third.missing.isEmpty)
    }

    @Test func aRevisionFromADeviceNotYetCertifiedHereIsKeptAsideUntilItsCertificateArrives() async throws {
        // Given: a DSL that has not met the practitioner's device, and a server that describes the
        // organisation without it (stale or hostile; the same holds for an author whose certifier was
        // removed and who is certified again later).
        let org = try await TestOrganisation.make()
        let dsl = try await org.join("Dee Lead", role: .dsl)
        let practitioner = try await org.join("Pat Practitioner", role: .practitioner)
        let (caseID, sealed) = try await Self.caseWithNotes(practitioner, notes: 3)
        org.server.hideDevice(practitioner.vault.device)

        let first = try await dsl.sync()
        let ids = Set(sealed.map(\.id.rawValue))
        #expect(first.rejected.filter { ids.contains($0.id) }.count == sealed.count)
        #expect(first.rejected.filter { ids.contains($0.id) }.allSatisfy { $0.reason == "unknown-device" })
        #expect(Set(try dsl.vault.heldRevisions().map(\.id.rawValue)).isSuperset(of: ids))
        #expect(try dsl.vault.sealedRevisions(of: caseID).isEmpty)
        #expect(first.missing.isEmpty, "an unverified number proves nothing either way")

        // When the certificate reaches it (the server describes the device after all): stored, from the quarantine.
        org.server.serveHonestly()
        let second = try await dsl.sync()
        #expect(second.retriedStored >= sealed.count)
        #expect(second.waiting == 0)
        #expect(Set(try dsl.vault.sealedRevisions(of: caseID).map(\.id)) == Set(try practitioner.vault.sealedRevisions(of: caseID).map(\.id)))
    }

    @Test func aPermanentRefusalIsRecordedByIdAndReasonAndNeverRetried() async throws {
        let f = try await RejectionTests.fixture()
        var ciphertext = f.original.ciphertext
        ciphertext[ciphertext.startIndex + 20] ^= 0x01
        let flipped = try SealedRevision(headerBytes: f.original.headerBytes, ciphertext: ciphertext, signature: f.original.signature)
        let result = try f.dsl.vault.applyPulled([PulledRevision(sealed: flipped, seq: 42)], cursor: "c42")
        #expect(result.rejected.map(\.kind) == [.permanent])
        #expect(result.held == 0)
        let refused = try f.dsl.vault.refusedRevisions()
        #expect(refused.map(\.id) == [flipped.id])
        #expect(refused.first?.reason == "tampered")
        #expect(refused.first?.caseID == f.caseID)
        #expect(try f.dsl.vault.heldRevisions().isEmpty)
        #expect(try f.dsl.vault.syncValue(SyncCursorName.main) == "c42")
        #expect(try f.dsl.vault.retryHeld().retried == 0)
    }

    // MARK: - Withholding detected

    @Test func aServerWithholdingOneRevisionFromTheDSLAloneIsDetectedAndTheGapFilledWhenServed() async throws {
        let org = try await TestOrganisation.make()
        let dsl = try await org.join("Dee Lead", role: .dsl)
        let practitioner = try await org.join("Pat Practitioner", role: .practitioner)
        let (caseID, sealed) = try await Self.caseWithNotes(practitioner, notes: 3)
        let withheld = sealed[2]
        let number = try #require(withheld.header.deviceSeq)
        #expect(sealed.map(\.header.deviceSeq) == (1...4).map { UInt64?(UInt64($0)) }, "numbered 1, 2, 3… per device and case")

        // When the server leaves one revision out of everything it serves the DSL (pull and backfill).
        org.server.withholdRevisions([withheld.id], from: [dsl.vault.device])
        let report = try await dsl.sync()

        // Then the DSL's sync names the device, the case and the number it is missing, and tried again.
        #expect(report.missing == [MissingRevisions(device: practitioner.vault.device, person: practitioner.person, caseID: caseID,
                                                    first: number, last: number)])
        #expect(report.backfilled.contains(caseID), "a gap makes the run fetch the case again")
        #expect(try !dsl.vault.revisionIDs().contains(withheld.id))
        // Other members (served honestly) see no gap.
        #expect(try await practitioner.sync().missing.isEmpty)

        // When the server serves it after all, the DSL's next sync fetches the case again and is clean.
        org.server.serveHonestly()
        let again = try await dsl.sync()
        #expect(again.missing.isEmpty)
        #expect(try dsl.vault.revisionIDs().contains(withheld.id))
    }

    @Test func aServerCannotRenumberARevision() async throws {
        // The number is signed with the header: a server that renumbers (to hide a gap) breaks the seal.
        let f = try await RejectionTests.fixture()
        #expect(f.original.header.deviceSeq == 1)
        let renumbered = try RejectionTests.relabel(f.original) { $0.deviceSeq = 2 }
        try RejectionTests.expectRejected(f.dsl.vault, renumbered, reason: "tampered")
        let unnumbered = try RejectionTests.relabel(f.original) { $0.deviceSeq = nil; $0.format = RevisionHeader.unnumberedFormat }
        try RejectionTests.expectRejected(f.dsl.vault, unnumbered, reason: "tampered")
    }

    @Test func aGapOnTheLastPageQueuesABackfillOfItsCaseEvenOnAFirstSync() {
        let t0 = Date(timeIntervalSince1970: 1_800_000_000)
        let c = CaseID(rawValue: "gap-case")
        var engine = SyncEngine()
        _ = engine.handle(.start(now: t0, cursor: nil))
        _ = engine.handle(.organisationRefreshed(certified: 0, now: t0))
        _ = engine.handle(.keysFetched(received: 0, newCases: [], now: t0))
        _ = engine.handle(.pushed(accepted: 0, rejected: [], outboxEmpty: true, now: t0))
        var applied = ApplyResult()
        applied.held = 2
        applied.retried = 3
        applied.retriedStored = 1
        _ = engine.handle(.pulled(PageOutcome(received: 4, applied: applied, cursor: "z", hasMore: false, gaps: [c]), now: t0))
        _ = engine.handle(.keysDistributed(count: 0, now: t0))
        #expect(engine.handle(.trainingPublished(count: 0, now: t0)) == .backfill(c, after: nil, limit: 2_000, deadline: t0 + 30))
        #expect(engine.report.held == 2)
        #expect(engine.report.retried == 3)
        #expect(engine.report.retriedStored == 1)
    }

    @Test func headersCarryASignedDeviceNumberAndOldHeadersStillDecode() throws {
        let base = RevisionHeader(recordID: .random(), recordType: .session, caseID: .random(), authorDevice: .random(),
                                  hlc: HLCTimestamp(physical: 1_800_000_000_000, logical: 3), keyEpoch: 1)
        #expect(base.format == RevisionHeader.unnumberedFormat)
        #expect(try RevisionHeader(canonicalBytes: base.canonicalBytes) == base)
        var numbered = base
        numbered.format = RevisionHeader.currentFormat
        numbered.deviceSeq = 7
        let decoded = try RevisionHeader(canonicalBytes: numbered.canonicalBytes)
        #expect(decoded.deviceSeq == 7)
        #expect(numbered.canonicalBytes.count == base.canonicalBytes.count + 8)
        for bad: UInt64 in [0, UInt64(Int64.max) + 1, .max] {
            numbered.deviceSeq = bad
            #expect(throws: CasebookError.self) { try RevisionHeader(canonicalBytes: numbered.canonicalBytes) }
        }
    }

    // MARK: - Mass-erasure stop

    @Test func aSyncThatWouldShredFiveCasesStopsUntilConfirmed() async throws {
        let org = try await TestOrganisation.make()
        let dsl = try await org.join("Dee Lead", role: .dsl)
        let admin = org.admin
        try await ErasurePropagationTests.trained(admin, in: org)
        let cases = try (0..<5).map { i in try admin.vault.addClient(name: "Erasable Client\(i)", bornOn: nil, related: [], contacts: []).id }
        let keeper = try admin.vault.addClient(name: "Keeper Client", bornOn: nil, related: [], contacts: []).id
        try await admin.sync()
        try await dsl.sync()
        for c in cases + [keeper] { #expect(try dsl.vault.canRead(c)) }
        let fragments = try cases.flatMap { try ErasurePropagationTests.fragments(of: $0, in: dsl.vault) }
        #expect(!fragments.isEmpty)

        // When the administrator erases five cases at once and the DSL pulls the certificates.
        for c in cases { try admin.vault.erase(client: c) }
        #expect(try await admin.sync().serverErased.count == 5)
        let stopped = try await dsl.sync()

        // Then the DSL's replica shreds none of them and says which wait for a confirmation.
        #expect(stopped.erasedLocally.isEmpty)
        #expect(Set(stopped.erasuresHeld) == Set(cases))
        for c in cases {
            #expect(try dsl.vault.canRead(c))
            #expect(try !dsl.vault.sealedRevisions(of: c).isEmpty)
        }
        // An unconfirmed sync changes nothing; a confirmation below the count changes nothing either.
        #expect(Set(try await dsl.sync().erasuresHeld) == Set(cases))
        var short = SyncConfiguration.fast
        short.confirmedErasures = 4
        #expect(try await dsl.sync(configuration: short).erasedLocally.isEmpty)
        #expect(try !dsl.vault.sealedRevisions(of: cases[0]).isEmpty)

        // With the confirmation, it shreds all five, down to the raw bytes, and keeps the rest.
        var confirmed = SyncConfiguration.fast
        confirmed.confirmedErasures = 5
        let done = try await dsl.sync(configuration: confirmed)
        #expect(Set(done.erasedLocally) == Set(cases))
        #expect(done.erasuresHeld.isEmpty)
        for c in cases {
            #expect(try dsl.vault.sealedRevisions(of: c).isEmpty)
            #expect(try !dsl.vault.canRead(c))
        }
        let bytes = ErasurePropagationTests.raw(dsl.vault)
        #expect(fragments.filter { bytes.range(of: $0) != nil }.isEmpty)
        #expect(try dsl.vault.canRead(keeper))
        #expect(try await dsl.sync().erasuresHeld.isEmpty)
    }

    @Test func erasuresWithinTheLimitNeedNoConfirmation() async throws {
        let org = try await TestOrganisation.make()
        let dsl = try await org.join("Dee Lead", role: .dsl)
        let admin = org.admin
        try await ErasurePropagationTests.trained(admin, in: org)
        let cases = try (0..<3).map { i in try admin.vault.addClient(name: "Erasable Client\(i)", bornOn: nil, related: [], contacts: []).id }
        try await admin.sync()
        try await dsl.sync()
        for c in cases { try admin.vault.erase(client: c) }
        try await admin.sync()
        let report = try await dsl.sync()
        #expect(Set(report.erasedLocally) == Set(cases))
        #expect(report.erasuresHeld.isEmpty)
    }
}

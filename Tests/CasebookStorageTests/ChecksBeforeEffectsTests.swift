import CasebookModels
import CasebookStorage
import CasebookTestSupport
import Foundation
import Testing

/// Checks before effects (issue 13): every refusal of `disclose`, `disclose approve` and `erase`
/// leaves the vault's records, its outbox, its disclosure log, its audit trail (beyond reads) and
/// the vault's folder exactly as they were. (`export` refusals: `Scripts/e2e-export`; `grant`
/// refusals: `TrainingGateSyncTests.grantByTraining` and `GrantRefusalTests`.)
@Suite("Checks before effects")
struct ChecksBeforeEffectsTests {
    /// Everything a refused command must not change.
    struct Snapshot: Equatable {
        var files: [String]
        var revisions: Set<RevisionID>
        var outbox: Int
        var audited: [String]
        var disclosures: [Disclosure]

        init(_ fixture: VaultFixture) throws {
            let vault = fixture.vault
            // Audit first: reading the disclosure log below appends a read entry of its own.
            audited = try vault.auditEntries().filter { $0.action != .read }.map { "\($0.action) \($0.recordID?.rawValue ?? "")" }
            files = try FileManager.default.contentsOfDirectory(atPath: fixture.directory.path("")).filter { !$0.hasSuffix("-shm") && !$0.hasSuffix("-wal") }.sorted()
            revisions = try vault.revisionIDs()
            outbox = try vault.outboxCount()
            disclosures = try vault.releaseHistory(client: fixture.client).disclosures
        }
    }

    static func refused(_ fixture: VaultFixture, _ what: String, _ body: () throws -> Void) throws {
        let before = try Snapshot(fixture)
        #expect(throws: CasebookError.self, "\(what) was not refused") { try body() }
        #expect(try Snapshot(fixture) == before, "\(what): refused, but something changed")
    }

    @Test("every refused release leaves records, outbox, disclosure log, audit and folder as they were")
    func refusedReleases() throws {
        let fixture = try VaultFixture(role: .dsl)
        let vault = fixture.vault
        let session = try vault.logSession(fixture.draft()).session
        let other = try vault.addClient(name: "Peregrine Ashdown", bornOn: nil, related: [], contacts: [])
        try Self.refused(fixture, "consent release without consent") {
            try vault.disclose(client: fixture.client, recipient: "Riverside Surgery", purpose: "care plan", basis: .consent, records: [session.id])
        }
        try Self.refused(fixture, "court order without a reference") {
            try vault.disclose(client: fixture.client, recipient: "Family court", purpose: "proceedings", basis: .courtOrder)
        }
        try Self.refused(fixture, "a record of another client") {
            try vault.disclose(client: fixture.client, recipient: "Family court", purpose: "proceedings", basis: .courtOrder,
                               reference: "ZE12C345", records: [other.id.clientRecordID])
        }
        _ = try vault.recordReleaseConsent(client: fixture.client, recipient: "Riverside Surgery", purpose: "care plan", until: nil)
        _ = try vault.withdrawReleaseConsent(client: fixture.client)
        try Self.refused(fixture, "consent release after a withdrawal") {
            try vault.disclose(client: fixture.client, recipient: "Riverside Surgery", purpose: "care plan", basis: .consent)
        }
        let approved = try vault.approveDisclosure(try vault.disclose(client: fixture.client, recipient: "Family court", purpose: "proceedings",
                                                                      basis: .courtOrder, reference: "ZE12C345").id)
        try Self.refused(fixture, "approving an approved release") { try vault.approveDisclosure(approved.id) }
        try Self.refused(fixture, "approving what is not a release") { try vault.approveDisclosure(session.id) }
    }

    @Test("a practitioner's approval is refused and changes nothing")
    func practitionerApprovalRefused() throws {
        let fixture = try VaultFixture(role: .practitioner)
        let pending = try fixture.vault.disclose(client: fixture.client, recipient: "Family court", purpose: "proceedings", basis: .courtOrder,
                                                 reference: "ZE12C345")
        try Self.refused(fixture, "a practitioner approving") { try fixture.vault.approveDisclosure(pending.id) }
    }

    @Test("every refused erasure (hold, open concern, role) leaves the case and everything else as it was")
    func refusedErasures() throws {
        let fixture = try VaultFixture(role: .dsl)
        let vault = fixture.vault
        _ = try vault.logSession(fixture.draft())
        let hold = try vault.placeRetentionHold(client: fixture.client, reason: .safeguarding)
        try Self.refused(fixture, "erasure under a hold") { try vault.erase(client: fixture.client) }
        try vault.liftRetentionHold(hold.id)
        let concern = try vault.raiseConcern(client: fixture.client, category: .riskToSelf, details: "A worry")
        try Self.refused(fixture, "erasure with an open concern") { try vault.erase(client: fixture.client) }
        try vault.closeConcern(concern.id, outcome: "Resolved")
        try Self.refused(fixture, "erasure of the organisation case") { try vault.erase(client: .organisation) }
        try vault.erase(client: fixture.client)  // once every check passes, it goes

        let practitioner = try VaultFixture(role: .practitioner)
        try RetentionErasureTests.setRoles(practitioner.vault, [.practitioner])
        try Self.refused(practitioner, "a practitioner erasing") { try practitioner.vault.erase(client: practitioner.client) }
    }
}

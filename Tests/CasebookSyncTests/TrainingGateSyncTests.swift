import CasebookCrypto
import CasebookModels
@_spi(Testing) import CasebookStorage
import CasebookSync
import Foundation
import Testing

/// P10 across replicas and the server: a grant needs the grantee's current training (checked by
/// the granting replica, then by the server from the summaries administrators' replicas publish).
@Suite struct TrainingGateSyncTests {
    enum Training: String, CaseIterable, Sendable { case current, none, expired, confidentialityOnly }

    @Test("on an organisation's vault nobody vouches for their own training: an administrator records it")
    func selfRecordedTrainingIsRefused() async throws {
        let org = try await TestOrganisation.make()
        let newcomer = try await org.join("Nia Newcomer", role: .practitioner, trained: false)
        let dsl = try await org.join("Dee Lead", role: .dsl, trained: false)
        for member in [newcomer, dsl] {
            let error = #expect(throws: CasebookError.self) {
                try member.vault.recordTraining(course: .confidentiality, completedOn: member.vault.clock.today)
            }
            #expect(error?.code == .notAuthorised)
            #expect(error?.message.contains("casebook training record --person \(member.person)") == true)
            #expect(try member.vault.organisation().training.allSatisfy { $0.person != member.person }, "a refused record is not written")
        }
        // The administrator records it; after syncing, the newcomer's replica holds it.
        try org.train(newcomer.person)
        try await org.admin.sync()
        try await newcomer.sync()
        #expect(try newcomer.vault.organisation().training.filter { $0.person == newcomer.person }.count == TrainingCourse.allCases.count)
    }

    @Test("grant: allowed for a trained person; refused (nothing sent, nothing audited) otherwise",
          arguments: Training.allCases)
    func grantByTraining(_ training: Training) async throws {
        let org = try await TestOrganisation.make()
        _ = try await org.join("Dee Lead", role: .dsl)
        let owner = try await org.join("Olu Owner", role: .practitioner)
        let colleague = try await org.join("Cam Colleague", role: .practitioner, trained: false)
        let today = org.admin.vault.clock.today
        switch training {
        case .current: try org.train(colleague.person)
        case .none: break
        case .expired: try org.train(colleague.person, completed: today.addingDays(-400))
        case .confidentialityOnly:
            try org.admin.vault.recordTraining(course: .confidentiality, completedOn: today, for: colleague.person)
        }
        try await org.admin.sync()
        try await owner.sync()
        let caseID = try AccessTests.newCase(owner)
        try await owner.sync()
        let grantsBefore = await org.server.requestCounts["grant"] ?? 0

        // When the owner grants the case to the colleague.
        let result: Result<GrantOutcome, CasebookError>
        do throws(CasebookError) { result = .success(try await owner.client().grant(caseID, to: colleague.person, until: nil)) } catch {
            result = .failure(error)
        }

        // Then: what the audit and the server say matches the decision.
        let grantAudits = try owner.vault.auditEntries().filter { $0.action == .grant && $0.caseID == caseID }
        switch (training, result) {
        case (.current, .success(let outcome)):
            #expect(outcome.devices == 1)
            #expect(grantAudits.count == 1)
            try await colleague.sync()
            #expect(try colleague.vault.canRead(caseID))
        case (.current, .failure(let error)):
            Issue.record("a trained colleague was refused: \(error.message)")
        case (_, .success):
            Issue.record("\(training): an untrained colleague was granted the case")
        case (_, .failure(let error)):
            #expect(error.code == .releaseRefused)
            let missing = training == .confidentialityOnly ? "data protection" : "confidentiality and data protection"
            #expect(error.message.contains("person \(colleague.person) has no current \(missing) training"))
            #expect(grantAudits.isEmpty, "a refused grant is not audited as a grant")
            #expect(await org.server.requestCounts["grant"] ?? 0 == grantsBefore, "refused before anything was sent")
            try await colleague.sync()
            #expect(try !colleague.vault.canRead(caseID))
        }
    }

    @Test("the administrator's replica tells the server each person's training once; others tell it nothing")
    func publication() async throws {
        let org = try await TestOrganisation.make()
        let member = try await org.join("Pat Practitioner", role: .practitioner)
        let summary = try #require(await org.server.trainingSummary(of: member.person))
        let expiry = org.admin.vault.clock.today.addingMonths(12)
        #expect(summary.validUntil == [.confidentiality: expiry, .dataProtection: expiry])
        #expect(try await org.admin.sync().trainingPublished == 0, "already told")
        #expect(try await member.sync().trainingPublished == 0, "not an administrator")
        // A later record changes the summary: told at the next sync.
        try org.admin.vault.recordTraining(course: .confidentiality, completedOn: org.admin.vault.clock.today.addingDays(-1),
                                           for: org.admin.person)
        #expect(try await org.admin.sync().trainingPublished == 1)
        #expect(await org.server.trainingSummary(of: org.admin.person)?.validUntil.keys.sorted { $0.rawValue < $1.rawValue } == [.confidentiality])
    }

    @Test("the server refuses a grant or a new key for an untrained person even if a client asks; not before training is published")
    func serverGate() async throws {
        let org = try await TestOrganisation.make()
        let dsl = try await org.join("Dee Lead", role: .dsl, trained: false)
        let owner = try await org.join("Olu Owner", role: .practitioner, trained: false)
        let outsider = try await org.join("Otto Outsider", role: .practitioner, trained: false)
        let caseID = try AccessTests.newCase(owner)
        try await owner.sync()
        // A new epoch by the owner: every copy carries its signed rotation statement (ADR 0013).
        let key = CaseKey.generate(caseID: caseID, epoch: 1)
        let rotation = try KeyRotationStatement.sign(key: key, previousEpoch: 0, reason: .recovery, subject: "",
                                                     stamp: HLCTimestamp(physical: UInt64(Date().timeIntervalSince1970 * 1000), logical: 0),
                                                     by: owner.vault.identity)
        func wrap(_ member: Member) throws -> WrappedCaseKey {
            try KeyWrap.wrap(key, for: try #require(owner.vault.trustedDevices(of: member.person).first), by: owner.vault.identity,
                             rotation: rotation)
        }

        // Given no training published yet, the gate is not engaged (bootstrapping).
        try await owner.transport.grant(caseID, GrantRequest(person: outsider.person), timeout: .seconds(5))
        try await owner.transport.revoke(caseID, person: outsider.person, timeout: .seconds(5))

        // When the administrator publishes anyone's training, a person without a summary is untrained.
        try org.train(owner.person)
        try await org.admin.sync()
        await #expect(throws: SyncFailure.self) {
            try await owner.transport.grant(caseID, GrantRequest(person: dsl.person), timeout: .seconds(5))
        }
        do {
            try await owner.transport.grant(caseID, GrantRequest(person: outsider.person), timeout: .seconds(5))
            Issue.record("the server granted an untrained person")
        } catch let failure as SyncFailure {
            #expect(failure.kind == .forbidden)
            #expect(failure.message.contains("person \(outsider.person) has no current confidentiality and data protection training"))
            #expect(failure.code == "training-missing")
        }
        // A new key for the outsider is refused; for the DSL (every case) and the owner (reads it) it is not.
        await #expect(throws: SyncFailure.self) {
            try await owner.transport.uploadKeys(caseID, KeyUpload(keys: [try wrap(outsider)]), timeout: .seconds(5))
        }
        try await owner.transport.uploadKeys(caseID, KeyUpload(keys: [try wrap(dsl)]), timeout: .seconds(5))
        #expect(await org.server.storedKeys(of: caseID).contains { $0.epoch == 1 && $0.recipient == dsl.vault.device })

        // After the outsider is trained and the administrator syncs, the same requests succeed.
        try org.train(outsider.person)
        try await org.admin.sync()
        try await owner.transport.grant(caseID, GrantRequest(person: outsider.person), timeout: .seconds(5))
        try await owner.transport.uploadKeys(caseID, KeyUpload(keys: [try wrap(outsider)]), timeout: .seconds(5))
    }

    @Test("a reader refused a key by the gate does not stop a revoke's rotation; trained later, they receive it at a sync")
    func rotationSurvivesARefusedReader() async throws {
        let org = try await TestOrganisation.make()
        let dsl = try await org.join("Dee Lead", role: .dsl)
        let owner = try await org.join("Olu Owner", role: .practitioner)
        let colleague = try await org.join("Cam Colleague", role: .practitioner)
        let lapsed = try await org.join("Lee Lapsed", role: .practitioner, trained: false)
        let caseID = try AccessTests.newCase(owner)
        try await owner.sync()
        _ = try await owner.client().grant(caseID, to: colleague.person, until: nil)
        // Given the owner's replica counts the lapsed person as a reader of the case who holds no
        // key of it yet (granted before their training lapsed, before their device was vouched for).
        try owner.vault.recordGrant(caseID, to: lapsed.person, granted: true)

        // When the owner revokes the colleague, the new epoch's key for the lapsed person is refused,
        let revoke = try await owner.client().revoke(caseID, from: colleague.person)
        #expect(revoke.newEpoch == 1)
        let stored = await org.server.storedKeys(of: caseID).filter { $0.epoch == 1 }.map(\.recipient)
        // but the rotation goes ahead for everyone else (the DSL, the recovery key, the owner).
        #expect(stored.contains(dsl.vault.device))
        #expect(stored.contains(DeviceTrust.recoveryDevice))
        #expect(!stored.contains(lapsed.vault.device))
        #expect(!stored.contains(colleague.vault.device))
        let later = try owner.vault.commitForTesting([PendingChange(record: .random(), type: .session, caseID: caseID, fields: ["minutes": .int(30)])])
        #expect(later[0].header.keyEpoch == 1)

        // Then, once trained and reported, the lapsed person's key goes out at the owner's next sync.
        try org.train(lapsed.person)
        try await org.admin.sync()
        let report = try await owner.sync()
        #expect(report.keysDistributed >= 1)
        #expect(await org.server.storedKeys(of: caseID).contains { $0.epoch == 1 && $0.recipient == lapsed.vault.device })
    }
}

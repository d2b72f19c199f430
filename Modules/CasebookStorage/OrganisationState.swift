import Synchronization
import Foundation
public import CasebookModels
import GRDB

/// The organisation case, merged: people, training, policy versions and settings.
public struct OrganisationState: Sendable {
    public var people: [Person]
    public var training: [TrainingRecord]
    public var policies: [PolicyVersion]
    public var settings: OrganisationSettings

    public func person(_ id: PersonID) -> Person? { people.first { $0.id == id } }

    public func policyInForce(on today: LocalDate) -> PolicyVersion? { PolicyVersion.inForce(policies, on: today) }
}

extension Vault {
    func organisationState(_ db: Database) throws -> OrganisationState {
        if let cached = cache.withLock({ $0.organisation }) { return cached }
        let records = try mergedRecords(db, caseID: .organisation)
        func all<T: Decodable>(_ type: RecordType, _: T.Type) throws -> [T] {
            try records.filter { $0.recordType == type }.map { record throws(CasebookError) in try record.decode(T.self) }
        }
        let settings = try all(.settings, OrganisationSettings.self).first ?? OrganisationSettings()
        let state = OrganisationState(people: try all(.person, Person.self), training: try all(.training, TrainingRecord.self),
                                      policies: try all(.policyVersion, PolicyVersion.self), settings: settings)
        cache.withLock { $0.organisation = state }
        return state
    }

    /// The organisation case's current state.
    public func organisation() throws(CasebookError) -> OrganisationState {
        return try read("reading the organisation records") { db in try organisationState(db) }
    }

    /// The vault owner's person record.
    public func me() throws(CasebookError) -> Person {
        guard let me = try organisation().person(person) else {
            throw CasebookError(.vaultCorrupt, "the vault holds no record of its owner")
        }
        return me
    }

    /// Warnings every command shows (P13 overdue review; later also safeguarding and deadlines).
    public func warnings() throws(CasebookError) -> [String] {
        let org = try organisation()
        let today = clock.today
        var warnings: [String] = []
        // Warnings go to people who can act on them: only an administrator adopts a policy.
        let canAdopt = org.person(person)?.has(.admin) ?? false
        if let policy = org.policyInForce(on: today) {
            if policy.isReviewOverdue(on: today) {
                warnings.append(canAdopt
                    ? "the confidentiality policy (version \(policy.version)) was due for review on \(policy.reviewDue); adopt a reviewed version with 'casebook policy adopt'"
                    : "the confidentiality policy (version \(policy.version)) was due for review on \(policy.reviewDue); your administrator adopts the reviewed version")
            }
        } else {
            warnings.append(canAdopt
                ? "no confidentiality policy version is recorded; adopt one with 'casebook policy adopt --version V --adopted YYYY-MM-DD'"
                : "no confidentiality policy version is recorded yet; your administrator adopts it (it reaches you at your next sync)")
        }
        warnings += accessRequestWarnings()  // P11 deadlines (Vault+AccessRequests)
        warnings += try safeguardingWarnings() // P8: Vault+Concerns.swift
        return warnings
    }
}

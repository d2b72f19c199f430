import Foundation
public import CasebookModels
import GRDB

extension Vault {
    func requireRole(_ db: Database, _ roles: Set<Role>, to action: String) throws {
        guard let me = try organisationState(db).person(person), me.active, !roles.isDisjoint(with: me.roles) else {
            throw CasebookError(.notAuthorised, "only \(roles.map(\.rawValue).sorted().joined(separator: " or ")) may \(action)")
        }
    }

    /// P10: records a completed course for a person (yourself by default).
    @discardableResult
    public func recordTraining(course: TrainingCourse, completedOn: LocalDate, for subject: PersonID? = nil) throws(CasebookError) -> TrainingRecord {
        let today = clock.today
        guard completedOn <= today else { throw CasebookError(.invalidInput, "--completed \(completedOn) is in the future") }
        return try write("recording training") { db in
            let org = try organisationState(db)
            let target = subject ?? person
            guard org.person(target) != nil else { throw CasebookError(.notFound, "no person \(target) in this vault") }
            if target != person { try requireRole(db, [.admin], to: "record training for someone else") }
            // On an organisation's vault nobody vouches for their own training (P10): an administrator
            // records it (a standalone vault's owner administers it, so records their own).
            else if try Meta.get(db, .server) != nil {
                try requireRole(db, [.admin], to: "record training on an organisation's vault; ask an administrator to run 'casebook training record --person \(person) --course COURSE --completed YYYY-MM-DD'")
            }
            let record = TrainingRecord(id: .random(), person: target, course: course, completedOn: completedOn,
                                        expiresOn: completedOn.addingMonths(org.settings.trainingValidityMonths))
            try commit(db, [.init(record: record.id, type: .training, caseID: .organisation,
                                  fields: try FieldCoding.fields(of: record))], action: .create)
            return record
        }
    }

    /// P13: adopts a policy version (review due one year on unless given).
    @discardableResult
    public func adoptPolicy(version: String, adoptedOn: LocalDate, reviewDue: LocalDate? = nil) throws(CasebookError) -> PolicyVersion {
        let trimmed = version.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, trimmed.count <= 40 else { throw CasebookError(.invalidInput, "--version must be 1 to 40 characters") }
        if let reviewDue, reviewDue <= adoptedOn { throw CasebookError(.invalidInput, "--review-due must be after --adopted") }
        return try write("adopting a policy version") { db in
            try requireRole(db, [.admin], to: "adopt a policy version")
            let policy = PolicyVersion(id: .random(), version: trimmed, adoptedOn: adoptedOn, reviewDue: reviewDue)
            try commit(db, [.init(record: policy.id, type: .policyVersion, caseID: .organisation,
                                  fields: try FieldCoding.fields(of: policy))], action: .create)
            return policy
        }
    }

    /// Changes organisation settings (administrators).
    public func updateSettings(_ change: (inout OrganisationSettings) throws(CasebookError) -> Void) throws(CasebookError) {
        try write("changing settings") { db in
            try requireRole(db, [.admin], to: "change settings")
            let old = try organisationState(db).settings
            var new = old
            try change(&new)
            let patch = FieldCoding.changes(from: try FieldCoding.fields(of: old), to: try FieldCoding.fields(of: new))
            guard !patch.isEmpty else { return }
            try commit(db, [.init(record: OrganisationSettings.recordID, type: .settings, caseID: .organisation, fields: patch)],
                       action: .update)
        }
    }
}

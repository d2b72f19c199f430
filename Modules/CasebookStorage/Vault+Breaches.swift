public import CasebookModels
public import Foundation
import GRDB

/// UK GDPR Art. 33 (ADR 0022): removing a lost or stolen device opens a breach record in the
/// organisation case with a 72-hour deadline for reporting to the ICO; the DSL's inbox shows it
/// until an administrator or the DSL records it as reported (with the ICO's reference) or assessed
/// as no risk (with the reason), which records who decided and when. No client content.
extension Vault {
    static let breachRoles: Set<Role> = [.admin, .dsl]

    /// Opens a breach for `device` (removed for `cause`, which must be lost or stolen). The clock
    /// starts now, by the vault's clock. Administrators only: they remove devices.
    @discardableResult
    public func openBreach(device: DeviceID, person devicePerson: PersonID?, cause: DeviceRemovalReason) throws(CasebookError) -> BreachRecord {
        guard cause.opensBreach else { throw CasebookError(.invalidInput, "a device removed as \(cause.rawValue) is not a breach") }
        return try write("opening a breach record") { db in
            try requireRole(db, [.admin], to: "open a breach record (it is opened by 'casebook device remove DEVICE --reason lost|stolen')")
            let breach = BreachRecord(id: .random(), device: device, devicePerson: devicePerson, cause: cause,
                                      openedBy: person, openedAt: clock.now)
            try commit(db, [.init(record: breach.id, type: .breach, caseID: .organisation, fields: try FieldCoding.fields(of: breach))],
                       action: .create)
            return breach
        }
    }

    /// Records that the breach was reported to the ICO, under `reference`.
    @discardableResult
    public func reportBreach(_ id: RecordID, reference: String) throws(CasebookError) -> BreachRecord {
        let text = reference.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty, text.count <= 100, !text.contains(where: \.isNewline) else {
            throw CasebookError(.invalidInput, "--reference must be the ICO's reference, 1 to 100 characters on one line")
        }
        return try decideBreach(id, action: "recording a breach as reported") { breach in
            breach.status = .reported
            breach.reference = text
        }
    }

    /// Records that the breach was assessed as unlikely to result in a risk to people, and why.
    @discardableResult
    public func assessBreachNoRisk(_ id: RecordID, reason: String) throws(CasebookError) -> BreachRecord {
        let text = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty, text.count <= 500 else { throw CasebookError(.invalidInput, "--reason must be 1 to 500 characters") }
        return try decideBreach(id, action: "assessing a breach") { breach in
            breach.status = .noRisk
            breach.assessment = text
        }
    }

    func decideBreach(_ id: RecordID, action: String, _ change: (inout BreachRecord) -> Void) throws(CasebookError) -> BreachRecord {
        return try write(action) { db in
            try requireRole(db, Self.breachRoles, to: "decide about a breach")
            guard let record = try mergedRecord(db, id: id), record.recordType == .breach else {
                throw CasebookError(.notFound, "no breach \(Self.short(id))", hint: .list(.breaches))
            }
            let old = try record.decode(BreachRecord.self)
            guard old.status == .open else {
                let who = old.decidedBy.map { " by \($0)" } ?? ""
                throw CasebookError(.finalised, "breach \(Self.short(id)) was already decided (\(old.status.rawValue)\(who)); nothing was changed")
            }
            var new = old
            change(&new)
            new.decidedBy = person
            new.decidedAt = clock.now
            let patch = FieldCoding.changes(from: try FieldCoding.fields(of: old), to: try FieldCoding.fields(of: new))
            try commit(db, [.init(record: id, type: .breach, caseID: .organisation, fields: patch)], action: .update)
            return new
        }
    }

    /// Breach records, open ones only unless `all`; oldest first.
    public func breaches(all: Bool = false) throws(CasebookError) -> [BreachRecord] {
        try read("listing breaches") { db in try breachRecords(db) }.filter { all || $0.status == .open }
    }

    func breachRecords(_ db: Database) throws -> [BreachRecord] {
        try mergedRecords(db, caseID: .organisation, type: .breach)
            .map { record throws(CasebookError) in try record.decode(BreachRecord.self) }
            .sorted { ($0.openedAt, $0.id.rawValue) < ($1.openedAt, $1.id.rawValue) }
    }
}

import CasebookCrypto
public import CasebookModels
import Foundation
import GRDB

/// P10 beyond this replica: a case is granted only to a person whose training is current, and an
/// administrator's replica tells the sync server each person's training summary (the server cannot
/// read the training records, which live in the encrypted organisation case).
extension Vault {
    /// Refuses (`releaseRefused`) to grant a case to a person whose required training is missing or
    /// expired today according to this vault's training records. Nothing is written: refusals are
    /// not audited (as with refused releases and erasures); the grant itself is.
    public func requireGrantable(to grantee: PersonID) throws(CasebookError) {
        let org = try organisation()
        guard org.person(grantee) != nil else {
            throw CasebookError(.notFound, "no person \(grantee) in this vault (sync first if they joined recently)", hint: .list(.people))
        }
        try TrainingPolicy.requireGrantable(to: grantee, records: org.training, on: clock.today)
    }

    /// Training summaries the server has not been told yet (administrators' replicas only; others
    /// get none): derived from the merged organisation case, compared with what the server last
    /// acknowledged. A person with no training at all is left out until something is recorded
    /// (the server treats a person it has no summary for as untrained).
    public func trainingSummariesToPublish() throws(CasebookError) -> [TrainingSummary] {
        let org = try organisation()
        guard let me = org.person(person), me.active, me.roles.contains(.admin) else { return [] }
        let today = clock.today
        let people = Set(org.people.map(\.id)).union(org.training.map(\.person)).sorted()
        let unpublished = TrainingSummary(person: person).fingerprint
        return try read("reading the training summaries") { db in
            try people.compactMap { (id: PersonID) -> TrainingSummary? in
                let summary = TrainingSummary(person: id, records: org.training, on: today)
                let last = try String.fetchOne(db, sql: "SELECT fingerprint FROM published_training WHERE person_id = ?",
                                               arguments: [id.rawValue]) ?? unpublished
                return summary.fingerprint == last ? nil : summary
            }
        }
    }

    /// Remembers that the server acknowledged a summary (so it is sent again only when it changes).
    public func markTrainingPublished(_ summary: TrainingSummary) throws(CasebookError) {
        try write("saving the sync state") { db in
            try db.execute(sql: "INSERT OR REPLACE INTO published_training (person_id, fingerprint) VALUES (?, ?)",
                           arguments: [summary.person.rawValue, summary.fingerprint])
        }
    }
}

extension Vault {
    /// The person a device belongs to, as this replica knows it (nil for the recovery key or an unknown device).
    public func devicePerson(_ device: DeviceID) throws(CasebookError) -> PersonID? {
        guard device != DeviceTrust.recoveryDevice else { return nil }
        return try read("reading devices") { db in try devicePublicKeys(db, device)?.person }
    }
}

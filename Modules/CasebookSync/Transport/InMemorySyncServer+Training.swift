import CasebookCrypto
public import CasebookModels
import Foundation

/// The training gate (P10) in memory, with the same pure rule (`TrainingGate`) as the HTTP server.
extension InMemorySyncServer {
    func putTraining(_ person: PersonID, _ update: TrainingUpdate, _ device: DeviceID?) throws {
        count("training")
        guard try caller(device).role == .admin else { throw SyncFailure(.forbidden, "only administrators report training") }
        guard people[person] != nil else { throw SyncFailure(.rejected, "person \(person) does not exist") }
        do { training[person] = try update.summary(for: person) } catch { throw SyncFailure(.rejected, error.message) }
    }

    /// The summary the server holds for a person (tests check what the administrator published).
    public func trainingSummary(of person: PersonID) -> TrainingSummary? { training[person] }

    func requireTrained(_ person: PersonID) throws {
        if let refusal = TrainingGate.refusal(for: person, summary: training[person], published: !training.isEmpty, on: clock.today) {
            throw SyncFailure(.forbidden, "not permitted: \(refusal.message) (\(refusal.code))")
        }
    }

    func requireTrainedRecipients(_ caseID: CaseID, _ wrapped: [WrappedCaseKey]) throws {
        guard !training.isEmpty else { return }
        for recipient in Set(wrapped.map(\.recipient)) {
            guard let person = devices[recipient]?.person else { continue }
            let alreadyReads = owners[caseID] == person
                || keys.values.contains { $0.caseID == caseID && devices[$0.recipient]?.person == person }
            guard TrainingGate.keyNeedsTraining(caseID: caseID, recipientRole: people[person]?.record.role, alreadyReads: alreadyReads) else {
                continue
            }
            try requireTrained(person)
        }
    }
}

import CasebookCrypto
import CasebookModels
import CasebookStorage
import Foundation

extension SyncClient {
    /// Administrators' replicas: tells the server each person's training summary that changed since
    /// it last acknowledged one (P10 gate). A refused update is skipped and offered again next sync;
    /// a network failure fails the step, which the engine retries (already acknowledged summaries
    /// are not sent twice).
    public func publishTraining() async throws -> Int {
        let transport = self.transport
        var published = 0
        for summary in try vault.trainingSummariesToPublish() {
            let update = TrainingUpdate(summary)
            do {
                try await call("a training update") { try await transport.putTraining(summary.person, update, timeout: $0) }
            } catch let failure as SyncFailure where failure.kind == .forbidden || failure.kind == .rejected {
                continue
            }
            try vault.markTrainingPublished(summary)
            published += 1
        }
        return published
    }

    /// Uploads one case's keys. When the server refuses the upload (e.g. the training gate refuses
    /// one recipient), retries person by person and returns the keys it accepted and the refusal;
    /// the refused keys are not stored, so they are offered again at a later sync.
    func uploadKeysSplittingRefusals(_ caseID: CaseID, _ keys: [WrappedCaseKey]) async throws
        -> (accepted: [WrappedCaseKey], refusal: SyncFailure?) {
        let transport = self.transport
        do {
            try await call("a key upload") { try await transport.uploadKeys(caseID, KeyUpload(keys: keys), timeout: $0) }
            return (keys, nil)
        } catch let refusal as SyncFailure where refusal.kind == .forbidden || refusal.kind == .rejected {
            let groups = Dictionary(grouping: keys) { try? vault.devicePerson($0.recipient) }
            guard groups.count > 1 else { return ([], refusal) }
            var accepted: [WrappedCaseKey] = []
            for (_, group) in groups.sorted(by: { ($0.key?.rawValue ?? "") < ($1.key?.rawValue ?? "") }) {
                do {
                    try await call("a key upload") { try await transport.uploadKeys(caseID, KeyUpload(keys: group), timeout: $0) }
                    accepted += group
                } catch let failure as SyncFailure where failure.kind == .forbidden || failure.kind == .rejected {
                    continue
                }
            }
            return (accepted, refusal)
        }
    }
}

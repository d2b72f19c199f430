import CasebookCrypto
import CasebookModels
import CasebookSync
import Foundation
import Hummingbird
import Logging
import HTTPTypes

/// The training gate (P10). The server cannot read training records (they are in the encrypted
/// organisation case), so administrators' replicas tell it, per person and required course, the
/// last day the training is valid. The rule itself is `TrainingGate` (pure, in CasebookModels).
extension SyncServer {
    /// `PUT /v1/people/{person_id}/training` (administrators): replaces the person's summary.
    @Sendable func putTraining(_ request: Request, context: ServerRequestContext) async throws -> Response {
        let caller = try context.requireCaller()
        guard caller.role == .admin else { throw ServerError.forbidden }
        guard let raw = context.parameters.get("person_id"), let person = PersonID(parsing: raw), person.rawValue == raw else {
            throw CasebookError(.invalidInput, "the person id is malformed")
        }
        let body = try await request.decode(as: TrainingUpdate.self, context: context)
        let summary = try body.summary(for: person)
        guard try await store.person(person) != nil else { throw CasebookError(.notFound, "person \(person) does not exist") }
        try await store.putTraining(summary, now: clock.now)
        context.logger.info("training updated", metadata: ["person": .string(person.rawValue)])
        return Response(status: .noContent)
    }

    /// Refuses (403 `training-missing`) a grant to a person whose required training is missing or
    /// expired on the server's date, once the organisation has published training.
    func requireTrained(_ person: PersonID) async throws {
        let facts = try await store.trainingFacts(person)
        if let refusal = TrainingGate.refusal(for: person, summary: facts.summary, published: facts.published, on: today) {
            throw refusal
        }
    }

    /// Refuses (403 `training-missing`) an upload carrying a key for a person who could not read
    /// the case before and whose training is not current. Exempt: the organisation case, the
    /// recovery key (no registered device), DSL devices, people who hold a key of the case already
    /// or created it (see `TrainingGate.keyNeedsTraining`).
    func requireTrainedRecipients(_ caseID: CaseID, _ keys: [WrappedCaseKey]) async throws {
        guard caseID != .organisation else { return }
        var checked: Set<PersonID> = []
        for recipient in Set(keys.map(\.recipient)).sorted() {
            guard let device = try await store.device(recipient), checked.insert(device.person).inserted else { continue }
            let facts = try await store.trainingFacts(device.person)
            guard facts.published else { return }
            let role = try await store.person(device.person)?.record.role
            guard TrainingGate.keyNeedsTraining(caseID: caseID, recipientRole: role, alreadyReads: false) else { continue }
            let owner = try await store.caseFacts(caseID, person: device.person, today: today).owner
            var alreadyReads = owner == device.person
            if !alreadyReads { alreadyReads = try await store.holdsKey(caseID, person: device.person) }
            guard TrainingGate.keyNeedsTraining(caseID: caseID, recipientRole: role, alreadyReads: alreadyReads) else { continue }
            if let refusal = TrainingGate.refusal(for: device.person, summary: facts.summary, published: true, on: today) {
                throw refusal
            }
        }
    }
}

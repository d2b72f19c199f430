import CasebookCrypto
import CasebookModels
import CasebookSync
import Foundation
import Hummingbird
import Logging
import HTTPTypes

extension SyncServer {
    /// `PUT /v1/cases/{case_id}/keys`: wrapped case keys (HPKE, opaque to the server), each signed by
    /// the uploading device.
    @Sendable func putKeys(_ request: Request, context: ServerRequestContext) async throws -> Response {
        let caller = try context.requireCaller()
        let caseID = try caseID(context)
        let body = try await request.decode(as: KeyUpload.self, context: context)
        guard body.keys.allSatisfy({ $0.caseID == caseID }), body.keys.count <= 10_000 else {
            throw CasebookError(.invalidInput, "every key must belong to the case in the path")
        }
        let facts = try await store.caseFacts(caseID, person: caller.person, today: today)
        guard AccessPolicy.canUploadKeys(caseID, caller: caller, facts: facts) else { throw ServerError.forbidden }
        // Defence in depth (each replica checks for itself, ADR 0009): only the caller's own wraps,
        // signed with the signing key the caller's device registered.
        guard let uploader = try await store.device(caller.device)?.publicKeys,
              body.keys.allSatisfy({ $0.wrappedBy == caller.device && $0.isSigned(by: uploader) }) else {
            throw CasebookError(.invalidInput, "every key must be wrapped and signed by the uploading device")
        }
        try await checkKeyEpochs(caseID, body.keys, caller: caller, facts: facts)  // ADR 0013: SyncServer+KeyEpochs.swift
        try await requireTrainedRecipients(caseID, body.keys)  // P10: SyncServer+Training.swift
        try await store.putKeys(body.keys)
        return Response(status: .noContent)
    }

    /// `GET /v1/keys`: keys wrapped for the caller's device, of cases the caller may read now.
    @Sendable func keys(_ request: Request, context: ServerRequestContext) async throws -> Response {
        let caller = try context.requireCaller()
        return jsonResponse(KeyList(keys: try await store.keys(for: caller, today: today)))
    }

    /// `POST /v1/cases/{case_id}/grants`: the case owner, the DSL or an administrator grants a
    /// person (existing, active and, once the organisation publishes training, trained) read and
    /// write access, optionally until a date.
    @Sendable func grant(_ request: Request, context: ServerRequestContext) async throws -> Response {
        let caller = try context.requireCaller()
        let caseID = try caseID(context)
        let body = try await request.decode(as: GrantRequest.self, context: context)
        let facts = try await store.caseFacts(caseID, person: caller.person, today: today)
        guard AccessPolicy.canManageGrants(caseID, caller: caller, facts: facts) else { throw ServerError.forbidden }
        guard let person = try await store.person(body.person), person.record.active else {
            throw CasebookError(.invalidInput, "person \(body.person) is not an active member")
        }
        try await requireTrained(body.person)  // P10: SyncServer+Training.swift
        try await store.grant(caseID, to: body.person, until: body.until, now: clock.now)
        context.logger.info("grant", metadata: ["case": .string(caseID.rawValue), "person": .string(body.person.rawValue)])
        return Response(status: .noContent)
    }

    /// `DELETE /v1/cases/{case_id}/grants/{person_id}`: the server stops serving the case to that
    /// person at once. What they already hold cannot be un-read; rotating the key is the client's job.
    @Sendable func revokeGrant(_ request: Request, context: ServerRequestContext) async throws -> Response {
        let caller = try context.requireCaller()
        let caseID = try caseID(context)
        guard let raw = context.parameters.get("person_id"), let person = PersonID(parsing: raw) else {
            throw CasebookError(.invalidInput, "the person id is malformed")
        }
        let facts = try await store.caseFacts(caseID, person: caller.person, today: today)
        guard AccessPolicy.canManageGrants(caseID, caller: caller, facts: facts) else { throw ServerError.forbidden }
        try await store.revokeGrant(caseID, from: person, now: clock.now)
        context.logger.info("grant revoked", metadata: ["case": .string(caseID.rawValue), "person": .string(person.rawValue)])
        return Response(status: .noContent)
    }

    /// `DELETE /v1/cases/{case_id}` (DSL or administrator): erases the case's revisions, wrapped
    /// keys, grants and owner on the server and keeps a tombstone, so the case is never accepted or
    /// served again (retention end or erasure request). Idempotent: erasing again, or erasing a case
    /// the server never held, answers 204 too.
    @Sendable func eraseCase(_ request: Request, context: ServerRequestContext) async throws -> Response {
        let caller = try context.requireCaller()
        let caseID = try caseID(context)
        guard AccessPolicy.canErase(caseID, caller: caller) else { throw ServerError.forbidden }
        try await store.eraseCase(caseID, now: clock.now)
        context.logger.notice("case erased", metadata: ["case": .string(caseID.rawValue)])
        return Response(status: .noContent)
    }
}

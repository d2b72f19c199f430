import CasebookCrypto
import CasebookModels
import CasebookSync
import Crypto
import Foundation
import Hummingbird
import Logging
import HTTPTypes

extension SyncServer {
    /// `GET /v1/organisation`: people (no names), devices and their certifications, the root device.
    @Sendable func organisation(_ request: Request, context: ServerRequestContext) async throws -> Response {
        _ = try context.requireCaller()
        guard var info = try await store.organisation() else { throw CasebookError(.notFound, "no organisation") }
        info.removedDevices = try await store.removedDevices()  // signed by administrators; replicas verify
        return jsonResponse(info)
    }

    /// `POST /v1/people` (administrators): a pending person with the SHA-256 of a code the admin's
    /// client generated; the code itself never reaches the server.
    @Sendable func invite(_ request: Request, context: ServerRequestContext) async throws -> Response {
        let caller = try context.requireCaller()
        guard caller.role == .admin else { throw ServerError.forbidden }
        let body = try await request.decode(as: InviteRequest.self, context: context)
        guard body.codeHash.count == 32, PersonID(parsing: body.person.rawValue)?.rawValue == body.person.rawValue else {
            throw CasebookError(.invalidInput, "the person id or code hash is malformed")
        }
        if body.newDevice == true {
            // Another device of an existing member (ADR 0024): the person, role and type stay as they are.
            guard let existing = try await store.person(body.person), existing.record.active, !existing.record.pending else {
                throw CasebookError(.notFound, "person \(body.person) is not an enrolled, active member; invite them as a new person")
            }
            try await store.setDeviceCode(person: body.person, codeHash: body.codeHash, codeExpires: later(settings.enrolmentCodeTTL))
            context.logger.info("device code issued", metadata: ["person": .string(body.person.rawValue)])
            return jsonResponse(existing.record, status: .created)
        }
        let record = PersonRecord(id: body.person, role: body.role, type: body.type, active: true, pending: true)
        try await store.insertPerson(StoredPerson(record: record, codeHash: body.codeHash, codeExpires: later(settings.enrolmentCodeTTL)))
        context.logger.info("person invited", metadata: ["person": .string(body.person.rawValue), "role": .string(body.role.rawValue)])
        return jsonResponse(record, status: .created)
    }

    /// `DELETE /v1/people/{person_id}` (administrators): the person leaves; their tokens stop
    /// working at once and they cannot log in again. Rotating keys of their cases is the client's job.
    @Sendable func deactivate(_ request: Request, context: ServerRequestContext) async throws -> Response {
        let caller = try context.requireCaller()
        guard caller.role == .admin else { throw ServerError.forbidden }
        guard let raw = context.parameters.get("person_id"), let person = PersonID(parsing: raw) else {
            throw CasebookError(.invalidInput, "the person id is malformed")
        }
        try await store.deactivate(person)
        context.logger.notice("person deactivated", metadata: ["person": .string(person.rawValue)])
        return Response(status: .noContent)
    }

    /// `POST /v1/devices/{device_id}/certification` (administrators): stores the admin's signature
    /// vouching for a device's keys. Replicas verify it against the pinned root; the server only keeps it.
    @Sendable func certify(_ request: Request, context: ServerRequestContext) async throws -> Response {
        let caller = try context.requireCaller()
        guard caller.role == .admin else { throw ServerError.forbidden }
        guard let raw = context.parameters.get("device_id"), let device = DeviceID(parsing: raw) else {
            throw CasebookError(.invalidInput, "the device id is malformed")
        }
        let body = try await request.decode(as: CertificationRequest.self, context: context)
        guard body.certification.count == 64 else { throw CasebookError(.invalidInput, "the certification is malformed") }
        // ADR 0013: the certification is the caller's own, made by a certified administrator's
        // device, and its signature verifies over the registered keys and the roles vouched for.
        guard body.certifiedBy == caller.device else {
            throw CasebookError(.invalidInput, "a certification must be signed by the device that sends it")
        }
        guard let target = try await store.device(device) else { throw CasebookError(.notFound, "device \(device) is not registered") }
        guard let certifier = try await store.device(caller.device),
              (try? certifier.publicKeys.signingKey().isValidSignature(
                body.certification, for: CertificationStatement.signedBytes(keys: target.publicKeys, roles: body.roles))) == true else {
            throw CasebookError(.tampered, "the certification does not verify against the caller's device key for that device's keys and roles")
        }
        guard try await isCertifiedAdminDevice(caller.device) else {
            throw CasebookError(.notAuthorised, "the certifying device is not certified as an administrator's device")
        }
        try await store.certify(device: device, body)
        return Response(status: .noContent)
    }
}

import CasebookCrypto
import CasebookModels
import CasebookSync
import Crypto
import Foundation
import Hummingbird
import Logging
import HTTPTypes

/// Membership routes (docs/adr/0010-membership.md): removing a device, and the recovery key's
/// copies of case keys for `casebook recover`.
extension SyncServer {
    /// `DELETE /v1/devices/{device_id}` (administrators): stores the administrator's signed removal,
    /// revokes the device's tokens and drops the keys wrapped for it; from then on it cannot log in
    /// and is listed as removed in `GET /v1/organisation`. The root device cannot be removed.
    @Sendable func removeDevice(_ request: Request, context: ServerRequestContext) async throws -> Response {
        let caller = try context.requireCaller()
        guard caller.role == .admin else { throw ServerError.forbidden }
        guard let raw = context.parameters.get("device_id"), let target = DeviceID(parsing: raw), target.rawValue == raw else {
            throw CasebookError(.invalidInput, "the device id is malformed")
        }
        let body = try await request.decode(as: DeviceRemovalRequest.self, context: context)
        guard body.removedBy == caller.device else {
            throw CasebookError(.invalidInput, "a removal must be signed by the device that sends it")
        }
        guard target != caller.device else { throw CasebookError(.invalidInput, "a device cannot remove itself") }
        guard let stamp = HLCTimestamp(parsing: body.removedAt), stamp.description == body.removedAt,
              HybridLogicalClock.isAcceptable(stamp, wallMillis: clock.nowMillis) else {
            throw CasebookError(.invalidInput, "the removal time is malformed or in the future")
        }
        // ADR 0013: a removal is stamped now (within the clock-skew bound), never backdated over a
        // colleague's history, and signed by a certified administrator's device.
        guard Self.isRecent(stamp, wallMillis: clock.nowMillis) else {
            throw CasebookError(.invalidInput, "the removal is stamped more than five minutes before the server's clock; sign it again now")
        }
        guard try await isCertifiedAdminDevice(caller.device) else {
            throw CasebookError(.notAuthorised, "the removing device is not certified as an administrator's device")
        }
        if let latest = try await store.latestRevisionStamp(by: target), stamp < latest {
            throw CasebookError(.conflict, "the removal is stamped before revisions the server already accepted from that device; run 'casebook sync', then remove it again")
        }
        guard let signer = try await store.device(caller.device),
              (try? signer.publicKeys.signingKey().isValidSignature(
                body.signature, for: DeviceRemovalStatement.signedBytes(device: target, removedAt: body.removedAt))) == true else {
            throw CasebookError(.tampered, "the removal signature does not verify against the caller's device key")
        }
        if try await store.organisation()?.rootDevice == target {
            throw CasebookError(.invalidInput, "the organisation root device cannot be removed")
        }
        try await store.removeDevice(DeviceRemoval(deviceID: target, removedBy: caller.device, removedAt: body.removedAt,
                                                   signature: body.signature), now: clock.now)
        context.logger.notice("device removed", metadata: ["removed_device": .string(target.rawValue)])
        return Response(status: .noContent)
    }

    /// `GET /v1/recovery/keys?person=ID[&case=ID]` (administrators): the case keys wrapped for the
    /// organisation recovery key, of every case PERSON's grants cover (every case for a DSL; a
    /// deactivated person's grants still count), or of one of them. Only the holder of the offline
    /// recovery key can open them.
    @Sendable func recoveryKeys(_ request: Request, context: ServerRequestContext) async throws -> Response {
        let caller = try context.requireCaller()
        guard caller.role == .admin else { throw ServerError.forbidden }
        guard let raw = request.uri.queryParameters.get("person"), let person = PersonID(parsing: raw), person.rawValue == raw else {
            throw CasebookError(.invalidInput, "give ?person=ID (the person whose cases to recover)")
        }
        var only: CaseID?
        if let text = request.uri.queryParameters.get("case") {
            guard let id = CaseID(parsing: text), id.rawValue == text else { throw CasebookError(.invalidInput, "the case id is malformed") }
            only = id
        }
        // A removed (inactive) person's grants still say which cases they could read.
        guard let stored = try await store.person(person) else { throw CasebookError(.notFound, "person \(person) does not exist") }
        let reader = Caller(device: RecoveryKey.recipient, person: person, role: stored.record.role, active: true)
        let keys = try await store.keys(for: reader, today: today).filter { only == nil || $0.caseID == only }
        context.logger.notice("recovery keys served", metadata: ["person": .string(person.rawValue), "keys": .stringConvertible(keys.count)])
        return jsonResponse(KeyList(keys: keys))
    }
}

import CasebookCrypto
import CasebookModels
import CasebookSync
import Crypto
import Foundation

/// The server's share of ADR 0013: epochs move only with a signed rotation statement from a
/// member entitled to rotate the case, by one; removals and certifications are checked for
/// signature, certifier and time. Replicas check the same for themselves; this is what a
/// modified client meets first.
extension SyncServer {
    /// Every key above epoch 0 carries its epoch's rotation statement. An epoch the server holds
    /// already must come with the statement stored for it; a new epoch must be the next one after
    /// the newest the server holds, created by the uploading device (the rotator), which may
    /// rotate the case, signed with its registered key, stamped within the clock-skew bound of the
    /// server's clock. Copies of an epoch above 0 come only from members who may rotate the case,
    /// so a reader cannot occupy another reader's slot.
    func checkKeyEpochs(_ caseID: CaseID, _ keys: [WrappedCaseKey], caller: Caller, facts: CaseFacts) async throws {
        // Copies of an existing case's keys, of any epoch, come only from members who may rotate it,
        // so a reader cannot occupy a slot (epoch 0 included) of a device that joins later. A case
        // with no revision yet is `canUploadKeys`' rule (its creator's first keys).
        if facts.exists, !AccessPolicy.canRotate(caseID, caller: caller, facts: facts) { throw ServerError.forbidden }
        let rotated = keys.filter { $0.epoch > 0 }
        guard !rotated.isEmpty else { return }
        guard AccessPolicy.canRotate(caseID, caller: caller, facts: facts) else { throw ServerError.forbidden }
        var epochs = try await store.keyEpochs(caseID)
        for epoch in Set(rotated.map(\.epoch)).sorted() {
            let group = rotated.filter { $0.epoch == epoch }
            guard let statement = group.first?.rotation, group.allSatisfy({ $0.rotation == statement }),
                  statement.caseID == caseID, statement.epoch == epoch else {
                throw CasebookError(.invalidInput, "every key of epoch \(epoch) must carry that epoch's signed rotation statement")
            }
            if let stored = epochs.rotations[epoch] {
                guard stored == statement else {
                    throw CasebookError(.conflict, "epoch \(epoch) of case \(caseID) was created by another rotation statement")
                }
                continue
            }
            guard epochs.newest.map({ $0 < epoch }) ?? false else {
                throw CasebookError(.conflict, "epoch \(epoch) of case \(caseID) exists already without a rotation statement, or follows no epoch")
            }
            guard statement.rotatedBy == caller.device else {
                throw CasebookError(.invalidInput, "a new key epoch is created only by the device that signed its rotation statement")
            }
            guard statement.previousEpoch == epochs.newest else {
                throw CasebookError(.conflict, "key epochs go up by one: case \(caseID) is at epoch \(epochs.newest.map(String.init) ?? "none") here")
            }
            guard let uploader = try await store.device(caller.device)?.publicKeys, statement.isSigned(by: uploader),
                  let stamp = statement.hlc else {
                throw CasebookError(.tampered, "the rotation statement does not verify against the uploading device's key")
            }
            guard Self.isRecent(stamp, wallMillis: clock.nowMillis) else {
                throw CasebookError(.clockSkew, "the rotation statement is stamped more than five minutes away from the server's clock")
            }
            epochs.newest = epoch
            epochs.rotations[epoch] = statement
        }
    }

    /// Revisions sealed under an epoch the server holds no key of (above 0) are refused: no
    /// rotation created it (e.g. epoch 2^32-1, which would otherwise freeze the case's writers).
    func unknownEpochRejections(_ incoming: [(index: Int, revision: IncomingRevision)]) async throws -> [Int: PushRejection] {
        var newest: [CaseID: UInt32?] = [:]
        var rejected: [Int: PushRejection] = [:]
        for (index, revision) in incoming where revision.sealed.header.keyEpoch > 0 {
            let header = revision.sealed.header
            if newest.index(forKey: header.caseID) == nil {
                newest.updateValue(try await store.keyEpochs(header.caseID).newest, forKey: header.caseID)
            }
            if let held = newest[header.caseID] ?? nil, header.keyEpoch <= held { continue }
            rejected[index] = PushRejection(id: revision.id, error: .unknownEpoch,
                                            message: "the revision is sealed under key epoch \(header.keyEpoch), which no rotation of case \(header.caseID) created")
        }
        return rejected
    }

    /// A signed statement's stamp (removal, rotation) is within the clock-skew bound of the server's
    /// clock, either way: not future-dated, and not backdated past what the server can vouch for.
    static func isRecent(_ stamp: HLCTimestamp, wallMillis: UInt64) -> Bool {
        HybridLogicalClock.isAcceptable(stamp, wallMillis: wallMillis)
            && stamp.physical &+ HybridLogicalClock.maximumDrift >= wallMillis
    }

    /// Whether a device is the organisation root, or certified as an administrator's device by a
    /// signature (checked here, against the certifier's registered key) from a device that is itself
    /// a certified administrator's, down to the root; removed devices certify nothing.
    func isCertifiedAdminDevice(_ id: DeviceID, depth: Int = 0) async throws -> Bool {
        guard depth < 16, let record = try await store.device(id) else { return false }
        if try await store.organisation()?.rootDevice == id { return true }
        guard try await store.removal(of: id) == nil, let certifier = record.certifiedBy, certifier != id,
              let signature = record.certification, let roles = record.certifiedRoles, roles.contains(.admin),
              let signer = try await store.device(certifier),
              (try? signer.publicKeys.signingKey().isValidSignature(
                signature, for: CertificationStatement.signedBytes(keys: record.publicKeys, roles: roles))) == true else { return false }
        return try await isCertifiedAdminDevice(certifier, depth: depth + 1)
    }
}

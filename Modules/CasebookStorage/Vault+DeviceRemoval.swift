public import CasebookCrypto
public import CasebookModels
import Crypto
public import Foundation
import GRDB
import Synchronization

/// An administrator's signed statement that a device is removed (docs/adr/0010-membership.md).
/// Trusted only when signed by a certified administrator device this replica trusts; the
/// organisation root cannot be removed (every replica pins it).
public struct DeviceRemovalNotice: Sendable, Hashable {
    public var device: DeviceID
    public var removedBy: DeviceID
    public var removedAt: HLCTimestamp
    public var signature: Data

    public init(device: DeviceID, removedBy: DeviceID, removedAt: HLCTimestamp, signature: Data) {
        self.device = device
        self.removedBy = removedBy
        self.removedAt = removedAt
        self.signature = signature
    }
}

/// A device as this replica knows it: trusted (its certification chain verified) and maybe removed.
public struct KnownDevice: Sendable, Hashable {
    public var device: DeviceID
    public var person: PersonID
    public var roles: [String]
    public var certifiedBy: DeviceID?
    public var isRoot: Bool
    public var isThisDevice: Bool
    public var removedAt: HLCTimestamp?
    public var removedBy: DeviceID?
}

extension DeviceTrust {
    /// What an administrator signs to remove a device: domain-separated, the device and the HLC
    /// stamp after which its revisions are refused.
    public static func removalBytes(device: DeviceID, removedAt: HLCTimestamp) -> Data {
        DeviceRemovalStatement.signedBytes(device: device, removedAt: removedAt.description)
    }
}

extension Vault {
    // MARK: - Facts

    func removedDeviceIDs(_ db: Database) throws -> Set<DeviceID> {
        Set(try String.fetchAll(db, sql: "SELECT device_id FROM removed_devices").map(DeviceID.init(rawValue:)))
    }

    func removalStamp(_ db: Database, _ id: DeviceID) throws -> HLCTimestamp? {
        try String.fetchOne(db, sql: "SELECT removed_at FROM removed_devices WHERE device_id = ?", arguments: [id.rawValue])
            .flatMap(HLCTimestamp.init(parsing:))
    }

    /// Every device this replica trusts (or trusted), with its removal if any.
    public func knownDevices() throws(CasebookError) -> [KnownDevice] {
        return try read("reading devices") { db in
            let root = try rootDeviceID(db)
            return try Row.fetchAll(db, sql: """
                SELECT d.device_id, d.person_id, d.roles, d.certified_by, r.removed_at, r.removed_by
                FROM devices d LEFT JOIN removed_devices r ON r.device_id = d.device_id
                WHERE d.device_id != ? ORDER BY d.person_id, d.device_id
                """, arguments: [DeviceTrust.recoveryDevice.rawValue]).map { row in
                let id = DeviceID(rawValue: row["device_id"])
                let roles: String? = row["roles"]
                let certifiedBy: String? = row["certified_by"]
                let removedAt: String? = row["removed_at"]
                let removedBy: String? = row["removed_by"]
                return KnownDevice(device: id, person: PersonID(rawValue: row["person_id"]),
                                   roles: roles?.split(separator: ",").map(String.init) ?? [],
                                   certifiedBy: certifiedBy.map(DeviceID.init(rawValue:)), isRoot: id == root,
                                   isThisDevice: id == device, removedAt: removedAt.flatMap(HLCTimestamp.init(parsing:)),
                                   removedBy: removedBy.map(DeviceID.init(rawValue:)))
            }
        }
    }

    // MARK: - Removing (administrators)

    /// Signs the removal of a device (administrators of an enrolled vault). Stamped with this
    /// replica's hybrid logical clock; nothing is stored until the server accepted it
    /// (`recordDeviceRemovals`).
    public func prepareDeviceRemoval(_ target: DeviceID) throws(CasebookError) -> DeviceRemovalNotice {
        return try write("removing the device") { db in
            try requireRole(db, [.admin], to: "remove devices")
            guard let me = try trustedDevice(db, device), me.isAdmin else {
                throw CasebookError(.notAuthorised, "this device is not certified as an administrator's; sync first")
            }
            guard target != device else {
                throw CasebookError(.invalidInput, "you cannot remove the device you are using; ask another administrator")
            }
            guard target != DeviceTrust.recoveryDevice else {
                throw CasebookError(.invalidInput, "the recovery key is not a device; it cannot be removed")
            }
            let root = try rootDeviceID(db)
            guard target != root else {
                throw CasebookError(.invalidInput, "device \(target) is the organisation root (every replica pins it); it cannot be removed")
            }
            var hlc = HybridLogicalClock(last: try currentHLC(db))
            let stamp = hlc.tick(wallMillis: clock.nowMillis)
            try Meta.set(db, .hlc, Data(stamp.description.utf8))
            let signature = try identity.sign(DeviceTrust.removalBytes(device: target, removedAt: stamp))
            return DeviceRemovalNotice(device: target, removedBy: device, removedAt: stamp, signature: signature)
        }
    }

    /// Folds signed removals into the trusted set. Each must be signed by a trusted administrator
    /// device that was not itself removed before the statement's stamp, and never names the root. A removed device's keys stay
    /// known (its earlier revisions still verify), but it receives no key from now on, and its
    /// revisions stamped after the removal are refused. Cases this replica holds that the device
    /// could read are queued for a key rotation (`removalRotations`). Returns the devices newly removed.
    @discardableResult
    public func recordDeviceRemovals(_ notices: [DeviceRemovalNotice]) throws(CasebookError) -> [DeviceID] {
        guard !notices.isEmpty else { return [] }
        return try write("recording device removals") { db in
            var recorded: [DeviceID] = []
            let root = try rootDeviceID(db)
            for notice in notices where notice.device != root && notice.device != DeviceTrust.recoveryDevice {
                let signerRemoved = try removalStamp(db, notice.removedBy)
                guard try removalStamp(db, notice.device) == nil,
                      let signer = try trustedDevice(db, notice.removedBy), signer.isAdmin,
                      signerRemoved.map({ notice.removedAt < $0 }) ?? true,
                      (try? signer.keys.signingKey().isValidSignature(
                        notice.signature, for: DeviceTrust.removalBytes(device: notice.device, removedAt: notice.removedAt))) == true
                else { continue }
                try queueRotations(db, for: notice.device)
                try db.execute(sql: "INSERT INTO removed_devices (device_id, removed_at, removed_by, signature) VALUES (?, ?, ?, ?)",
                               arguments: [notice.device.rawValue, notice.removedAt.description, notice.removedBy.rawValue, notice.signature])
                recorded.append(notice.device)
            }
            return recorded
        }
    }

    /// Remembers, per case this replica holds that the removed device could read and this replica
    /// may rotate (ADR 0013), the newest epoch held now: that epoch (and older) the device may hold,
    /// so the case needs a newer one. One entry per (case, device), persisted until a rotation that
    /// names the device is held (`removalRotations`).
    private func queueRotations(_ db: Database, for removed: DeviceID) throws {
        guard removed != device else { return }
        let keys = try devicePublicKeys(db, removed)
        let wasDSL = try trustedDevice(db, removed)?.roles.contains(Role.dsl.rawValue) == true
        let iAmAdmin = try trustedDevice(db, device)?.isAdmin == true
        let held = try Row.fetchAll(db, sql: "SELECT case_id, MAX(epoch) AS epoch FROM case_keys WHERE recipient = ? GROUP BY case_id",
                                    arguments: [device.rawValue])
        for row in held {
            let caseID = CaseID(rawValue: row["case_id"])
            let epoch: Int64 = row["epoch"]
            let affected: Bool
            if caseID == .organisation {
                affected = iAmAdmin  // every member reads it; only administrators may upload its keys
            } else {
                let keyed = try Int.fetchOne(db, sql: "SELECT 1 FROM case_keys WHERE case_id = ? AND recipient = ? LIMIT 1",
                                             arguments: [caseID.rawValue, removed.rawValue]) != nil
                let authored = try Int.fetchOne(db, sql: "SELECT 1 FROM revisions WHERE case_id = ? AND author_device = ? LIMIT 1",
                                                arguments: [caseID.rawValue, removed.rawValue]) != nil
                let granted = try keys.map { try grantees(db, caseID).contains($0.person) } ?? false
                affected = wasDSL || keyed || authored || granted
            }
            guard affected, try mayRotateHere(db, caseID) else { continue }
            let queued = try Int64.fetchOne(db, sql: "SELECT queued_epoch FROM removal_rotations WHERE case_id = ? AND removed_device = ?",
                                            arguments: [caseID.rawValue, removed.rawValue])
            try db.execute(sql: "INSERT OR REPLACE INTO removal_rotations (case_id, removed_device, queued_epoch) VALUES (?, ?, ?)",
                           arguments: [caseID.rawValue, removed.rawValue, min(queued ?? epoch, epoch)])
        }
    }

    /// New epoch keys for every case queued by a removal: wrapped for every remaining reader this
    /// replica knows of (as in `rotateCaseKey`), never for a removed device, with a signed rotation
    /// statement naming the removed devices (ADR 0013). Not stored until uploaded
    /// (`storeWrappedKeys`). A queue entry clears only when a held epoch newer than the queued one
    /// was made for that removal (its statement names the device), here or by another entitled
    /// replica: an unrelated newer epoch (a revoke, anything a device removed later planted) does
    /// not drop the rotation.
    public func removalRotations() throws(CasebookError) -> [WrappedCaseKey] {
        return try write("rotating keys after a device removal") { db in
            var wraps: [WrappedCaseKey] = []
            let queued = try Row.fetchAll(db, sql: "SELECT case_id, removed_device, queued_epoch FROM removal_rotations ORDER BY case_id, removed_device")
            let clear = try db.makeStatement(sql: "DELETE FROM removal_rotations WHERE case_id = ? AND removed_device = ?")
            var pending: [CaseID: Set<DeviceID>] = [:]
            for row in queued {
                let caseID = CaseID(rawValue: row["case_id"])
                let device: String = row["removed_device"]
                let removed = device.isEmpty ? nil : DeviceID(rawValue: device)  // '': a legacy entry naming no device
                let queuedEpoch = KeyEpoch.from(row["queued_epoch"] as Int64) ?? 0
                guard let newest = try newestHeldEpoch(db, caseID), try mayRotateHere(db, caseID) else {
                    try clear.execute(arguments: [caseID.rawValue, device])  // no longer held, or no longer ours to rotate
                    continue
                }
                if newest > queuedEpoch, try rotatedForRemoval(db, caseID, after: queuedEpoch, upTo: newest, of: removed) {
                    try clear.execute(arguments: [caseID.rawValue, device])  // rotated for this removal (here or elsewhere)
                    continue
                }
                pending[caseID, default: []].formUnion(removed.map { [$0] } ?? [])
            }
            for (caseID, devices) in pending.sorted(by: { $0.key < $1.key }) {
                wraps += try rotatedKeyWraps(db, caseID, removing: devices)
            }
            return wraps
        }
    }

    /// Whether an epoch in `(after, upTo]` of the case was made for the removal of `removed`
    /// (a legacy queue entry without a device: any newer epoch).
    private func rotatedForRemoval(_ db: Database, _ caseID: CaseID, after: UInt32, upTo newest: UInt32, of removed: DeviceID?) throws -> Bool {
        guard let removed else { return true }
        for epoch in try Int64.fetchAll(db, sql: "SELECT epoch FROM key_rotations WHERE case_id = ? AND epoch > ? AND epoch <= ?",
                                        arguments: [caseID.rawValue, Int64(after), Int64(newest)]).compactMap(KeyEpoch.from) {
            guard let rotation = try rotationStatement(db, caseID, epoch: epoch) else { continue }
            if rotation.reason == .removal, rotation.subject.split(separator: ",").contains(Substring(removed.rawValue)) { return true }
        }
        return false
    }

    /// A new epoch of a case's key wrapped for its remaining readers, excluding removed devices.
    private func rotatedKeyWraps(_ db: Database, _ caseID: CaseID, removing devicesRemoved: Set<DeviceID>) throws -> [WrappedCaseKey] {
        let removed = try removedDeviceIDs(db)
        let (key, statement) = try makeRotation(db, caseID, reason: .removal,
                                                subject: devicesRemoved.map(\.rawValue).sorted().joined(separator: ","))
        var recipients: [DeviceID: DevicePublicKeys] = [:]
        for keys in try caseKeyRecipients(db) { recipients[keys.deviceID] = keys }
        if caseID == .organisation {
            for row in try Row.fetchAll(db, sql: "SELECT device_id, person_id, signing, agreement FROM devices") {
                let keys = DevicePublicKeys(deviceID: DeviceID(rawValue: row["device_id"]), person: PersonID(rawValue: row["person_id"]),
                                            signing: row["signing"], agreement: row["agreement"])
                recipients[keys.deviceID] = keys
            }
        } else {
            for grantee in try grantees(db, caseID) {
                for keys in try devices(db, of: grantee) { recipients[keys.deviceID] = keys }
            }
            let earlier = try String.fetchAll(db, sql: "SELECT DISTINCT recipient FROM case_keys WHERE case_id = ?", arguments: [caseID.rawValue])
            for id in earlier.map(DeviceID.init(rawValue:)) where recipients[id] == nil {
                if let keys = try devicePublicKeys(db, id) { recipients[id] = keys }
            }
        }
        return try recipients.values.filter { !removed.contains($0.deviceID) }.sorted { $0.deviceID < $1.deviceID }
            .map { r throws(CasebookError) in try KeyWrap.wrap(key, for: r, by: identity, rotation: statement) }
    }

    // MARK: - People who leave

    /// Marks a person inactive in the organisation records (administrators): a signed, encrypted
    /// revision of their person record, so every replica stops counting them as a member.
    public func markPersonInactive(_ subject: PersonID, reason: String? = nil) throws(CasebookError) {
        try write("removing the person") { db in
            try requireRole(db, [.admin], to: "remove people")
            guard subject != person else { throw CasebookError(.invalidInput, "you cannot remove yourself; ask another administrator") }
            guard let existing = try organisationState(db).person(subject) else {
                throw CasebookError(.notFound, "person \(subject) is not in the organisation records (sync first?)")
            }
            guard existing.active else { return }
            var fields: [String: JSONValue] = ["active": .bool(false)]
            if let reason { fields["removalReason"] = .string(reason) }  // in the signed person record (ADR 0024)
            try commit(db, [.init(record: subject.recordID, type: .person, caseID: .organisation, fields: fields)], action: .update)
        }
    }
}

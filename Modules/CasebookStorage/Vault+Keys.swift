import Synchronization
import CasebookCrypto
import CasebookModels
import Foundation
import GRDB

extension Vault {
    /// The key of a case at an epoch, unwrapped with this device's identity; nil when this device
    /// holds no wrapped copy (never granted, or revoked before that epoch). Access is enforced by keys.
    func caseKey(_ db: Database, caseID: CaseID, epoch: UInt32) throws -> CaseKey? {
        let cacheKey = "\(caseID.rawValue)#\(epoch)"
        if let cached = cache.withLock({ $0.caseKeys[cacheKey] }) { return cached }
        guard let row = try Row.fetchOne(db, sql: """
            SELECT encapsulated, ciphertext FROM case_keys WHERE case_id = ? AND epoch = ? AND recipient = ?
            """, arguments: [caseID.rawValue, Int64(epoch), device.rawValue]) else { return nil }
        let key = try KeyWrap.open(caseID: caseID, epoch: epoch, recipient: device, encapsulatedKey: row["encapsulated"],
                                   ciphertext: row["ciphertext"], with: identity)
        cache.withLock { $0.caseKeys[cacheKey] = key }
        return key
    }

    /// The newest key of a case this device holds: the one new revisions are sealed with. Keys are
    /// never deleted, so the epoch never goes down. A revision seen under an epoch this device does
    /// not hold never blocks writing (ADR 0013): anyone could stamp an epoch, and a concern must
    /// always be saved; the cost (a withheld newer key) is stated in the threat model.
    func currentKey(_ db: Database, for caseID: CaseID) throws -> CaseKey {
        guard let epoch = try newestHeldEpoch(db, caseID), let key = try caseKey(db, caseID: caseID, epoch: epoch) else {
            throw CasebookError(.notAuthorised, "you hold no key for case \(caseID); ask the Designated Safeguarding Lead or an administrator for a grant")
        }
        return key
    }

    /// Whether this device can read a case.
    func holdsKey(_ db: Database, for caseID: CaseID) throws -> Bool {
        try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM case_keys WHERE case_id = ? AND recipient = ?",
                         arguments: [caseID.rawValue, device.rawValue]) ?? 0 > 0
    }

    /// Creates the first key of a new case and wraps it for this device (and for any other
    /// recipients the organisation requires: see `caseKeyRecipients`).
    func createCaseKey(_ db: Database, for caseID: CaseID) throws -> CaseKey {
        let key = CaseKey.generate(caseID: caseID, epoch: 0)
        for recipient in try caseKeyRecipients(db) {
            try storeWrappedKey(db, try KeyWrap.wrap(key, for: recipient, by: identity))
        }
        cache.withLock { $0.caseKeys["\(caseID.rawValue)#0"] = key }
        return key
    }

    /// Devices every new case key is wrapped for: this device, plus every certified device of a
    /// Designated Safeguarding Lead and the organisation's recovery key, when the vault is enrolled.
    func caseKeyRecipients(_ db: Database) throws -> [DevicePublicKeys] {
        var recipients = [identity.publicKeys]
        let rows = try Row.fetchAll(db, sql: "SELECT device_id, person_id, signing, agreement, roles FROM devices WHERE device_id != ? AND device_id NOT IN (SELECT device_id FROM removed_devices)",
                                    arguments: [device.rawValue])
        for row in rows {
            let roles: String? = row["roles"]
            let roleList = roles?.split(separator: ",").map(String.init) ?? []
            if roleList.contains(Role.dsl.rawValue) || roleList.contains("recovery") {
                recipients.append(DevicePublicKeys(deviceID: DeviceID(rawValue: row["device_id"]), person: PersonID(rawValue: row["person_id"]),
                                                   signing: row["signing"], agreement: row["agreement"]))
            }
        }
        return recipients
    }

    func storeWrappedKey(_ db: Database, _ wrapped: WrappedCaseKey) throws {
        if let rotation = wrapped.rotation, rotation.caseID == wrapped.caseID, rotation.epoch == wrapped.epoch {
            try storeRotationStatement(db, rotation)
        }
        try db.execute(sql: """
            INSERT OR REPLACE INTO case_keys (case_id, epoch, recipient, encapsulated, ciphertext, wrapped_by) VALUES (?, ?, ?, ?, ?, ?)
            """, arguments: [wrapped.caseID.rawValue, Int64(wrapped.epoch), wrapped.recipient.rawValue,
                             wrapped.encapsulatedKey, wrapped.ciphertext, wrapped.wrappedBy.rawValue])
    }

    /// Records a device's public keys (and, when certified, the roles vouched for).
    func storeDevice(_ db: Database, _ keys: DevicePublicKeys, roles: [String]?, certifiedBy: DeviceID? = nil,
                     certification: Data? = nil) throws {
        try db.execute(sql: """
            INSERT OR REPLACE INTO devices (device_id, person_id, signing, agreement, certified_by, certification, roles)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """, arguments: [keys.deviceID.rawValue, keys.person.rawValue, keys.signing, keys.agreement,
                             certifiedBy?.rawValue, certification, roles?.joined(separator: ",")])
    }

    /// Public keys of a known device (for verifying revisions it signed).
    func devicePublicKeys(_ db: Database, _ deviceID: DeviceID) throws -> DevicePublicKeys? {
        guard let row = try Row.fetchOne(db, sql: "SELECT person_id, signing, agreement FROM devices WHERE device_id = ?",
                                         arguments: [deviceID.rawValue]) else { return nil }
        return DevicePublicKeys(deviceID: deviceID, person: PersonID(rawValue: row["person_id"]),
                                signing: row["signing"], agreement: row["agreement"])
    }
}

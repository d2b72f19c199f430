public import CasebookCrypto
public import CasebookModels
import Crypto
import Foundation
import GRDB
import Synchronization

extension Vault {
    // MARK: - Granting

    /// Every key of a case this device holds, wrapped for the given devices. Not stored: the caller
    /// uploads them first and then calls `storeWrappedKeys`, so a failed upload is retried later.
    public func wrapHeldKeys(of caseID: CaseID, for recipients: [DevicePublicKeys]) throws(CasebookError) -> [WrappedCaseKey] {
        return try read("wrapping case keys") { db in
            let epochs = try Int64.fetchAll(db, sql: "SELECT epoch FROM case_keys WHERE case_id = ? AND recipient = ? ORDER BY epoch",
                                            arguments: [caseID.rawValue, device.rawValue])
            guard !epochs.isEmpty else {
                throw CasebookError(.notAuthorised, "you hold no key for case \(caseID), so you cannot grant it")
            }
            var wraps: [WrappedCaseKey] = []
            for epoch in epochs.compactMap(KeyEpoch.from) {
                guard let key = try caseKey(db, caseID: caseID, epoch: epoch) else { continue }
                let rotation = try rotationStatement(db, caseID, epoch: epoch)  // ADR 0013: travels with every copy
                for recipient in recipients { wraps.append(try KeyWrap.wrap(key, for: recipient, by: identity, rotation: rotation)) }
            }
            return wraps
        }
    }

    /// Records wrapped keys (after a successful upload) so this replica knows who holds what.
    public func storeWrappedKeys(_ keys: [WrappedCaseKey]) throws(CasebookError) {
        guard !keys.isEmpty else { return }
        try write("storing wrapped keys") { db in
            for key in keys { try storeWrappedKey(db, key) }
            let uploaded = try db.makeStatement(sql: "INSERT OR IGNORE INTO uploaded_key_wraps (case_id, epoch, recipient) VALUES (?, ?, ?)")
            for key in keys { try uploaded.execute(arguments: [key.caseID.rawValue, Int64(key.epoch), key.recipient.rawValue]) }
        }
    }

    /// Revocation: a new epoch key for the case, wrapped for every remaining reader this replica
    /// knows of (devices it wrapped earlier keys for, minus the removed person's), every DSL
    /// device, the recovery key and this device. Not stored until uploaded (`storeWrappedKeys`);
    /// from then on new revisions of the case use the new epoch.
    /// The new epoch carries a signed rotation statement (ADR 0013); only the case's owner, an
    /// administrator or a DSL may rotate, and the epoch is the next one after the newest held (checked).
    public func rotateCaseKey(_ caseID: CaseID, removing removed: PersonID) throws(CasebookError) -> [WrappedCaseKey] {
        guard caseID != .organisation else { throw CasebookError(.invalidInput, "the organisation case is not granted or revoked") }
        guard removed != person else { throw CasebookError(.invalidInput, "you cannot revoke your own access") }
        return try write("rotating the case key") { db in
            guard try holdsKey(db, for: caseID) else {
                throw CasebookError(.notAuthorised, "you hold no key for case \(caseID), so you cannot rotate it")
            }
            guard try mayRotateHere(db, caseID) else {
                throw CasebookError(.notAuthorised, "only the case's owner, an administrator or the DSL may revoke access to case \(caseID)")
            }
            let (key, statement) = try makeRotation(db, caseID, reason: .revoke, subject: removed.rawValue)
            var recipients: [DeviceID: DevicePublicKeys] = [:]
            for keys in try caseKeyRecipients(db) { recipients[keys.deviceID] = keys }
            for grantee in try grantees(db, caseID) where grantee != removed {
                for keys in try devices(db, of: grantee) { recipients[keys.deviceID] = keys }
            }
            let earlier = try String.fetchAll(db, sql: "SELECT DISTINCT recipient FROM case_keys WHERE case_id = ?", arguments: [caseID.rawValue])
            for id in earlier.map(DeviceID.init(rawValue:)) where recipients[id] == nil {
                if let keys = try devicePublicKeys(db, id), keys.person != removed, try removalStamp(db, id) == nil { recipients[id] = keys }
            }
            for (id, keys) in recipients where keys.person == removed && id != DeviceTrust.recoveryDevice {
                // A DSL being revoked still receives keys as DSL: say so rather than pretend.
                if try trustedDevice(db, id)?.roles.contains(Role.dsl.rawValue) == true {
                    throw CasebookError(.invalidInput, "person \(removed) is a Designated Safeguarding Lead and reads every case; change their role instead")
                }
            }
            return try recipients.values.sorted { $0.deviceID < $1.deviceID }.map { r throws(CasebookError) in
                try KeyWrap.wrap(key, for: r, by: identity, rotation: statement)
            }
        }
    }

    /// Remembers (locally) that a person was granted a case, so keys reach devices they enrol later
    /// and a rotation keeps them as readers.
    public func recordGrant(_ caseID: CaseID, to person: PersonID, granted: Bool) throws(CasebookError) {
        try write("saving the sync state") { db in
            try db.execute(sql: granted ? "INSERT OR IGNORE INTO case_grants (case_id, person_id) VALUES (?, ?)"
                                        : "DELETE FROM case_grants WHERE case_id = ? AND person_id = ?",
                           arguments: [caseID.rawValue, person.rawValue])
        }
    }

    func grantees(_ db: Database, _ caseID: CaseID) throws -> [PersonID] {
        try String.fetchAll(db, sql: "SELECT person_id FROM case_grants WHERE case_id = ? ORDER BY person_id", arguments: [caseID.rawValue])
            .map(PersonID.init(rawValue:))
    }

    func devices(_ db: Database, of person: PersonID) throws -> [DevicePublicKeys] {
        try Row.fetchAll(db, sql: "SELECT device_id, signing, agreement FROM devices WHERE person_id = ? AND device_id != ? AND device_id NOT IN (SELECT device_id FROM removed_devices)",
                         arguments: [person.rawValue, DeviceTrust.recoveryDevice.rawValue]).map { row in
            DevicePublicKeys(deviceID: DeviceID(rawValue: row["device_id"]), person: person, signing: row["signing"], agreement: row["agreement"])
        }
    }

    /// Keys other devices must hold but this replica has not yet uploaded for them: every key
    /// of every case it holds for every DSL device, the recovery key and the case's grantees, and
    /// the organisation key for every certified member. Not marked as uploaded until
    /// `storeWrappedKeys` runs after a successful upload, so a failed upload is retried next sync.
    public func missingKeyWraps() throws(CasebookError) -> [WrappedCaseKey] {
        return try read("checking key recipients") { db in
            let required = try caseKeyRecipients(db)
            let members = try Row.fetchAll(db, sql: "SELECT device_id, person_id, signing, agreement FROM devices WHERE device_id NOT IN (SELECT device_id FROM removed_devices)").map { row in
                DevicePublicKeys(deviceID: DeviceID(rawValue: row["device_id"]), person: PersonID(rawValue: row["person_id"]),
                                 signing: row["signing"], agreement: row["agreement"])
            }
            // Every epoch held, so a DSL or grantee who joins after a rotation still reads older records.
            let held = try Row.fetchAll(db, sql: "SELECT case_id, epoch FROM case_keys WHERE recipient = ? ORDER BY case_id, epoch",
                                        arguments: [device.rawValue])
            let uploadedStatement = try db.cachedStatement(sql: "SELECT recipient FROM uploaded_key_wraps WHERE case_id = ? AND epoch = ?")
            let erased = try erasedCases(db)
            var wraps: [WrappedCaseKey] = []
            var mayRotateCase: [CaseID: Bool] = [:]
            for row in held {
                let caseID = CaseID(rawValue: row["case_id"])
                guard let epoch = KeyEpoch.from(row["epoch"] as Int64) else { continue }
                if erased.contains(caseID) { continue }  // never re-uploads keys of an erased case
                // ADR 0013: copies of a case's keys come from those who may rotate the case (the server
                // refuses the rest), an epoch above 0 with its rotation statement.
                if mayRotateCase[caseID] == nil { mayRotateCase[caseID] = try mayRotateHere(db, caseID) }
                guard caseID == .organisation || mayRotateCase[caseID] == true else { continue }
                var rotation: KeyRotationStatement?
                if epoch > 0 {
                    guard let statement = try rotationStatement(db, caseID, epoch: epoch) else { continue }
                    rotation = statement
                }
                var recipients = caseID == .organisation ? members : required
                if caseID != .organisation {
                    for grantee in try grantees(db, caseID) { recipients += try devices(db, of: grantee) }
                    recipients += try replacementDevices(db, caseID)  // a new laptop for the same person (ADR 0024)
                }
                let uploaded = Set(try String.fetchAll(uploadedStatement, arguments: [caseID.rawValue, Int64(epoch)]))
                var key: CaseKey?
                var seen: Set<DeviceID> = []
                for recipient in recipients where recipient.deviceID != device && !uploaded.contains(recipient.deviceID.rawValue) {
                    guard seen.insert(recipient.deviceID).inserted else { continue }
                    if key == nil { key = try caseKey(db, caseID: caseID, epoch: epoch) }
                    guard let key else { break }
                    wraps.append(try KeyWrap.wrap(key, for: recipient, by: identity, rotation: rotation))
                }
            }
            return wraps
        }
    }

    /// Whether this device can read a case.
    public func canRead(_ caseID: CaseID) throws(CasebookError) -> Bool {
        return try read("reading keys") { db in try holdsKey(db, for: caseID) }
    }

    /// Decrypts a revision with the keys this device holds (nil when it holds none for its epoch).
    public func decryptIfHeld(_ sealed: SealedRevision) throws(CasebookError) -> Revision? {
        return try read("decrypting") { db in
            guard let key = try caseKey(db, caseID: sealed.header.caseID, epoch: sealed.header.keyEpoch) else { return nil }
            return try RevisionSealer.decrypt(sealed, key: key)
        }
    }

    /// Every stored revision id with its merged state fingerprint, for convergence checks.
    public func revisionIDs() throws(CasebookError) -> Set<RevisionID> {
        return try read("reading revisions") { db in Set(try String.fetchAll(db, sql: "SELECT id FROM revisions").map(RevisionID.init(rawValue:))) }
    }

    /// The merged state of every record this device can read.
    public func mergedState() throws(CasebookError) -> [MergedRecord] {
        return try read("merging records") { db in try mergedRecords(db) }
    }

    /// Stored revisions of a case, sealed (for tests and export of ciphertext).
    public func sealedRevisions(of caseID: CaseID) throws(CasebookError) -> [SealedRevision] {
        return try read("reading revisions") { db in try sealedRevisions(db, caseID: caseID) }
    }

    /// Appends an audit entry for a sync-related action (grant, revoke, sync).
    public func auditSync(_ action: AuditAction, caseID: CaseID? = nil) throws(CasebookError) {
        try audit(action, caseID: caseID)
    }
}

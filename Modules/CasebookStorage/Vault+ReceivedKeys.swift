public import CasebookCrypto
public import CasebookModels
import Foundation
import GRDB
import Synchronization

/// What receiving wrapped keys from the server did.
public struct KeyReceipt: Sendable, Hashable {
    public var stored = 0
    /// Cases this device could not read before: pull their history (backfill).
    public var newCases: [CaseID] = []
    /// Served keys this replica refused (a hostile or broken server): ids and reasons only.
    public var rejected: [RejectedKey] = []
}

/// A served wrapped key the replica refused to store: identifiers and a reason, never key material.
public struct RejectedKey: Sendable, Hashable, Codable {
    public var caseID: CaseID
    public var epoch: UInt32
    public var wrappedBy: DeviceID
    /// `not-for-this-device`, `unknown-device`, `tampered` (bad signature, does not open, or not the
    /// committed key), `not-entitled`, `device-removed`, and for epochs above 0 (ADR 0013)
    /// `no-rotation-statement`, `epoch-gap`, `clock-skew`, `conflicting-rotation`.
    public var reason: RefusalReason
    public var message: String

    public init(caseID: CaseID, epoch: UInt32, wrappedBy: DeviceID, reason: RefusalReason, message: String) {
        self.caseID = caseID
        self.epoch = epoch
        self.wrappedBy = wrappedBy
        self.reason = reason
        self.message = message
    }
}

extension Vault {
    // MARK: - Receiving keys

    /// Wrappers of served keys (not yet held) this replica does not know: the caller refreshes the
    /// organisation once before `receiveKeys`, as for unknown revision authors.
    public func unknownWrappers(in keys: [WrappedCaseKey]) throws(CasebookError) -> Set<DeviceID> {
        return try read("reading devices") { db in
            let held = try db.cachedStatement(sql: "SELECT 1 FROM case_keys WHERE case_id = ? AND epoch = ? AND recipient = ?")
            var unknown: Set<DeviceID> = [], known: Set<DeviceID> = []
            for key in keys where key.recipient == device && !unknown.contains(key.wrappedBy) && !known.contains(key.wrappedBy) {
                if try Int.fetchOne(held, arguments: [key.caseID.rawValue, Int64(key.epoch), device.rawValue]) != nil { continue }
                if try trustedDevice(db, key.wrappedBy) == nil { unknown.insert(key.wrappedBy) } else { known.insert(key.wrappedBy) }
            }
            return unknown
        }
    }

    /// Whether a wrapped key carries a valid signature by the device it names as wrapper, and this
    /// replica trusts that device (certified through the chain to the pinned root). Recovery uses it
    /// before re-wrapping the recovery key's copies: the recovery key's public half is no secret, so
    /// anyone, the server included, can make a copy that opens.
    public func isSignedByTrustedDevice(_ wrapped: WrappedCaseKey) throws(CasebookError) -> Bool {
        return try read("reading devices") { db in
            guard let wrapper = try trustedDevice(db, wrapped.wrappedBy) else { return false }
            return wrapped.isSigned(by: wrapper.keys)
        }
    }

    /// Stores the keys the server holds for this device that pass every check (ADR 0009):
    /// 1. wrapped for this device, and not already held (a no-op sync costs no key unwrapping);
    /// 2. signed by the device named as wrapper, which this replica trusts (certified through the
    ///    chain to the pinned root);
    /// 3. that device's person may hand out the case's keys (`mayDistribute`);
    /// 4. it opens with this device's private key under its own case, epoch and recipient.
    /// 5. its wrapper was not removed; and an epoch above 0 carries a valid rotation statement
    ///    (`rotationRefusal`, ADR 0013).
    /// Anything else is reported in `rejected` and not stored; the rest is stored.
    public func receiveKeys(_ keys: [WrappedCaseKey]) throws(CasebookError) -> KeyReceipt {
        var receipt = KeyReceipt()
        try write("storing received keys") { db in
            let exists = try db.cachedStatement(sql: "SELECT 1 FROM case_keys WHERE case_id = ? AND epoch = ? AND recipient = ?")
            let heldAtStart = Set(try String.fetchAll(db, sql: "SELECT DISTINCT case_id FROM case_keys WHERE recipient = ?",
                                                      arguments: [device.rawValue]).map(CaseID.init(rawValue:)))
            // Oldest epoch first, so a batch that hands over a whole case stores its keys in order.
            let ordered = keys.sorted { ($0.caseID, $0.epoch, $0.wrappedBy) < ($1.caseID, $1.epoch, $1.wrappedBy) }
            let erased = try erasedCases(db)
            for wrapped in ordered {
                // An erased case's key is never held again (a server that has not erased it yet still serves it).
                if erased.contains(wrapped.caseID) { continue }
                func reject(_ reason: RefusalReason, _ message: String) {
                    receipt.rejected.append(RejectedKey(caseID: wrapped.caseID, epoch: wrapped.epoch, wrappedBy: wrapped.wrappedBy,
                                                        reason: reason, message: message))
                }
                let what = "the key of case \(wrapped.caseID) epoch \(wrapped.epoch) wrapped by device \(wrapped.wrappedBy)"
                guard wrapped.recipient == device else { reject(.notForThisDevice, "\(what) is for another device"); continue }
                if try Int.fetchOne(exists, arguments: [wrapped.caseID.rawValue, Int64(wrapped.epoch), device.rawValue]) != nil { continue }
                guard let wrapper = try trustedDevice(db, wrapped.wrappedBy) else {
                    reject(.unknownDevice, "\(what) names a wrapper the organisation has not certified"); continue
                }
                guard wrapped.isSigned(by: wrapper.keys) else {
                    reject(.tampered, "\(what) does not carry that device's valid signature"); continue
                }
                // ADR 0013: a wrapped key carries no stamp, so an epoch-0 key a removed device wrapped is
                // refused whenever it was wrapped (a leaver's planted first key). Above 0 the rotation
                // statement's stamp and key commitment decide (`rotationRefusal`): a copy by a since-removed
                // device of a genuine epoch can only be that epoch's key.
                if wrapped.epoch == 0, try removalStamp(db, wrapped.wrappedBy) != nil {
                    reject(.deviceRemoved, "\(what) was wrapped by a device an administrator removed"); continue
                }
                guard try mayDistribute(db, wrapper, wrapped.caseID, bootstrap: !heldAtStart.contains(wrapped.caseID)) else {
                    reject(.notEntitled, "\(what) is refused: this replica has no evidence that its person can read that case")
                    continue
                }
                guard let opened = try? KeyWrap.unwrap(wrapped, with: identity) else {
                    reject(.tampered, "\(what) does not open with this device's key"); continue
                }
                // ADR 0013: an epoch above 0 exists only with a valid rotation statement.
                if wrapped.epoch > 0, let refusal = try rotationRefusal(db, wrapped, opened: opened) {
                    reject(refusal.reason, refusal.message); continue
                }
                let heldBefore = try holdsKey(db, for: wrapped.caseID)
                try storeWrappedKey(db, wrapped)
                receipt.stored += 1
                if !heldBefore, !receipt.newCases.contains(wrapped.caseID) { receipt.newCases.append(wrapped.caseID) }
            }
            if receipt.stored > 0 {
                cache.withLock { $0.organisation = nil; $0.knownNames = nil }
                try adoptRecoveryKey(db)
            }
        }
        return receipt
    }

    /// Whether a trusted device may hand this replica a key of a case. Every path that wraps keys
    /// today is covered: the case's creator (an author of the case), any holder distributing to a
    /// DSL, the recovery key or a new device, a grant or a rotation by the owner, a DSL or an
    /// administrator, and the organisation key for every member.
    ///
    /// - The organisation case: any certified member (every member holds its key).
    /// - This replica's own person, an administrator or a DSL (certified roles): any case.
    /// - A case this replica held no key of before this batch (`bootstrap`): any certified member.
    ///   The replica cannot know who may read a case it has never seen; a member colluding with the
    ///   server could hand it a key of their own making for such a case (threat model).
    /// - Otherwise the wrapper's person must be a known reader of the case: a grantee this replica
    ///   recorded, someone it wrapped the case's key for, someone it accepted a key of the case from,
    ///   or the author of a stored revision of the case that decrypts under a key this replica holds.
    ///   So neither the server nor a member without access can give it a new epoch to seal under.
    func mayDistribute(_ db: Database, _ wrapper: TrustedDevice, _ caseID: CaseID, bootstrap: Bool) throws -> Bool {
        if caseID == .organisation || wrapper.keys.person == person || bootstrap { return true }
        if wrapper.isAdmin || wrapper.roles.contains(Role.dsl.rawValue) { return true }
        return try isKnownReader(db, wrapper.keys.person, of: caseID)
    }

    /// Evidence, from this replica's own records, that a person can read a case.
    func isKnownReader(_ db: Database, _ reader: PersonID, of caseID: CaseID) throws -> Bool {
        if try grantees(db, caseID).contains(reader) { return true }
        let devicesOfReader = "SELECT device_id FROM devices WHERE person_id = ?"
        if try Int.fetchOne(db, sql: """
            SELECT 1 FROM case_keys WHERE case_id = ? AND (recipient IN (\(devicesOfReader)) OR wrapped_by IN (\(devicesOfReader))) LIMIT 1
            """, arguments: [caseID.rawValue, reader.rawValue, reader.rawValue]) != nil { return true }
        // An author whose revision opens under a key this replica holds held that key. (Revisions
        // stored before this replica held their key were not decrypted on arrival: decrypt here.)
        let rows = try Row.fetchAll(db, sql: """
            SELECT id, header, ciphertext, signature FROM revisions
            WHERE case_id = ? AND author_device IN (\(devicesOfReader))
              AND key_epoch IN (SELECT epoch FROM case_keys WHERE case_id = ? AND recipient = ?)
            ORDER BY local_seq LIMIT 8
            """, arguments: [caseID.rawValue, reader.rawValue, caseID.rawValue, device.rawValue])
        for row in rows {
            guard let sealed = try? SealedRevision(headerBytes: row["header"], ciphertext: row["ciphertext"], signature: row["signature"],
                                                   claimedID: RevisionID(rawValue: row["id"])),
                  let key = try caseKey(db, caseID: caseID, epoch: sealed.header.keyEpoch) else { continue }
            if (try? RevisionSealer.decrypt(sealed, key: key)) != nil { return true }
        }
        return false
    }
}

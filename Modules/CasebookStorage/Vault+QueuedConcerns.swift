import CasebookCrypto
public import CasebookModels
import Crypto
public import Foundation
import GRDB

/// A safeguarding concern written on a laptop that holds no key for its client yet (a new laptop
/// before its administrator's and the DSL's syncs: ADR 0024). Kept in the vault sealed under a key
/// derived from this device's identity (never in clear, never on the server), and raised as an
/// ordinary concern, by the ordinary transaction, once the client resolves and the key is held.
public struct QueuedConcern: Codable, Sendable, Hashable {
    public var id: String
    /// What the practitioner typed for the client: a name, an id or an id prefix.
    public var client: String
    public var category: ConcernCategory
    public var details: String
    public var session: String?
    public var clientViews: String?
    public var actionTaken: String?
    public var writtenAt: Date
}

extension Vault {
    /// Prefixed to a queued concern's id as the authenticated data it is sealed under (its
    /// `sync_state` key before ADR 0028, unchanged so that concerns queued then still open).
    private static let queuedConcernPrefix = "queued-concern:"

    private var queuedConcernKey: SymmetricKey {
        HKDF<SHA256>.deriveKey(inputKeyMaterial: identity.auditKey, info: Data("casebook/queued-concerns/v1".utf8), outputByteCount: 32)
    }

    /// Whether a concern about `reference` should be queued rather than refused: this replica is
    /// enrolled and still waits for keys (not yet certified, or holding no client case's key at all),
    /// or the reference is a full client id whose key it does not hold. A typo on a laptop that
    /// holds its cases is refused as before.
    public func shouldQueueConcern(about reference: String) throws(CasebookError) -> Bool {
        guard try serverURL() != nil else { return false }
        if try awaitingCertification() != nil { return true }
        return try read("checking the keys held") { db in
            let held = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM case_keys WHERE recipient = ? AND case_id != ?",
                                        arguments: [device.rawValue, CaseID.organisation.rawValue]) ?? 0
            if held == 0 { return true }
            if let id = ClientID(parsing: reference.trimmingCharacters(in: .whitespaces)), id != .organisation {
                return try !holdsKey(db, for: id)
            }
            return false
        }
    }

    /// Saves a concern until its client's key arrives. Validates what can be validated now.
    @discardableResult
    public func queueConcern(client reference: String, category: ConcernCategory, details: String, session: String? = nil,
                             clientViews: String? = nil, actionTaken: String? = nil) throws(CasebookError) -> QueuedConcern {
        let text = details.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw CasebookError(.invalidInput, "--details must describe the concern") }
        let queued = QueuedConcern(id: RecordID.random().rawValue, client: reference, category: category, details: text, session: session,
                                   clientViews: clientViews, actionTaken: actionTaken, writtenAt: clock.now)
        let key = Self.queuedConcernPrefix + queued.id
        try write("saving the concern") { db in
            let box = try AES.GCM.seal(try JSONEncoder().encode(queued), using: queuedConcernKey, authenticating: Data(key.utf8))
            guard let combined = box.combined else { throw CasebookError(.crypto, "sealing the concern failed") }
            try db.execute(sql: "INSERT OR REPLACE INTO queued_concerns (id, sealed) VALUES (?, ?)", arguments: [queued.id, combined])
            try appendAudit(db, action: .create, recordType: .concern)
        }
        return queued
    }

    /// Concerns saved on this laptop and not yet raised.
    public func queuedConcerns() throws(CasebookError) -> [QueuedConcern] {
        try read("reading saved concerns") { db in
            let rows = try Row.fetchAll(db, sql: "SELECT id, sealed FROM queued_concerns")
            return try rows.map { row in
                let key = Self.queuedConcernPrefix + (row["id"] as String)
                let data: Data = row["sealed"]
                let opened = try AES.GCM.open(try AES.GCM.SealedBox(combined: data), using: queuedConcernKey, authenticating: Data(key.utf8))
                return try JSONDecoder().decode(QueuedConcern.self, from: opened)
            }.sorted { ($0.writtenAt, $0.id) < ($1.writtenAt, $1.id) }
        }
    }

    /// Raises every saved concern whose client now resolves and whose key this laptop holds: each
    /// by the ordinary concern transaction (so every receiver's rules apply as to any concern), with
    /// its removal from the queue in the same transaction. Others stay saved. Returns those raised.
    public func raiseQueuedConcerns() throws(CasebookError) -> [SafeguardingConcern] {
        var raised: [SafeguardingConcern] = []
        for queued in try queuedConcerns() {
            guard let client = try? resolveClient(queued.client), try canRead(client) else { continue }
            let session = queued.session.flatMap { try? resolveRecord($0, types: [.session], what: "session", list: .hint(.sessions)) }
            raised.append(try write("raising a saved concern") { db in
                let concern = try raiseConcern(db, client: client, category: queued.category, details: queued.details, session: session,
                                               clientViews: queued.clientViews, actionTaken: queued.actionTaken, queuedAt: queued.writtenAt)
                try db.execute(sql: "DELETE FROM queued_concerns WHERE id = ?", arguments: [queued.id])
                return concern
            })
        }
        return raised
    }
}

public import CasebookCrypto
public import CasebookModels
import CasebookRedaction
import Foundation
import GRDB
import Synchronization

/// How a vault is unlocked.
public enum VaultUnlock: Sendable {
    /// The owner's passphrase (runs scrypt).
    case passphrase(String)
    /// The identity held in memory by the unlock agent (`casebook unlock`), while it runs.
    case handOver(IdentityHandOver)
}

/// A practitioner's encrypted replica: one SQLite file holding sealed revisions, wrapped case keys,
/// the sealed device identity and the audit chain.
///
/// Invariants:
/// - nothing written to the file is client content in plaintext (P1);
/// - every change is a new signed, encrypted revision; nothing is edited in place;
/// - every change and every read of a client's records appends to the audit chain in the same
///   transaction as the change.
public final class Vault: Sendable {
    public let path: String
    public let identity: DeviceIdentity
    public let clock: any WallClock
    let pool: DatabasePool
    let cache = Mutex(VaultCache())

    init(path: String, pool: DatabasePool, identity: DeviceIdentity, clock: any WallClock) {
        self.path = path
        self.pool = pool
        self.identity = identity
        self.clock = clock
    }

    public var person: PersonID { identity.person }
    public var device: DeviceID { identity.deviceID }

    // MARK: - Creating and opening

    /// Creates a standalone vault whose owner administers it.
    public static func create(at path: String, passphrase: String, ownerName: String, role: Role,
                              type: PersonType = .staff, organisationName: String? = nil,
                              kdf: KDFParameters = .standard(), clock: any WallClock = SystemWallClock()) throws(CasebookError) -> Vault {
        guard passphrase.count >= 10 else {
            throw CasebookError(.invalidInput, "the passphrase must be at least 10 characters long")
        }
        guard !ownerName.allSatisfy(\.isWhitespace) else { throw CasebookError(.invalidInput, "--name must not be empty") }
        let person = PersonID.random()
        let identity = DeviceIdentity.generate(person: person)
        let key = try PassphraseKDF.deriveKey(passphrase: passphrase, parameters: kdf)
        let sealed = try SealedIdentity.seal(identity, key: key, context: SealedIdentity.passphraseContext(kdf))
        let pool = try VaultDatabase.open(path: path, create: true)
        let vault = Vault(path: path, pool: pool, identity: identity, clock: clock)
        do throws(CasebookError) {
            try vault.write("creating the vault") { db in
                try Meta.set(db, .format, Data("1".utf8))
                try Meta.setJSON(db, .kdf, kdf)
                try Meta.setJSON(db, .identity, sealed)
                try Meta.setJSON(db, .devicePublicKeys, identity.publicKeys)
                try vault.storeDevice(db, identity.publicKeys, roles: nil)
                let orgKey = CaseKey.generate(caseID: .organisation, epoch: 0)
                try vault.storeWrappedKey(db, try KeyWrap.wrap(orgKey, for: identity.publicKeys, by: identity))
                let roles = Array(Set([role, .admin])).sorted { $0.rawValue < $1.rawValue }
                let owner = Person(id: person, name: ownerName.trimmingCharacters(in: .whitespaces), type: type, roles: roles)
                var settings = OrganisationSettings()
                if let organisationName { settings.organisationName = organisationName }
                try vault.commit(db, [
                    .init(record: person.recordID, type: .person, caseID: .organisation, fields: try FieldCoding.fields(of: owner)),
                    .init(record: OrganisationSettings.recordID, type: .settings, caseID: .organisation,
                          fields: try FieldCoding.fields(of: settings)),
                ], action: .create)
            }
        } catch {
            try? FileManager.default.removeItem(atPath: path)
            throw error
        }
        return vault
    }

    /// Opens and unlocks an existing vault.
    public static func open(at path: String, unlock: VaultUnlock, clock: any WallClock = SystemWallClock()) throws(CasebookError) -> Vault {
        let pool = try VaultDatabase.open(path: path, create: false)
        let identity = try read(pool, "unlocking the vault") { db -> DeviceIdentity in
            guard let sealed = try Meta.json(db, .identity, SealedIdentity.self) else {
                throw CasebookError(.vaultCorrupt, "\(path) holds no sealed identity; it is not a complete Casebook vault")
            }
            switch unlock {
            case .passphrase(let passphrase):
                guard let kdf = try Meta.json(db, .kdf, KDFParameters.self) else {
                    throw CasebookError(.vaultCorrupt, "the vault has no key-derivation parameters")
                }
                let key = try PassphraseKDF.deriveKey(passphrase: passphrase, parameters: kdf)
                return try sealed.open(key: key, context: SealedIdentity.passphraseContext(kdf), failure: CasebookError(
                    .wrongPassphrase, "wrong passphrase for the vault at \(path) (or the vault file was altered)"))
            case .handOver(let handOver):
                return try Vault.open(handOver, sealed: sealed)
            }
        }
        return Vault(path: path, pool: pool, identity: identity, clock: clock)
    }

    /// Raw paths of the database and its WAL (for tests that read raw bytes).
    public var filePaths: [String] { [path, path + "-wal", path + "-shm"] }

    /// Checkpoints the WAL into the main file.
    public func checkpoint() throws(CasebookError) {
        try writeOutsideTransaction("checkpointing") { db in _ = try db.checkpoint(.truncate) }
    }
}

/// Per-process caches of unwrapped keys and derived state. Never persisted.
struct VaultCache: ~Copyable {
    var caseKeys: [String: CaseKey] = [:]
    var knownNames: [String]?
    var organisation: OrganisationState?
    var clients: [CaseID: Client] = [:]
    var consents: [CaseID: [ConsentRecord]] = [:]
    /// Redactors per client (their known-identifier index is costly to build).
    var redactors: [CaseID: Redactor] = [:]
    /// The trusted devices as the rulebook sees them, when derived state was last computed: a
    /// change (a new certification, a removal) drops the derived state (see `Vault+Rulebook`).
    var ruleSigners: [DeviceID: Signer]?

    /// Forgets derived state that a new revision with this header may change.
    mutating func invalidate(for header: RevisionHeader) {
        if header.caseID == .organisation { organisation = nil }
        switch header.recordType {
        case .client:
            clients[header.caseID] = nil
            knownNames = nil
            redactors = [:]
        case .person:
            knownNames = nil
            redactors = [:]
        case .consent: consents[header.caseID] = nil
        default: break
        }
    }

    /// Forgets everything derived from the database (after a failed transaction).
    mutating func reset() {
        knownNames = nil
        organisation = nil
        clients = [:]
        consents = [:]
        redactors = [:]
    }
}

extension PersonID {
    public var recordID: RecordID { RecordID(rawValue: rawValue) }
}

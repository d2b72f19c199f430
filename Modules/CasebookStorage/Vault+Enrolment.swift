public import CasebookCrypto
public import CasebookModels
import Crypto
public import Foundation
import GRDB
import Synchronization

/// A device's public keys with the organisation's vouching, as served by the sync server.
/// The vault trusts it only if the certification chain reaches the pinned root device.
public struct DeviceCertificate: Sendable, Hashable {
    public var keys: DevicePublicKeys
    public var certifiedBy: DeviceID?
    public var certification: Data?
    public var roles: [Role]?
    public var enrolmentProof: Data?

    public init(keys: DevicePublicKeys, certifiedBy: DeviceID?, certification: Data?, roles: [Role]?, enrolmentProof: Data?) {
        self.keys = keys
        self.certifiedBy = certifiedBy
        self.certification = certification
        self.roles = roles
        self.enrolmentProof = enrolmentProof
    }
}

/// The organisation's trust rules: what an administrator signs to vouch for a device, how an
/// enrolling device proves it knew its one-time code, and the root key fingerprint.
public enum DeviceTrust {
    /// What a certifying administrator signs: the device keys and the roles vouched for, so a
    /// hostile server can neither substitute keys nor promote anyone.
    /// The format is `SignedStatement.deviceCertification`.
    public static func signedBytes(keys: DevicePublicKeys, roles: [Role]) -> Data {
        SignedStatement.deviceCertification(keys: keys, roles: roles)
    }

    /// HMAC-SHA256 over the device keys, keyed by the proof key derived from the enrolment code
    /// (never by what the server sees: ADR 0015).
    public static func enrolmentProof(secret: EnrolmentSecret, keys: DevicePublicKeys) -> Data {
        secret.proof(over: proofMessage(keys))
    }

    /// Whether `proof` shows that whoever registered `keys` knew the code's secret.
    public static func verifyEnrolmentProof(_ proof: Data, secret: EnrolmentSecret, keys: DevicePublicKeys) -> Bool {
        secret.verifyProof(proof, over: proofMessage(keys))
    }

    static func proofMessage(_ keys: DevicePublicKeys) -> Data {
        SignedStatement.enrolmentProofMessage(keys: keys)
    }

    /// 128-bit fingerprint of a root signing key, in hex (embedded in enrolment codes).
    public static func fingerprint(signingKey: Data) -> String {
        Data(SHA256.hash(data: Data("casebook/root/v1|".utf8) + signingKey)).prefix(16).hexString
    }

    /// The pseudo-device holding the organisation recovery key (agreement key only).
    public static let recoveryDevice = DeviceID(rawValue: "recovery")
    static let recoveryRole = "recovery"
}

/// The organisation an enrolled vault belongs to (from the server's enrolment response).
public struct EnrolledOrganisation: Codable, Sendable, Hashable {
    public var id: OrganisationID
    public var name: String
    public init(id: OrganisationID, name: String) {
        self.id = id
        self.name = name
    }
}

/// A passphrase whose key is derived once (tests create many vaults; scrypt runs once). It skips
/// the passphrase-length check, so it is SPI (ADR 0026).
@_spi(Testing) @_spi(Benchmarks) public struct PreparedPassphrase: Sendable {
    let kdf: KDFParameters
    let key: SymmetricKey
    public static func prepare(_ passphrase: String) throws(CasebookError) -> PreparedPassphrase {
        let kdf = KDFParameters.standard()
        return PreparedPassphrase(kdf: kdf, key: try PassphraseKDF.deriveKey(passphrase: passphrase, parameters: kdf))
    }
}

/// The organisation recovery key: generated once by the first administrator. Its private half is
/// written to a file kept offline; its public half is a recipient of every case key.
public struct RecoveryKeyPair: Sendable {
    public let publicKey: Data
    /// The file the administrator keeps offline (the private key, base64).
    public let secretFileContents: String

    public static func generate() -> RecoveryKeyPair {
        let key = Curve25519.KeyAgreement.PrivateKey()
        let text = """
            CASEBOOK ORGANISATION RECOVERY KEY (X25519 private key, base64)
            Keep this file OFFLINE (printed or on removable media in a safe). Anyone holding it can read
            every case of the organisation; without it, a DSL or administrator must re-grant lost records.
            \(key.rawRepresentation.base64EncodedString())

            """
        return RecoveryKeyPair(publicKey: key.publicKey.rawRepresentation, secretFileContents: text)
    }
}

extension Vault {
    // MARK: - Creating an enrolled vault

    /// Creates the vault of an enrolled device. It does not create a standalone organisation:
    /// the organisation, the root device and the server come from the enrolment response.
    /// The first administrator's device is the root; it creates the organisation case key, writes
    /// its own person record and the settings (with the recovery public key) into the organisation case.
    public static func createEnrolled(at path: String, passphrase: String, identity: DeviceIdentity, ownerName: String,
                                      role: Role, type: PersonType, organisation: EnrolledOrganisation,
                                      root: DevicePublicKeys, recoveryKey: Data?, server: String,
                                      clock: any WallClock = SystemWallClock()) throws(CasebookError) -> Vault {
        guard passphrase.count >= 10 else {
            throw CasebookError(.invalidInput, "the passphrase must be at least 10 characters long")
        }
        let kdf = KDFParameters.standard()
        let key = try PassphraseKDF.deriveKey(passphrase: passphrase, parameters: kdf)
        return try createEnrolled(at: path, prepared: PreparedPassphrase(kdf: kdf, key: key), identity: identity, ownerName: ownerName,
                                  role: role, type: type, organisation: organisation, root: root, recoveryKey: recoveryKey,
                                  server: server, clock: clock)
    }

    @_spi(Testing) @_spi(Benchmarks) public static func createEnrolled(at path: String, prepared: PreparedPassphrase, identity: DeviceIdentity, ownerName: String,
                                       role: Role, type: PersonType, organisation: EnrolledOrganisation,
                                       root: DevicePublicKeys, recoveryKey: Data?, server: String,
                                       clock: any WallClock = SystemWallClock()) throws(CasebookError) -> Vault {
        let name = ownerName.trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty else { throw CasebookError(.invalidInput, "--name must not be empty") }
        let sealed = try SealedIdentity.seal(identity, key: prepared.key, context: SealedIdentity.passphraseContext(prepared.kdf))
        let pool = try VaultDatabase.open(path: path, create: true)
        let vault = Vault(path: path, pool: pool, identity: identity, clock: clock)
        let isRoot = root.deviceID == identity.deviceID
        do throws(CasebookError) {
            try vault.write("creating the enrolled vault") { db in
                try Meta.set(db, .format, Data("1".utf8))
                try Meta.setJSON(db, .kdf, prepared.kdf)
                try Meta.setJSON(db, .identity, sealed)
                try Meta.setJSON(db, .devicePublicKeys, identity.publicKeys)
                try Meta.setJSON(db, .organisation, organisation)
                try Meta.set(db, .rootDevice, Data(root.deviceID.rawValue.utf8))
                try Meta.set(db, .server, Data(server.utf8))
                try vault.storeDevice(db, identity.publicKeys, roles: isRoot ? [Role.admin.rawValue] : nil)
                if !isRoot { try vault.storeDevice(db, root, roles: [Role.admin.rawValue]) }
                guard isRoot else { return }
                if let recoveryKey { try vault.storeRecoveryKey(db, recoveryKey) }
                let orgKey = CaseKey.generate(caseID: .organisation, epoch: 0)
                for recipient in try vault.caseKeyRecipients(db) { try vault.storeWrappedKey(db, try KeyWrap.wrap(orgKey, for: recipient, by: identity)) }
                let owner = Person(id: identity.person, name: name, type: type, roles: Array(Set([role, .admin])).sorted { $0.rawValue < $1.rawValue })
                var settings = OrganisationSettings()
                settings.organisationName = organisation.name
                var settingsFields = try FieldCoding.fields(of: settings)
                if let recoveryKey { settingsFields[Self.recoveryField] = .string(recoveryKey.base64EncodedString()) }
                try vault.commit(db, [
                    .init(record: identity.person.recordID, type: .person, caseID: .organisation, fields: try FieldCoding.fields(of: owner)),
                    .init(record: OrganisationSettings.recordID, type: .settings, caseID: .organisation, fields: settingsFields),
                ], action: .create)
            }
        } catch {
            try? FileManager.default.removeItem(atPath: path)
            throw error
        }
        return vault
    }

    static let recoveryField = "recovery_key"

    func storeRecoveryKey(_ db: Database, _ publicKey: Data) throws {
        guard (try? Curve25519.KeyAgreement.PublicKey(rawRepresentation: publicKey)) != nil else {
            throw CasebookError(.tampered, "the organisation recovery key is malformed")
        }
        try storeDevice(db, DevicePublicKeys(deviceID: DeviceTrust.recoveryDevice, person: PersonID(rawValue: "recovery"),
                                             signing: Data(), agreement: publicKey), roles: [DeviceTrust.recoveryRole])
    }

    // MARK: - Membership facts

    /// The organisation this vault is enrolled in (nil for a standalone vault).
    public func enrolledOrganisation() throws(CasebookError) -> EnrolledOrganisation? {
        return try read("reading the organisation") { db in try Meta.json(db, .organisation, EnrolledOrganisation.self) }
    }

    /// The server URL remembered at enrolment.
    public func serverURL() throws(CasebookError) -> String? {
        return try read("reading the server address") { db in try Meta.get(db, .server).map { String(decoding: $0, as: UTF8.self) } }
    }

    public func setServerURL(_ url: String) throws(CasebookError) {
        try write("saving the server address") { db in try Meta.set(db, .server, Data(url.utf8)) }
    }

    public func rootDevice() throws(CasebookError) -> DeviceID? {
        return try read("reading the root device") { db in try rootDeviceID(db) }
    }

    func rootDeviceID(_ db: Database) throws -> DeviceID? {
        try Meta.get(db, .rootDevice).map { DeviceID(rawValue: String(decoding: $0, as: UTF8.self)) }
    }

    /// The fingerprint of the pinned root signing key (embedded in enrolment codes).
    public func rootFingerprint() throws(CasebookError) -> String {
        return try read("reading the root device") { db in
            guard let root = try rootDeviceID(db), let keys = try devicePublicKeys(db, root) else {
                throw CasebookError(.notAuthorised, "this vault is not enrolled in an organisation", hint: .enrol)
            }
            return DeviceTrust.fingerprint(signingKey: keys.signing)
        }
    }

    /// A device this vault trusts as a revision author (stored only once its chain is verified).
    struct TrustedDevice {
        var keys: DevicePublicKeys
        var roles: [String]
        var isAdmin: Bool
    }

    func trustedDevice(_ db: Database, _ id: DeviceID) throws -> TrustedDevice? {
        guard id != DeviceTrust.recoveryDevice,
              let row = try Row.fetchOne(db, sql: "SELECT person_id, signing, agreement, roles FROM devices WHERE device_id = ?",
                                         arguments: [id.rawValue]) else { return nil }
        let roles = (row["roles"] as String?)?.split(separator: ",").map(String.init) ?? []
        let isRoot = try rootDeviceID(db) == id
        return TrustedDevice(keys: DevicePublicKeys(deviceID: id, person: PersonID(rawValue: row["person_id"]), signing: row["signing"],
                                                    agreement: row["agreement"]),
                             roles: roles, isAdmin: isRoot || roles.contains(Role.admin.rawValue))
    }

    /// Certified devices of a person (for wrapping keys when granting).
    public func trustedDevices(of person: PersonID) throws(CasebookError) -> [DevicePublicKeys] {
        return try read("reading devices") { db in
            try Row.fetchAll(db, sql: "SELECT device_id, signing, agreement FROM devices WHERE person_id = ? AND device_id != ? AND device_id NOT IN (SELECT device_id FROM removed_devices)",
                             arguments: [person.rawValue, DeviceTrust.recoveryDevice.rawValue]).map { row in
                DevicePublicKeys(deviceID: DeviceID(rawValue: row["device_id"]), person: person, signing: row["signing"],
                                 agreement: row["agreement"])
            }
        }
    }

    /// Folds the served device list into the trusted set: a device is trusted only when an
    /// administrator device already trusted (ultimately the pinned root) signed its keys and roles.
    /// Returns the devices newly trusted. Also adopts the recovery key from the (signed, encrypted)
    /// organisation settings once this replica can read them.
    @discardableResult
    public func updateDevices(_ certificates: [DeviceCertificate]) throws(CasebookError) -> [DeviceID] {
        return try write("updating devices") { db in
            var newlyTrusted: [DeviceID] = []
            var changed = true
            var pending = certificates
            while changed {
                changed = false
                var remaining: [DeviceCertificate] = []
                for cert in pending {
                    guard let certifier = cert.certifiedBy, let signature = cert.certification, let roles = cert.roles,
                          let signer = try trustedDevice(db, certifier), signer.isAdmin, try removalStamp(db, certifier) == nil,
                          (try? signer.keys.signingKey().isValidSignature(signature, for: DeviceTrust.signedBytes(keys: cert.keys, roles: roles))) == true
                    else { remaining.append(cert); continue }
                    let existing = try trustedDevice(db, cert.keys.deviceID)
                    if let existing, existing.keys.signing != cert.keys.signing || existing.keys.agreement != cert.keys.agreement {
                        continue  // a served certificate never replaces pinned keys
                    }
                    if existing?.roles.sorted() != roles.map(\.rawValue).sorted() {
                        try storeDevice(db, cert.keys, roles: roles.map(\.rawValue), certifiedBy: certifier, certification: signature)
                        if existing == nil { newlyTrusted.append(cert.keys.deviceID) }
                        changed = true
                    }
                }
                pending = remaining
            }
            try adoptRecoveryKey(db)
            return newlyTrusted
        }
    }

    /// Takes the recovery public key from the organisation settings (written by an administrator,
    /// signed and encrypted), never from the server's say-so.
    func adoptRecoveryKey(_ db: Database) throws {
        guard try devicePublicKeys(db, DeviceTrust.recoveryDevice) == nil, try holdsKey(db, for: .organisation),
              let settings = try mergedRecord(db, id: OrganisationSettings.recordID),
              case .string(let text)? = settings.fields[Self.recoveryField], let key = Data(base64Encoded: text) else { return }
        try storeRecoveryKey(db, key)
    }
}

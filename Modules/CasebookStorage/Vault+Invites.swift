import CasebookCrypto
public import CasebookModels
import Crypto
public import Foundation
import GRDB
import Synchronization

/// A fresh invitation: the one-time code given to the invitee and what the server may know of it.
public struct Invitation: Sendable {
    public var person: PersonID
    public var name: String
    public var role: Role
    public var type: PersonType
    /// What the invitee types: `PERSON.SECRET.ROOTFINGERPRINT` (the fingerprint lets the invitee
    /// check the root key the server serves; the person id names whom the code is for).
    public var code: String
    /// The secret part (256 random bits, base64url); the server receives only its SHA-256.
    public var secret: String
    public var codeHash: Data
}

/// An enrolment code as typed by the invitee.
public struct EnrolmentCode: Sendable, Hashable {
    public var person: PersonID?
    public var secret: String
    public var rootFingerprint: String?

    /// Parses `PERSON.SECRET.FINGERPRINT` (an invitation) or a bare `SECRET` (the first
    /// administrator's code from `casebook-server init`, with `--person`).
    public init(parsing text: String) throws(CasebookError) {
        let parts = text.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        switch parts.count {
        case 1 where !parts[0].isEmpty:
            person = nil; secret = parts[0]; rootFingerprint = nil
        case 3:
            guard let id = PersonID(parsing: parts[0]), !parts[1].isEmpty,
                  parts[2].count == 32, parts[2].allSatisfy(\.isHexDigit) else {
                throw CasebookError(.invalidInput, "the enrolment code is malformed; copy it exactly as the administrator gave it")
            }
            person = id; secret = parts[1]; rootFingerprint = parts[2].lowercased()
        default:
            throw CasebookError(.invalidInput, "the enrolment code is malformed; copy it exactly as the administrator gave it")
        }
    }

    public static func hash(secret: String) -> Data { Data(SHA256.hash(data: Data(secret.utf8))) }
}

/// A certification this administrator's replica will post for a device that proved its code.
public struct CertificationToIssue: Sendable, Hashable {
    public var device: DeviceID
    public var person: PersonID
    public var certifiedBy: DeviceID
    public var certification: Data
    public var roles: [Role]
}

extension Vault {
    private static func inviteKey(_ person: PersonID) -> String { "invite:\(person.rawValue)" }

    private var inviteSealingKey: SymmetricKey {
        HKDF<SHA256>.deriveKey(inputKeyMaterial: identity.auditKey, info: Data("casebook/invite-codes/v1".utf8), outputByteCount: 32)
    }

    /// Prepares an invitation (administrators of an enrolled vault). Nothing is stored until the
    /// server has accepted it (`recordInvitation`). `existing` invites the owner of a standalone
    /// vault under the person id their records already carry (docs/adr/0010-membership.md).
    public func prepareInvitation(name: String, role: Role, type: PersonType, existing: PersonID? = nil) throws(CasebookError) -> Invitation {
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { throw CasebookError(.invalidInput, "--name must not be empty") }
        do {
            try pool.read { db in
                try requireRole(db, [.admin], to: "invite people")
                if let existing, try organisationState(db).person(existing) != nil {
                    throw CasebookError(.conflict, "person \(existing) is already in the organisation records")
                }
            }
        } catch { throw storageError(error, "inviting") }
        let fingerprint = try rootFingerprint()
        let person = existing ?? PersonID.random()
        let secret = SymmetricKey.randomToken()
        return Invitation(person: person, name: trimmed, role: role, type: type, code: "\(person.rawValue).\(secret).\(fingerprint)",
                          secret: secret, codeHash: EnrolmentCode.hash(secret: secret))
    }

    /// Writes the invitee's person record (encrypted, in the organisation case: names never reach
    /// the server) and keeps the code, sealed, to verify the invitee's enrolment proof later.
    public func recordInvitation(_ invitation: Invitation) throws(CasebookError) {
        do {
            try pool.write { db in
                try requireRole(db, [.admin], to: "invite people")
                let person = Person(id: invitation.person, name: invitation.name, type: invitation.type, roles: [invitation.role])
                try commit(db, [.init(record: invitation.person.recordID, type: .person, caseID: .organisation,
                                      fields: try FieldCoding.fields(of: person))], action: .create)
                let box = try AES.GCM.seal(Data(invitation.secret.utf8), using: inviteSealingKey,
                                           authenticating: Data(Self.inviteKey(invitation.person).utf8))
                guard let combined = box.combined else { throw CasebookError(.crypto, "sealing the invitation failed") }
                try Self.setSyncValue(db, Self.inviteKey(invitation.person), combined.base64EncodedString())
            }
        } catch { throw storageError(error, "recording the invitation") }
    }

    private func inviteSecret(_ db: Database, _ person: PersonID) throws -> String? {
        guard let text = try String.fetchOne(db, sql: "SELECT value FROM sync_state WHERE key = ?", arguments: [Self.inviteKey(person)]),
              let data = Data(base64Encoded: text) else { return nil }
        let box = try AES.GCM.SealedBox(combined: data)
        return String(decoding: try AES.GCM.open(box, using: inviteSealingKey, authenticating: Data(Self.inviteKey(person).utf8)),
                      as: UTF8.self)
    }

    /// Certifications to post: devices of people this administrator invited whose enrolment proof
    /// matches the code. The roles come from the invitee's person record written by the administrator.
    public func certificationsToIssue(_ served: [DeviceCertificate]) throws(CasebookError) -> [CertificationToIssue] {
        do {
            return try pool.read { db in
                guard let me = try trustedDevice(db, device), me.isAdmin else { return [] }
                let org = try organisationState(db)
                var issued: [CertificationToIssue] = []
                let removed = try removedDeviceIDs(db)
                for cert in served where cert.certification == nil && !removed.contains(cert.keys.deviceID) {
                    guard let proof = cert.enrolmentProof, let secret = try inviteSecret(db, cert.keys.person),
                          let person = org.person(cert.keys.person), person.active else { continue }
                    let expected = DeviceTrust.enrolmentProof(code: secret, keys: cert.keys)
                    guard expected == proof else { continue }
                    let roles = person.roles.sorted { $0.rawValue < $1.rawValue }
                    let signature = try identity.sign(DeviceTrust.signedBytes(keys: cert.keys, roles: roles))
                    issued.append(CertificationToIssue(device: cert.keys.deviceID, person: person.id, certifiedBy: device,
                                                       certification: signature, roles: roles))
                }
                return issued
            }
        } catch { throw storageError(error, "checking enrolments") }
    }

    /// Forgets a used invitation code.
    public func completeInvitation(_ person: PersonID) throws(CasebookError) {
        try setSyncValue(Self.inviteKey(person), nil)
    }

    /// Persons with an invitation still awaiting certification by this replica.
    public func pendingInvitations() throws(CasebookError) -> [PersonID] {
        do {
            return try pool.read { db in
                try String.fetchAll(db, sql: "SELECT key FROM sync_state WHERE key LIKE 'invite:%'").map {
                    PersonID(rawValue: String($0.dropFirst("invite:".count)))
                }
            }
        } catch { throw storageError(error, "reading invitations") }
    }

    /// Commits arbitrary changes without the policy checks of the public commands nor the
    /// writer's rulebook check (simulations and tests of the sync layer only; receivers still run
    /// the rulebook on them).
    @discardableResult
    package func commitForTesting(_ changes: [PendingChange], createCase: Bool = false) throws(CasebookError) -> [SealedRevision] {
        do {
            return try pool.write { db in
                for change in changes where createCase {
                    if try !holdsKey(db, for: change.caseID) { _ = try createCaseKey(db, for: change.caseID) }
                }
                return try commit(db, changes, action: .create, checked: false)
            }
        } catch { throw storageError(error, "committing") }
    }
}

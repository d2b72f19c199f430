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
    /// What the invitee types: `cb1.PERSON.SECRET.ROOTFINGERPRINT[.SERVERPIN]` (ADR 0015). The
    /// fingerprint lets the invitee check the root key the server serves; the optional pin is the
    /// SHA-256 of the server's TLS certificate; the person id names whom the code is for.
    public var code: String
    /// The secret part (256 random bits); the server receives only SHA-256 of its server-auth value.
    public var secret: EnrolmentSecret
    public var codeHash: Data
}

/// An enrolment code as typed by the invitee. Every code starts with `cb1.`, so it never starts
/// with `-` (a command-line parser would take it for an option).
public struct EnrolmentCode: Sendable, Hashable {
    public var person: PersonID?
    public var secret: EnrolmentSecret
    public var rootFingerprint: String?
    /// SHA-256 of the server's TLS certificate (DER), when the inviting administrator's server uses TLS.
    public var serverCertificatePin: Data?

    /// Parses `cb1.PERSON.SECRET.FINGERPRINT[.PIN]` (an invitation) or `cb1.SECRET` (the first
    /// administrator's code from `casebook-server init`, with `--person`).
    public init(parsing text: String) throws(CasebookError) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let malformed = CasebookError(.invalidInput, "the enrolment code is malformed; copy it exactly as the administrator gave it")
        guard trimmed.hasPrefix(EnrolmentSecret.codePrefix) else {
            throw CasebookError(.invalidInput,
                "this enrolment code is not a current casebook code (they start with 'cb1.'); an older code cannot be used: ask your administrator for a new one")
        }
        let parts = trimmed.dropFirst(EnrolmentSecret.codePrefix.count).split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        switch parts.count {
        case 1:
            guard let secret = EnrolmentSecret(encoded: parts[0]) else { throw malformed }
            person = nil; self.secret = secret; rootFingerprint = nil; serverCertificatePin = nil
        case 3, 4:
            guard let id = PersonID(parsing: parts[0]), id.rawValue == parts[0], let secret = EnrolmentSecret(encoded: parts[1]),
                  parts[2].count == 32, parts[2].allSatisfy(\.isHexDigit) else { throw malformed }
            person = id; self.secret = secret; rootFingerprint = parts[2].lowercased()
            if parts.count == 4 {
                guard parts[3].count == 64, let pin = Data(hex: parts[3]) else { throw malformed }
                serverCertificatePin = pin
            } else {
                serverCertificatePin = nil
            }
        default:
            throw malformed
        }
    }

    /// The text of an invitation code.
    public static func invitation(person: PersonID, secret: EnrolmentSecret, rootFingerprint: String, serverPin: Data?) -> String {
        var code = "\(EnrolmentSecret.codePrefix)\(person.rawValue).\(secret.encoded).\(rootFingerprint)"
        if let serverPin { code += "." + serverPin.hexString }
        return code
    }
}

/// A certification this administrator's replica will post for a device that proved its code.
public struct CertificationToIssue: Sendable, Hashable {
    public var device: DeviceID
    public var person: PersonID
    public var certifiedBy: DeviceID
    public var certification: Data
    public var roles: [Role]
    public var fingerprint: String
}

/// A device whose enrolment proof verifies for an invitation this administrator issued, but which
/// is not certified automatically: the invitation already vouched for a device, or several devices
/// claim it at once. It waits for `casebook device certify DEVICE` (ADR 0015).
public struct HeldEnrolment: Sendable, Hashable, Codable {
    public var device: DeviceID
    public var person: PersonID
    public var name: String?
    public var fingerprint: String

    /// One line for the administrator.
    public var message: String {
        "pending: device \(fingerprint) (\(device)) claims the invitation of \(name ?? person.rawValue); "
            + "compare the fingerprint with the one their 'casebook enrol' printed, then run 'casebook device certify \(device)' to vouch for it"
    }
}

/// What an administrator's replica makes of the devices the server serves.
public struct EnrolmentReview: Sendable, Hashable {
    public var toIssue: [CertificationToIssue] = []
    public var held: [HeldEnrolment] = []
}

extension Vault {
    /// The authenticated data a kept invitation secret is sealed under (the `sync_state` key it had
    /// before ADR 0028, unchanged so that secrets sealed then still open).
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
        try read("inviting") { db in
            try requireRole(db, [.admin], to: "invite people")
            if let existing, try organisationState(db).person(existing) != nil {
                throw CasebookError(.conflict, "person \(existing) is already in the organisation records")
            }
        }
        let fingerprint = try rootFingerprint()
        let person = existing ?? PersonID.random()
        let secret = EnrolmentSecret.generate()
        let pin = try transportSecurity().serverCertificatePin
        return Invitation(person: person, name: trimmed, role: role, type: type,
                          code: EnrolmentCode.invitation(person: person, secret: secret, rootFingerprint: fingerprint, serverPin: pin),
                          secret: secret, codeHash: secret.serverAuthHash)
    }

    /// Writes the invitee's person record (encrypted, in the organisation case: names never reach
    /// the server) and keeps the code, sealed, to verify the invitee's enrolment proof later.
    public func recordInvitation(_ invitation: Invitation) throws(CasebookError) {
        try write("recording the invitation") { db in
            try requireRole(db, [.admin], to: "invite people")
            // A device invitation for an existing member (ADR 0024) keeps their person record as it is.
            if try organisationState(db).person(invitation.person) == nil {
                let person = Person(id: invitation.person, name: invitation.name, type: invitation.type, roles: [invitation.role])
                try commit(db, [.init(record: invitation.person.recordID, type: .person, caseID: .organisation,
                                      fields: try FieldCoding.fields(of: person))], action: .create)
            }
            let box = try AES.GCM.seal(Data(invitation.secret.encoded.utf8), using: inviteSealingKey,
                                       authenticating: Data(Self.inviteKey(invitation.person).utf8))
            guard let combined = box.combined else { throw CasebookError(.crypto, "sealing the invitation failed") }
            try db.execute(sql: """
                INSERT INTO invitations (person_id, used, sealed_secret) VALUES (?, 0, ?)
                ON CONFLICT(person_id, used) DO UPDATE SET sealed_secret = excluded.sealed_secret
                """, arguments: [invitation.person.rawValue, combined])
        }
    }

    // A used invitation's secret stays (sealed as before, `used = 1`) so that later devices claiming
    // it are recognised and held, never certified without the administrator (ADR 0015).

    private func inviteSecret(_ db: Database, _ person: PersonID) throws -> (secret: EnrolmentSecret, used: Bool)? {
        for used in [false, true] {
            guard let data = try Data.fetchOne(db, sql: "SELECT sealed_secret FROM invitations WHERE person_id = ? AND used = ?",
                                               arguments: [person.rawValue, used]) else { continue }
            let box = try AES.GCM.SealedBox(combined: data)
            let opened = String(decoding: try AES.GCM.open(box, using: inviteSealingKey, authenticating: Data(Self.inviteKey(person).utf8)),
                                as: UTF8.self)
            // A secret kept by an older casebook (before ADR 0015) is not a cb1 secret: its invitee's proof never verifies.
            guard let secret = EnrolmentSecret(encoded: opened) else { return nil }
            return (secret, used)
        }
        return nil
    }

    /// Certifications to post: devices of people this administrator invited whose enrolment proof
    /// verifies under the proof key of the invitation's code, at most one device per invitation.
    /// The roles come from the invitee's person record written by the administrator.
    public func certificationsToIssue(_ served: [DeviceCertificate]) throws(CasebookError) -> [CertificationToIssue] {
        try reviewEnrolments(served).toIssue
    }

    /// Sorts the served, uncertified devices of people this administrator invited: one device per
    /// invitation is certified; a device whose proof verifies but whose invitation already vouched
    /// for a device (or which claims it together with another) is held for the administrator; a
    /// device whose proof does not verify is ignored (a hostile server's own device).
    public func reviewEnrolments(_ served: [DeviceCertificate]) throws(CasebookError) -> EnrolmentReview {
        return try read("checking enrolments") { db in
            guard let me = try trustedDevice(db, device), me.isAdmin else { return EnrolmentReview() }
            let org = try organisationState(db)
            let removed = try removedDeviceIDs(db)
            var claims: [PersonID: [DeviceCertificate]] = [:]
            var used: [PersonID: Bool] = [:]
            for cert in served where cert.certification == nil && !removed.contains(cert.keys.deviceID) {
                guard try trustedDevice(db, cert.keys.deviceID) == nil, let proof = cert.enrolmentProof,
                      let invite = try inviteSecret(db, cert.keys.person), let person = org.person(cert.keys.person), person.active,
                      DeviceTrust.verifyEnrolmentProof(proof, secret: invite.secret, keys: cert.keys) else { continue }
                if claims[person.id]?.contains(where: { $0.keys.deviceID == cert.keys.deviceID }) == true { continue }
                claims[person.id, default: []].append(cert)
                used[person.id] = invite.used
            }
            var review = EnrolmentReview()
            for (personID, certs) in claims.sorted(by: { $0.key < $1.key }) {
                guard let person = org.person(personID) else { continue }
                if certs.count == 1, used[personID] == false {
                    review.toIssue.append(try certification(for: certs[0].keys, person: person))
                } else {
                    review.held += certs.map {
                        HeldEnrolment(device: $0.keys.deviceID, person: personID, name: person.name, fingerprint: DeviceFingerprint.of($0.keys))
                    }
                }
            }
            return review
        }
    }

    /// The administrator's explicit confirmation of a held device (`casebook device certify`): its
    /// proof must still verify under an invitation this replica issued, and, when given, its
    /// fingerprint must be the one the invitee read out.
    public func confirmEnrolment(of target: DeviceID, served: [DeviceCertificate], fingerprint: String?) throws(CasebookError) -> CertificationToIssue {
        return try read("vouching for the device") { db in
            try requireRole(db, [.admin], to: "vouch for devices")
            guard let me = try trustedDevice(db, device), me.isAdmin else {
                throw CasebookError(.notAuthorised, "this device is not a certified administrator device")
            }
            guard let cert = served.first(where: { $0.keys.deviceID == target }) else {
                throw CasebookError(.notFound, "the server lists no device \(target)", hint: .list(.devices))
            }
            guard try trustedDevice(db, target) == nil, cert.certification == nil else {
                throw CasebookError(.conflict, "device \(target) is already certified")
            }
            guard try !removedDeviceIDs(db).contains(target) else { throw CasebookError(.conflict, "device \(target) was removed") }
            guard let invite = try inviteSecret(db, cert.keys.person), let proof = cert.enrolmentProof,
                  DeviceTrust.verifyEnrolmentProof(proof, secret: invite.secret, keys: cert.keys) else {
                throw CasebookError(.notAuthorised,
                    "device \(target) did not prove it knew an invitation code this vault issued; it is not certified (invite the person again if needed)")
            }
            if let fingerprint, DeviceFingerprint.normalised(fingerprint) != DeviceFingerprint.normalised(DeviceFingerprint.of(cert.keys)) {
                throw CasebookError(.tampered,
                    "device \(target) has fingerprint \(DeviceFingerprint.of(cert.keys)), not the one given; it is not certified")
            }
            guard let person = try organisationState(db).person(cert.keys.person), person.active else {
                throw CasebookError(.notFound, "the person of device \(target) is not an active member")
            }
            return try certification(for: cert.keys, person: person)
        }
    }

    private func certification(for keys: DevicePublicKeys, person: Person) throws -> CertificationToIssue {
        let roles = person.roles.sorted { $0.rawValue < $1.rawValue }
        let signature = try identity.sign(DeviceTrust.signedBytes(keys: keys, roles: roles))
        return CertificationToIssue(device: keys.deviceID, person: person.id, certifiedBy: device, certification: signature, roles: roles,
                                    fingerprint: DeviceFingerprint.of(keys))
    }

    /// Marks an invitation as used once it vouched for a device: its secret is kept (sealed) only
    /// so that further devices claiming it are held rather than certified.
    public func completeInvitation(_ person: PersonID) throws(CasebookError) {
        try write("recording the used invitation") { db in
            guard let sealed = try Data.fetchOne(db, sql: "SELECT sealed_secret FROM invitations WHERE person_id = ? AND used = 0",
                                                 arguments: [person.rawValue])
            else { return }
            try db.execute(sql: """
                INSERT INTO invitations (person_id, used, sealed_secret) VALUES (?, 1, ?)
                ON CONFLICT(person_id, used) DO UPDATE SET sealed_secret = excluded.sealed_secret
                """, arguments: [person.rawValue, sealed])
            try db.execute(sql: "DELETE FROM invitations WHERE person_id = ? AND used = 0", arguments: [person.rawValue])
        }
    }

    /// Remembers the devices held at the last review (shown by `casebook sync` and `device list`).
    public func recordHeldEnrolments(_ held: [HeldEnrolment]) throws(CasebookError) {
        let text: String?
        do { text = held.isEmpty ? nil : String(decoding: try JSONEncoder().encode(held), as: UTF8.self) } catch {
            throw CasebookError(.storage, "could not record the held enrolments")
        }
        try write("saving the sync state") { db in
            try db.execute(sql: """
                INSERT INTO replica_settings (id, held_enrolments) VALUES (1, ?)
                ON CONFLICT(id) DO UPDATE SET held_enrolments = excluded.held_enrolments
                """, arguments: [text])
        }
    }

    /// Devices held for the administrator at the last review (empty on other replicas).
    public func heldEnrolments() throws(CasebookError) -> [HeldEnrolment] {
        let stored = try read("reading the sync state") { db in
            try String.fetchOne(db, sql: "SELECT held_enrolments FROM replica_settings WHERE id = 1")
        }
        guard let text = stored else { return [] }
        return (try? JSONDecoder().decode([HeldEnrolment].self, from: Data(text.utf8))) ?? []
    }

    /// Persons with an invitation still awaiting certification by this replica.
    public func pendingInvitations() throws(CasebookError) -> [PersonID] {
        return try read("reading invitations") { db in
            try String.fetchAll(db, sql: "SELECT person_id FROM invitations WHERE used = 0 ORDER BY person_id").map(PersonID.init(rawValue:))
        }
    }

    /// Commits arbitrary changes without the policy checks of the public commands nor the
    /// writer's rulebook check (simulations and tests of the sync layer only; receivers still run
    /// the rulebook on them). Behind SPI (ADR 0026): no App that users run can call it.
    @discardableResult
    @_spi(Testing) @_spi(Benchmarks) public func commitForTesting(_ changes: [PendingChange], createCase: Bool = false) throws(CasebookError) -> [SealedRevision] {
        return try write("committing") { db in
            for change in changes where createCase {
                if try !holdsKey(db, for: change.caseID) { _ = try createCaseKey(db, for: change.caseID) }
            }
            return try commit(db, changes, action: .create, checked: false)
        }
    }
}

public import CasebookCrypto
public import CasebookModels
public import CasebookStorage
import Foundation

/// What enrolment produced before the vault is written.
public struct Enrolment: Sendable {
    public var identity: DeviceIdentity
    public var person: PersonRecord
    public var organisation: EnrolledOrganisation
    public var root: DevicePublicKeys
    /// Only for the organisation's first administrator: the recovery key pair (write the secret
    /// half to a file kept offline; the public half is already registered).
    public var recovery: RecoveryKeyPair?
    public var isRoot: Bool { root.deviceID == identity.deviceID }
    /// This device's fingerprint, for the invitee to compare with what the administrator sees.
    public var fingerprint: String { DeviceFingerprint.of(identity.publicKeys) }
}

/// Result of a grant.
public struct GrantOutcome: Sendable, Hashable, Codable {
    public var caseID: CaseID
    public var person: PersonID
    public var devices: Int
    public var keys: Int
}

/// Result of a revoke.
public struct RevokeOutcome: Sendable, Hashable, Codable {
    public var caseID: CaseID
    public var person: PersonID
    public var newEpoch: UInt32
    public var recipients: Int
}

extension SyncClient {
    /// Registers a new device with a one-time code. With an invitation code, checks that the root
    /// key the server serves matches the fingerprint in the code (a hostile server cannot slip in
    /// its own root). With the first administrator's bare code, this device becomes the root, and
    /// the organisation recovery key is generated and registered.
    ///
    /// `existing` registers the keys of an existing standalone vault instead of new ones (its person
    /// id must be the one the invitation names; see `Vault.checkStandaloneEnrolment`).
    public static func enrol(code: EnrolmentCode, person explicitPerson: PersonID?, transport: any SyncTransport,
                             existing: DeviceIdentity? = nil,
                             timeout: Duration = .seconds(30)) async throws(CasebookError) -> Enrolment {
        guard let personID = code.person ?? explicitPerson else {
            throw CasebookError(.invalidInput, "this code does not name a person: give --person ID as printed by 'casebook-server init'")
        }
        if let explicitPerson, let named = code.person, named != explicitPerson {
            throw CasebookError(.invalidInput, "--person does not match the person the enrolment code is for")
        }
        if let existing, existing.person != personID {
            throw CasebookError(.invalidInput, "this code is for person \(personID), not for this vault's person \(existing.person)")
        }
        let identity = existing ?? DeviceIdentity.generate(person: personID)
        let keys = identity.publicKeys
        let bootstrap = code.rootFingerprint == nil
        if bootstrap, existing != nil {
            throw CasebookError(.invalidInput, "the first administrator enrols a new vault; an existing vault joins with an invitation code")
        }
        var record = DeviceRecord(deviceID: keys.deviceID, person: personID, signing: keys.signing, agreement: keys.agreement,
                                  enrolmentProof: DeviceTrust.enrolmentProof(secret: code.secret, keys: keys))
        var recovery: RecoveryKeyPair?
        if bootstrap {
            // The root vouches for itself; every other certification chains up to it.
            record.certifiedBy = keys.deviceID
            record.certifiedRoles = [.admin]
            record.certification = try identity.sign(DeviceTrust.signedBytes(keys: keys, roles: [.admin]))
            recovery = RecoveryKeyPair.generate()
        }
        // Only the server-auth value derived from the code is sent; the proof key never leaves this machine (ADR 0015).
        let request = EnrolRequest(code: code.secret.serverAuth, device: record, recoveryKey: recovery?.publicKey)
        let response: EnrolResponse
        do {
            response = try await withDeadline(timeout, what: "the enrolment") { try await transport.enrol(request, timeout: timeout) }
        } catch {
            throw SyncFailure.from(error).casebookError
        }
        guard response.person.id == personID else {
            throw CasebookError(.tampered, "the server enrolled this device as another person than the code names")
        }
        let org = response.organisation
        let root: DevicePublicKeys
        if bootstrap {
            guard org.rootDevice == keys.deviceID else {
                throw CasebookError(.invalidInput,
                    "the server did not make this device the organisation root; an invited person's code looks like cb1.PERSON.SECRET.FINGERPRINT")
            }
            root = keys
        } else {
            guard let rootID = org.rootDevice, let served = org.devices.first(where: { $0.deviceID == rootID }),
                  DeviceTrust.fingerprint(signingKey: served.signing) == code.rootFingerprint else {
                throw CasebookError(.tampered,
                    "the organisation root key served by the server does not match the fingerprint in your code; do not use this server and tell your administrator")
            }
            root = served.publicKeys
        }
        return Enrolment(identity: identity, person: response.person,
                         organisation: EnrolledOrganisation(id: org.organisationID, name: org.name), root: root, recovery: recovery)
    }

    /// Invites a person (administrators): the server learns their id, role, type and the code's
    /// hash; their name goes only into the encrypted organisation case.
    public func invite(name: String, role: Role, type: PersonType, existing: PersonID? = nil) async throws(CasebookError) -> Invitation {
        let invitation = try vault.prepareInvitation(name: name, role: role, type: type, existing: existing)
        let request = InviteRequest(person: invitation.person, role: role, type: type, codeHash: invitation.codeHash)
        try await edge("the invitation") { try await self.transport.invite(request, timeout: $0) }
        try vault.recordInvitation(invitation)
        return invitation
    }

    /// The administrator's explicit confirmation of a device held at enrolment review (a second
    /// device on one invitation): its proof must verify under an invitation this replica issued,
    /// and its fingerprint must be `fingerprint` when given. Posts the certification.
    public func certifyDevice(_ target: DeviceID, fingerprint: String?) async throws(CasebookError) -> CertificationToIssue {
        let transport = self.transport
        let info: OrganisationInfo
        do { info = try await call("the organisation") { try await transport.organisation(timeout: $0) } } catch { throw Self.edgeError(error) }
        let issue = try vault.confirmEnrolment(of: target, served: info.devices.map(DeviceCertificate.init(record:)), fingerprint: fingerprint)
        let request = CertificationRequest(certifiedBy: issue.certifiedBy, certification: issue.certification, roles: issue.roles)
        try await edge("the certification") { try await transport.certify(issue.device, request, timeout: $0) }
        try vault.completeInvitation(issue.person)
        do { try await refreshOrganisation() } catch { throw Self.edgeError(error) }
        return issue
    }

    /// Grants a person a case: the server starts serving it to them, and the case keys this
    /// replica holds are wrapped for each of their certified devices. Refused before anything is
    /// sent when the person's training is not current here; the server checks it again (P10).
    public func grant(_ caseID: CaseID, to person: PersonID, until: LocalDate?) async throws(CasebookError) -> GrantOutcome {
        guard try vault.canRead(caseID) else {
            throw CasebookError(.notAuthorised, "you hold no key for case \(caseID); only someone who can read it can grant it")
        }
        try vault.requireGrantable(to: person)  // P10: never to someone whose training is not current
        try await edge("the grant") { try await self.transport.grant(caseID, GrantRequest(person: person, until: until), timeout: $0) }
        try vault.recordGrant(caseID, to: person, granted: true)
        do { try await refreshOrganisation() } catch { throw Self.edgeError(error) }
        let devices = try vault.trustedDevices(of: person)
        let wraps = try vault.wrapHeldKeys(of: caseID, for: devices)
        if !wraps.isEmpty {
            try await edge("the key upload") { try await self.transport.uploadKeys(caseID, KeyUpload(keys: wraps), timeout: $0) }
            try vault.storeWrappedKeys(wraps)
        }
        try vault.auditSync(.grant, caseID: caseID)
        return GrantOutcome(caseID: caseID, person: person, devices: devices.count, keys: wraps.count)
    }

    /// Revokes a person's access: the server stops serving the case to them at once, then the case
    /// key is rotated so records written from now on are unreadable with anything they hold.
    public func revoke(_ caseID: CaseID, from person: PersonID) async throws(CasebookError) -> RevokeOutcome {
        guard try vault.canRead(caseID) else {
            throw CasebookError(.notAuthorised, "you hold no key for case \(caseID); only someone who can read it can revoke it")
        }
        try await edge("the revocation") { try await self.transport.revoke(caseID, person: person, timeout: $0) }
        try vault.recordGrant(caseID, to: person, granted: false)
        do { try await refreshOrganisation() } catch { throw Self.edgeError(error) }
        let rotated = try vault.rotateCaseKey(caseID, removing: person)
        // A reader the server refuses a key for (P10: a grantee new to the case whose training
        // lapsed) does not stop the rotation: their key is offered again at a later sync.
        let wraps: [WrappedCaseKey]
        do {
            let upload = try await uploadKeysSplittingRefusals(caseID, rotated)
            if let refusal = upload.refusal, !upload.accepted.contains(where: { $0.recipient == vault.device }) { throw refusal }
            wraps = upload.accepted
        } catch { throw Self.edgeError(error) }
        try vault.storeWrappedKeys(wraps)
        try vault.auditSync(.revoke, caseID: caseID)
        return RevokeOutcome(caseID: caseID, person: person, newEpoch: wraps.first?.epoch ?? 0, recipients: wraps.count)
    }

    func edge(_ what: String, _ body: @escaping @Sendable (Duration) async throws -> Void) async throws(CasebookError) {
        let timeout = configuration.requestTimeout
        do { try await withDeadline(timeout, what: what) { try await body(timeout) } } catch { throw Self.edgeError(error) }
    }

    static func edgeError(_ error: any Error) -> CasebookError {
        if let error = error as? CasebookError { return error }
        return SyncFailure.from(error).casebookError
    }
}

public import CasebookCrypto
public import CasebookModels
public import Foundation

/// A device's public keys as registered with the server, with the organisation's vouching.
///
/// `certification` is an Ed25519 signature by `certifiedBy` (an administrator's device, or the
/// organisation root) over `DeviceCertificate.signedBytes`. Replicas wrap case keys only for, and
/// accept revisions only from, devices whose certification chain reaches the pinned root key.
public struct DeviceRecord: Codable, Hashable, Sendable {
    public var deviceID: DeviceID
    public var person: PersonID
    public var signing: Data
    public var agreement: Data
    public var certifiedBy: DeviceID?
    public var certification: Data?
    /// Roles the certification vouches for, so a hostile server cannot promote anyone.
    public var certifiedRoles: [Role]?
    /// MAC over the device keys keyed by the proof key derived from the enrolment code (proves the
    /// enrolling device knew the code; the server, which sees only the server-auth value, cannot make one).
    public var enrolmentProof: Data?

    public init(deviceID: DeviceID, person: PersonID, signing: Data, agreement: Data, certifiedBy: DeviceID? = nil,
                certification: Data? = nil, certifiedRoles: [Role]? = nil, enrolmentProof: Data? = nil) {
        self.deviceID = deviceID
        self.person = person
        self.signing = signing
        self.agreement = agreement
        self.certifiedBy = certifiedBy
        self.certification = certification
        self.certifiedRoles = certifiedRoles
        self.enrolmentProof = enrolmentProof
    }

    public var publicKeys: DevicePublicKeys {
        DevicePublicKeys(deviceID: deviceID, person: person, signing: signing, agreement: agreement)
    }
}

public struct PersonRecord: Codable, Hashable, Sendable {
    public var id: PersonID
    public var role: Role
    public var type: PersonType
    public var active: Bool
    /// Enrolment still pending (code issued, not yet used).
    public var pending: Bool

    public init(id: PersonID, role: Role, type: PersonType, active: Bool, pending: Bool) {
        self.id = id
        self.role = role
        self.type = type
        self.active = active
        self.pending = pending
    }
}

/// `GET /v1/organisation`: everything a replica needs to decide whom to trust and wrap keys for.
/// People's names are not here: they live encrypted in the organisation case.
public struct OrganisationInfo: Codable, Hashable, Sendable {
    public var organisationID: OrganisationID
    public var name: String
    /// The organisation root signing key (the first administrator's device key), pinned at enrolment.
    public var rootDevice: DeviceID?
    public var people: [PersonRecord]
    public var devices: [DeviceRecord]
    /// The organisation recovery key (X25519 public): recipient of every case key.
    public var recoveryKey: Data?
    /// Devices an administrator removed, with the signed statements (replicas verify them).
    public var removedDevices: [DeviceRemoval]?

    public init(organisationID: OrganisationID, name: String, rootDevice: DeviceID?, people: [PersonRecord],
                devices: [DeviceRecord], recoveryKey: Data?, removedDevices: [DeviceRemoval]? = nil) {
        self.organisationID = organisationID
        self.name = name
        self.rootDevice = rootDevice
        self.people = people
        self.devices = devices
        self.recoveryKey = recoveryKey
        self.removedDevices = removedDevices
    }
}

/// `POST /v1/enrol` (no token): uses a one-time enrolment code.
public struct EnrolRequest: Codable, Sendable, Hashable {
    /// The code's server-auth value (`EnrolmentSecret.serverAuth`), never the code itself: the server
    /// stores SHA-256 of it and cannot derive the proof key from it (ADR 0015).
    public var code: String
    public var device: DeviceRecord
    /// For the organisation's first administrator only: the recovery public key to register.
    public var recoveryKey: Data?

    public init(code: String, device: DeviceRecord, recoveryKey: Data? = nil) {
        self.code = code
        self.device = device
        self.recoveryKey = recoveryKey
    }
}

public struct EnrolResponse: Codable, Sendable, Hashable {
    public var person: PersonRecord
    public var organisation: OrganisationInfo
    public init(person: PersonRecord, organisation: OrganisationInfo) {
        self.person = person
        self.organisation = organisation
    }
}

/// `POST /v1/people` (administrators): the inviting admin generates the code locally and sends
/// only its SHA-256, so the server cannot enrol a device of its own choosing.
public struct InviteRequest: Codable, Sendable, Hashable {
    public var person: PersonID
    public var role: Role
    public var type: PersonType
    public var codeHash: Data
    /// A code for another device of an existing, active member (`casebook device invite`, ADR 0024):
    /// the person keeps their id. Absent (or false): a new person, as before.
    public var newDevice: Bool?
    public init(person: PersonID, role: Role, type: PersonType, codeHash: Data, newDevice: Bool? = nil) {
        self.newDevice = newDevice
        self.person = person
        self.role = role
        self.type = type
        self.codeHash = codeHash
    }
}

/// `POST /v1/devices/{id}/certification` (administrators).
public struct CertificationRequest: Codable, Sendable, Hashable {
    public var certifiedBy: DeviceID
    public var certification: Data
    public var roles: [Role]
    public init(certifiedBy: DeviceID, certification: Data, roles: [Role]) {
        self.certifiedBy = certifiedBy
        self.certification = certification
        self.roles = roles
    }
}

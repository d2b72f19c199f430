/// The device that signed a revision, as the receiver knows it from its own trusted device set
/// (never from the revision itself): whose device it is, the roles an administrator certified for
/// it, and when an administrator removed it.
public struct Signer: Hashable, Sendable {
    public var device: DeviceID
    public var person: PersonID
    /// Certified roles (`admin` is implied by `isAdmin`).
    public var roles: Set<Role>
    /// A certified administrator or the organisation's pinned root device.
    public var isAdmin: Bool
    /// Set once an administrator removed the device: nothing it stamps later counts.
    public var removedAt: HLCTimestamp?

    public init(device: DeviceID, person: PersonID, roles: Set<Role>, isAdmin: Bool? = nil, removedAt: HLCTimestamp? = nil) {
        self.device = device
        self.person = person
        self.roles = roles
        self.isAdmin = isAdmin ?? roles.contains(.admin)
        self.removedAt = removedAt
    }

    public var isDSL: Bool { roles.contains(.dsl) }

    public func has(_ role: Role) -> Bool { role == .admin ? isAdmin : roles.contains(role) }
}

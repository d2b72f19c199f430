/// Who a person is to the organisation (policy scope: staff, volunteers, external practitioners).
public enum PersonType: String, Hashable, Codable, Sendable, CaseIterable {
    case staff, volunteer, external
}

/// What a person may do (P14).
public enum Role: String, Hashable, Codable, Sendable, CaseIterable {
    case practitioner
    /// Designated Safeguarding Lead: recipient of every case, approves legal-basis releases.
    case dsl
    /// Administers people, training, policy and settings; holds the organisation's keys.
    case admin
    /// Answers subject-access requests.
    case recordsOfficer = "records-officer"
}

/// A member of the organisation. Stored in the organisation case.
public struct Person: Hashable, Codable, Sendable {
    public var id: PersonID
    public var name: String
    public var type: PersonType
    public var roles: [Role]
    public var active: Bool
    /// Why an administrator removed them (`person remove --reason`, ADR 0024): one line, no client details.
    public var removalReason: String?

    public init(id: PersonID, name: String, type: PersonType, roles: [Role], active: Bool = true, removalReason: String? = nil) {
        self.removalReason = removalReason
        self.id = id
        self.name = name
        self.type = type
        self.roles = roles
        self.active = active
    }

    public func has(_ role: Role) -> Bool { roles.contains(role) }
}

extension Person: CustomStringConvertible {
    public var description: String { "Person(\(id), \(roles.map(\.rawValue).joined(separator: ",")))" }
}

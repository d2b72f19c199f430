import Foundation

/// Someone connected to a client (a sibling, a parent). Identifying and confidential.
public struct RelatedPerson: Hashable, Codable, Sendable {
    public var name: String
    public var relation: String
    /// Whether this person consented to their identifiers appearing in the client's access bundle.
    public var consentsToDisclosure: Bool

    public init(name: String, relation: String, consentsToDisclosure: Bool = false) {
        self.name = name
        self.relation = relation
        self.consentsToDisclosure = consentsToDisclosure
    }

    /// Parses `NAME:RELATION`.
    public init?(parsing text: String) {
        guard let colon = text.lastIndex(of: ":") else { return nil }
        let name = text[..<colon].trimmingCharacters(in: .whitespaces)
        let relation = text[text.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, !relation.isEmpty else { return nil }
        self.init(name: name, relation: relation)
    }
}

public enum CaseStatus: String, Hashable, Codable, Sendable { case open, closed }

/// A client: everything here identifies them, so all of it lives only in encrypted bodies.
public struct Client: Hashable, Codable, Sendable {
    public var id: ClientID
    public var name: String
    public var bornOn: LocalDate?
    public var related: [RelatedPerson]
    public var contacts: [String]
    public var status: CaseStatus
    public var closedOn: LocalDate?
    /// Words a practitioner taught the vault to mask in this client's notes (`casebook client identify`):
    /// a nickname, a pet's name, a street. Identifying, so stored only in the encrypted body.
    public var identifiers: [String]

    public init(id: ClientID, name: String, bornOn: LocalDate? = nil, related: [RelatedPerson] = [], contacts: [String] = [],
                status: CaseStatus = .open, closedOn: LocalDate? = nil, identifiers: [String] = []) {
        self.identifiers = identifiers
        self.id = id
        self.name = name
        self.bornOn = bornOn
        self.related = related
        self.contacts = contacts
        self.status = status
        self.closedOn = closedOn
    }
}

extension Client {
    private enum CodingKeys: String, CodingKey { case id, name, bornOn, related, contacts, status, closedOn, identifiers }

    /// Records written before `identifiers` existed decode with none.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(ClientID.self, forKey: .id)
        name = try c.decode(String.self, forKey: .name)
        bornOn = try c.decodeIfPresent(LocalDate.self, forKey: .bornOn)
        related = try c.decode([RelatedPerson].self, forKey: .related)
        contacts = try c.decode([String].self, forKey: .contacts)
        status = try c.decode(CaseStatus.self, forKey: .status)
        closedOn = try c.decodeIfPresent(LocalDate.self, forKey: .closedOn)
        identifiers = try c.decodeIfPresent([String].self, forKey: .identifiers) ?? []
    }
}

extension Client: CustomStringConvertible, CustomDebugStringConvertible {
    /// Redacted: a client's description must never print their name or contacts.
    public var description: String { "Client(\(id), <redacted>)" }
    public var debugDescription: String { description }
}

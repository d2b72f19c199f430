// Identifiers the vault already knows: exact, high-precision sources.

/// A known person and their relation to the client ("client", "sister", "mum", "social worker"):
/// their name is masked as the relation ("[SISTER]") so the masked note still says who is who.
public struct KnownPerson: Sendable, Hashable {
    public var name: String
    public var relation: String

    public init(name: String, relation: String) {
        self.name = name
        self.relation = relation
    }
}

/// Names, dates and contacts known from the vault: the client's own record, related people, other
/// clients and staff. The redactor matches them case-insensitively (names also as possessives).
///
/// Invariant: the description never prints the identifiers themselves, only counts.
public struct KnownIdentifiers: Sendable {
    /// The client and their related people, with relations: matched like `names`, and masked with
    /// their relation as the placeholder ("[CLIENT]", "[SISTER]").
    public var people: [KnownPerson]
    /// Words or phrases a practitioner taught the vault to mask for this client (`casebook client
    /// identify`): a nickname, a pet's name, a street, a club. Matched case-insensitively as whole words.
    public var terms: [String]
    /// Full names or single names ("Amira Okonkwo", "Nan Joyce"); each part is also matched alone.
    public var names: [String]
    /// Dates as "YYYY-MM-DD" (dates of birth and the like). Full dates are found in any format
    /// anyway; a known date also makes a bare day/month ("9/4") count as a date.
    public var dates: [String]
    /// Phones, emails, addresses as free text; matched literally (and by their normalised digits).
    public var contacts: [String]

    /// The data subject's own names and contacts, for subject-access exports: spans made only of
    /// these are NOT masked (the requester sees their own identifiers; everyone else's are masked).
    /// Leave empty for session records, where every identifier is masked.
    public var subject: [String]

    public init(names: [String] = [], dates: [String] = [], contacts: [String] = [], subject: [String] = [],
                people: [KnownPerson] = [], terms: [String] = []) {
        self.people = people
        self.terms = terms
        self.names = names
        self.dates = dates
        self.contacts = contacts
        self.subject = subject
    }

    public var isEmpty: Bool { names.isEmpty && dates.isEmpty && contacts.isEmpty && subject.isEmpty && people.isEmpty && terms.isEmpty }
}

extension KnownIdentifiers: CustomReflectable {
    /// `dump()` and debuggers see counts only, never the identifiers.
    public var customMirror: Mirror {
        Mirror(self, children: ["names": names.count, "dates": dates.count, "contacts": contacts.count, "subject": subject.count,
                                "people": people.count, "terms": terms.count],
               displayStyle: .struct)
    }
}

extension KnownIdentifiers: CustomStringConvertible {
    public var description: String {
        "KnownIdentifiers(names: \(names.count), dates: \(dates.count), contacts: \(contacts.count), subject: \(subject.count), people: \(people.count), terms: \(terms.count))"
    }
}

// Identifiers the vault already knows: exact, high-precision sources.

/// Names, dates and contacts known from the vault: the client's own record, related people, other
/// clients and staff. The redactor matches them case-insensitively (names also as possessives).
///
/// Invariant: the description never prints the identifiers themselves, only counts.
public struct KnownIdentifiers: Sendable {
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

    public init(names: [String] = [], dates: [String] = [], contacts: [String] = [], subject: [String] = []) {
        self.names = names
        self.dates = dates
        self.contacts = contacts
        self.subject = subject
    }

    public var isEmpty: Bool { names.isEmpty && dates.isEmpty && contacts.isEmpty && subject.isEmpty }
}

extension KnownIdentifiers: CustomReflectable {
    /// `dump()` and debuggers see counts only, never the identifiers.
    public var customMirror: Mirror {
        Mirror(self, children: ["names": names.count, "dates": dates.count, "contacts": contacts.count, "subject": subject.count],
               displayStyle: .struct)
    }
}

extension KnownIdentifiers: CustomStringConvertible {
    public var description: String {
        "KnownIdentifiers(names: \(names.count), dates: \(dates.count), contacts: \(contacts.count), subject: \(subject.count))"
    }
}

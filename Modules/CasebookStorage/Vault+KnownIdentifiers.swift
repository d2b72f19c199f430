// Teaching the redactor: words a practitioner adds to a client's known identifiers
// (`casebook client identify CLIENT "word"`), stored in the client's encrypted record.

public import CasebookModels
import CasebookRedaction
import Foundation

extension Client {
    /// The client and their related people with relations, for placeholders that say who is who
    /// ("[CLIENT]", "[SISTER]").
    var knownPeople: [KnownPerson] {
        [KnownPerson(name: name, relation: "client")] + related.map { KnownPerson(name: $0.name, relation: $0.relation) }
    }
}

extension Vault {
    /// Longest word or phrase that can be taught (a street, a club, a nickname).
    public static let maxIdentifierLength = 80

    /// Adds `word` to the client's known identifiers, so the redactor masks it in this client's
    /// notes from now on. Returns how many taught identifiers the client has. The word is identifying:
    /// it lives only in the encrypted client record and is never echoed in errors or the audit log.
    @discardableResult
    public func addIdentifier(_ word: String, to id: ClientID) throws(CasebookError) -> Int {
        let trimmed = word.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.unicodeScalars.count >= 2, trimmed.count <= Self.maxIdentifierLength else {
            throw CasebookError(.invalidInput, "the word to identify must be 2 to \(Self.maxIdentifierLength) characters")
        }
        guard !trimmed.contains(where: \.isNewline) else {
            throw CasebookError(.invalidInput, "the word to identify must be on one line")
        }
        return try write("adding an identifier to a client") { db in
            try requireCaseAccess(db, id)
            let old = try client(db, id)
            var new = old
            if !new.identifiers.contains(where: { $0.caseInsensitiveCompare(trimmed) == .orderedSame }) {
                new.identifiers.append(trimmed)
            }
            let patch = FieldCoding.changes(from: try FieldCoding.fields(of: old), to: try FieldCoding.fields(of: new))
            if !patch.isEmpty {
                try commit(db, [.init(record: id.clientRecordID, type: .client, caseID: id, fields: patch)], action: .update)
            }
            return new.identifiers.count
        }
    }
}

public import CasebookModels
import Foundation
import GRDB

/// What `casebook client edit` may change (issue 13): the fields of the client record a
/// practitioner knows at intake. Additions only for related people and contacts.
public struct ClientEdit: Sendable, Hashable {
    public var name: String?
    public var bornOn: LocalDate?
    public var addRelated: [RelatedPerson]
    public var addContacts: [String]

    public init(name: String? = nil, bornOn: LocalDate? = nil, addRelated: [RelatedPerson] = [], addContacts: [String] = []) {
        self.name = name
        self.bornOn = bornOn
        self.addRelated = addRelated
        self.addContacts = addContacts
    }

    public var isEmpty: Bool { name == nil && bornOn == nil && addRelated.isEmpty && addContacts.isEmpty }
}

extension Vault {
    /// Edits a client: a new revision of the client record, written only by someone who may open
    /// the case (current training, a key for it) and checked by the rulebook like any revision.
    /// Refused, with nothing written, when it would change nothing. Returns the client as edited.
    @discardableResult
    public func editClient(_ id: ClientID, _ edit: ClientEdit) throws(CasebookError) -> Client {
        guard !edit.isEmpty else {
            throw CasebookError(.invalidInput, "nothing to change: give --name, --born, --add-related or --add-contact")
        }
        let name = edit.name?.trimmingCharacters(in: .whitespaces)
        if let name, name.isEmpty { throw CasebookError(.invalidInput, "--name must not be empty") }
        if let bornOn = edit.bornOn, bornOn > clock.today { throw CasebookError(.invalidInput, "--born is in the future") }
        let contacts = edit.addContacts.map { $0.trimmingCharacters(in: .whitespaces) }
        if contacts.contains(where: \.isEmpty) { throw CasebookError(.invalidInput, "--add-contact must not be empty") }
        return try write("editing a client") { db in
            try requireCaseAccess(db, id)
            let old = try client(db, id)
            var new = old
            if let name { new.name = name }
            if let bornOn = edit.bornOn { new.bornOn = bornOn }
            for person in edit.addRelated where !new.related.contains(where: {
                $0.name.caseInsensitiveCompare(person.name) == .orderedSame && $0.relation.caseInsensitiveCompare(person.relation) == .orderedSame
            }) { new.related.append(person) }
            for contact in contacts where !new.contacts.contains(contact) { new.contacts.append(contact) }
            let patch = FieldCoding.changes(from: try FieldCoding.fields(of: old), to: try FieldCoding.fields(of: new))
            guard !patch.isEmpty else {
                throw CasebookError(.invalidInput, "nothing to change: client \(Vault.short(id)) already has what was given")
            }
            try commit(db, [.init(record: id.clientRecordID, type: .client, caseID: id, fields: patch)], action: .update)
            return new
        }
    }
}

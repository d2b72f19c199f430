public import CasebookModels
import Foundation
import GRDB

/// How people refer to things (issue 13): a full id, a unique id prefix of at least
/// `Vault.minimumPrefix` characters (git-style), or, for clients and people, the name
/// (case-insensitive; a unique start of the name also works).
///
/// Names are matched inside the unlocked vault only. Errors never echo a name the user did not
/// type: an ambiguous reference lists the candidates' short ids, never their names.
extension Vault {
    /// The shortest id prefix accepted, and the length lists show.
    public static let minimumPrefix = 6

    /// A short form of an id for human-readable output (`--json` keeps full ids).
    public static func short<Tag>(_ id: Identifier<Tag>) -> String { String(id.rawValue.prefix(8)) }

    /// The client `text` names: an id, an id prefix, or the client's name. Needs current training (P10).
    public func resolveClient(_ text: String) throws(CasebookError) -> ClientID {
        return try read("finding the client") { db in
            try TrainingPolicy.requireCurrent(for: person, records: try organisationState(db).training, on: clock.today)
            let held = try Self.clientCandidates(db) { caseID in try self.holdsKey(db, for: caseID) }
            let clients: [(id: ClientID, name: String)] = try held.compactMap { caseID in
                guard let record = try mergedRecord(db, id: caseID.clientRecordID), record.recordType == .client else { return nil }
                return (caseID, try record.decode(Client.self).name)
            }
            return try Self.pick(text, what: "client", list: .hint(.clients),
                                 candidates: clients.map { ($0.id, [$0.name]) })
        }
    }

    /// The person `text` names: an id, an id prefix, or their name.
    public func resolvePerson(_ text: String) throws(CasebookError) -> PersonID {
        return try read("finding the person") { db in
            let people = try organisationState(db).people
            return try Self.pick(text, what: "person", list: .hint(.people),
                                 candidates: people.map { ($0.id, [$0.name]) })
        }
    }

    /// The record of one of `types` that `text` names: its id or a unique id prefix.
    /// `list` is the app's own words for where to look (a command line), quoted in refusals.
    public func resolveRecord(_ text: String, types: [RecordType], what: String, list: String) throws(CasebookError) -> RecordID {
        try resolveRecord(text, types: types, what: what, list: .words(list))
    }

    func resolveRecord(_ text: String, types: [RecordType], what: String, list: PickList) throws(CasebookError) -> RecordID {
        let needle = text.trimmingCharacters(in: .whitespaces).lowercased()
        return try read("finding the \(what)") { db in
            let placeholders = types.map { _ in "?" }.joined(separator: ",")
            var arguments: StatementArguments = []
            for type in types { arguments += [type.rawValue] }
            arguments += [Self.likePrefix(needle)]
            let ids = try String.fetchAll(db, sql: """
                SELECT DISTINCT record_id FROM revisions WHERE record_type IN (\(placeholders)) AND record_id LIKE ? ESCAPE '\\' LIMIT 20
                """, arguments: arguments)
            return try Self.pick(text, what: what, list: list, candidates: ids.map { (RecordID(rawValue: $0), []) })
        }
    }

    /// The device `text` names: its id or a unique id prefix.
    public func resolveDevice(_ text: String) throws(CasebookError) -> DeviceID {
        return try read("finding the device") { db in
            let ids = try String.fetchAll(db, sql: "SELECT device_id FROM devices")
            return try Self.pick(text, what: "device", list: .hint(.devices), candidates: ids.map { (DeviceID(rawValue: $0), []) })
        }
    }

    /// Names of the given clients this device can read, for human-readable lists. Each client
    /// named is audited as read, like `clients()`; clients it cannot read are left out.
    public func clientNames(_ ids: Set<ClientID>) throws(CasebookError) -> [ClientID: String] {
        guard !ids.isEmpty else { return [:] }
        return try write("reading client names") { db in
            var names: [ClientID: String] = [:]
            for id in ids.sorted() where try holdsKey(db, for: id) {
                guard let record = try mergedRecord(db, id: id.clientRecordID), record.recordType == .client else { continue }
                names[id] = try record.decode(Client.self).name
                try appendAudit(db, action: .read, recordType: .client, caseID: id)
            }
            return names
        }
    }

    // MARK: - Matching (one rule for every kind of reference)

    static func clientCandidates(_ db: Database, held: (CaseID) throws -> Bool) throws -> [CaseID] {
        let ids = try String.fetchAll(db, sql: "SELECT DISTINCT case_id FROM revisions WHERE record_type = ?",
                                      arguments: [RecordType.client.rawValue])
        return try ids.map(CaseID.init(rawValue:)).filter(held)
    }

    static func likePrefix(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
            .replacingOccurrences(of: "_", with: "\\_") + "%"
    }

    /// Picks the one candidate `text` refers to. Order of evidence: the exact id; a unique id prefix
    /// of at least `minimumPrefix` characters; an exact name (case-insensitive); a unique start of a
    /// name. Zero or several matches are refused; the refusal names only short ids.
    static func pick<Tag>(_ text: String, what: String, list: PickList,
                          candidates: [(id: Identifier<Tag>, names: [String])]) throws(CasebookError) -> Identifier<Tag> {
        let needle = text.trimmingCharacters(in: .whitespaces)
        guard !needle.isEmpty else { throw list.refusal(.invalidInput, "no \(what) given", see: "see") }
        let lower = needle.lowercased()
        // A full id passes through unchanged: the operation itself then says what it refuses
        // (not granted, no such record) exactly as before.
        if lower.count >= 32, let full = Identifier<Tag>(parsing: lower) { return full }
        func unique(_ matches: [Identifier<Tag>], _ how: String) throws(CasebookError) -> Identifier<Tag>? {
            let distinct = Array(Set(matches)).sorted()
            if distinct.count == 1 { return distinct[0] }
            if distinct.count > 1 {
                let shown = distinct.prefix(8).map { short($0) }.joined(separator: ", ")
                throw list.refusal(.invalidInput, "'\(needle.prefix(40))' \(how) \(distinct.count) \(what)s (\(shown)\(distinct.count > 8 ? ", …" : "")); give more of it",
                                   see: "or an id from")
            }
            return nil
        }
        if lower.count >= minimumPrefix, Identifier<Tag>(parsing: lower) != nil,
           let id = try unique(candidates.filter { $0.id.rawValue.hasPrefix(lower) }.map(\.id), "starts the ids of") {
            return id
        }
        let folded = lower.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
        func fold(_ s: String) -> String { s.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil) }
        if let id = try unique(candidates.filter { $0.names.contains { fold($0) == folded } }.map(\.id), "is the name of") { return id }
        if let id = try unique(candidates.filter { $0.names.contains { fold($0).hasPrefix(folded) } }.map(\.id), "starts the names of") {
            return id
        }
        if lower.count < minimumPrefix, Identifier<Tag>(parsing: lower) != nil, !candidates.contains(where: { !$0.names.isEmpty }) {
            throw list.refusal(.invalidInput, "'\(needle.prefix(40))' is too short: give at least \(minimumPrefix) characters of the \(what) id", see: "see")
        }
        throw list.refusal(.notFound, "no \(what) matches '\(needle.prefix(40))'", see: "see")
    }
}

/// Where a refusal to resolve a reference points the user (ADR 0029): a list the app names (the
/// library's own lookups: a hint), or the app's own words it passed in (quoted as they are).
enum PickList {
    case hint(CasebookError.Hint.Listing)
    case words(String)

    func refusal(_ code: CasebookError.Code, _ message: String, see: String) -> CasebookError {
        switch self {
        case .hint(let listing): CasebookError(code, message, hint: .list(listing))
        case .words(let words): CasebookError(code, "\(message); \(see) '\(words)'")
        }
    }
}

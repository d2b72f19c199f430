import CasebookModels
import CasebookStorage

/// Human-readable names for ids in lists and messages (issue 13): "Jayden Price (7cce0c78)".
/// `--json` output keeps full ids and never uses this.
struct Names {
    private let clients: [ClientID: String]
    private let people: [PersonID: String]

    /// Looks up the named clients (audited as read) and the organisation's people.
    init(_ vault: Vault, clients ids: some Sequence<ClientID> = [ClientID]()) throws {
        clients = try vault.clientNames(Set(ids))
        people = Dictionary((try vault.organisation().people).map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
    }

    func client(_ id: ClientID) -> String { Self.label(clients[id], id) }
    func client(_ raw: String) -> String { client(ClientID(rawValue: raw)) }
    func person(_ id: PersonID) -> String { Self.label(people[id], id) }
    func person(_ raw: String) -> String { person(PersonID(rawValue: raw)) }

    static func label<Tag>(_ name: String?, _ id: Identifier<Tag>) -> String {
        name.map { "\($0) (\(Vault.short(id)))" } ?? Vault.short(id)
    }
}

import ArgumentParser
import CasebookModels
import CasebookStorage
import Foundation

struct ClientCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "client", abstract: "Clients: add, edit, list, show, identify.", subcommands: [Add.self, Edit.self, List.self, Show.self, Identify.self])

    struct Add: VaultCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a client. Everything given here is identifying and stored only encrypted.")
        @OptionGroup var options: VaultOptions
        @Option(help: "The client's name.") var name: String
        @Option(help: "Date of birth, YYYY-MM-DD.") var born: LocalDate?
        @Option(help: ArgumentHelp("A related person as NAME:RELATION (repeatable), e.g. \"Sam Doe:brother\".", valueName: "name:relation"))
        var related: [String] = []
        @Option(help: "Contact details (phone, email, address; repeatable).") var contact: [String] = []

        func run(vault: Vault) throws {
            let people = try related.map { text in
                guard let person = RelatedPerson(parsing: text) else {
                    throw CasebookError(.invalidInput, "--related must be NAME:RELATION")
                }
                return person
            }
            let client = try vault.addClient(name: name, bornOn: born, related: people, contacts: contact)
            if options.json { Output.json(["id": client.id.rawValue]) } else { print("Added client \(client.id)") }
        }
    }

    struct Edit: VaultCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change a client's name or date of birth, or add a related person or contact details.",
            discussion: "Each edit is a new revision of the client's record (the earlier ones stay in its history); it needs the same access as reading the client.")
        @OptionGroup var options: VaultOptions
        @Argument(help: "Client: a name, an id or a 6+ character id prefix.") var client: String
        @Option(help: "The client's name.") var name: String?
        @Option(help: "Date of birth, YYYY-MM-DD.") var born: LocalDate?
        @Option(name: .customLong("add-related"),
                help: ArgumentHelp("Add a related person as NAME:RELATION (repeatable), e.g. \"Sam Doe:brother\".", valueName: "name:relation"))
        var addRelated: [String] = []
        @Option(name: .customLong("add-contact"), help: "Add contact details (phone, email, address; repeatable).") var addContact: [String] = []

        func run(vault: Vault) throws {
            let people = try addRelated.map { text in
                guard let person = RelatedPerson(parsing: text) else {
                    throw CasebookError(.invalidInput, "--add-related must be NAME:RELATION")
                }
                return person
            }
            let edit = ClientEdit(name: name, bornOn: born, addRelated: people, addContacts: addContact)
            // Refuse an empty edit before anything is opened.
            guard !edit.isEmpty else {
                throw CasebookError(.invalidInput, "nothing to change: give --name, --born, --add-related or --add-contact")
            }
            let id = try vault.resolveClient(client)
            let edited = try vault.editClient(id, edit)
            if options.json { Output.json(ClientView(edited)) } else { print("Updated client \(Vault.short(id)).") }
        }
    }

    struct Identify: VaultCommand {
        static let configuration = CommandConfiguration(
            abstract: "Teach the redactor a word that identifies this client (a nickname, a pet, a street, a club).",
            discussion: "The word is added to the client's known identifiers, stored encrypted in their record, and masked in their notes from then on.")
        @OptionGroup var options: VaultOptions
        @Argument(help: "Client id.") var client: String
        @Argument(help: "The word or phrase to mask from now on.") var word: String

        func run(vault: Vault) throws {
            let id = try Parse.id(client, as: ClientID.self, what: "client")
            let count = try vault.addIdentifier(word, to: id)
            // Never echo the word: it identifies the client.
            struct Taught: Encodable { var client: String; var identifiers: Int }
            if options.json { Output.json(Taught(client: id.rawValue, identifiers: count)) } else {
                print("Client \(id) now has \(count) taught identifier\(count == 1 ? "" : "s"); it is masked from now on.")
            }
        }
    }

    struct ClientView: Encodable {
        var id: String
        var name: String
        var born: String?
        var related: [RelatedPerson]
        var contacts: [String]
        var identifiers: [String]
        var status: String
        init(_ c: Client) {
            id = c.id.rawValue; name = c.name; born = c.bornOn?.iso; related = c.related; contacts = c.contacts; status = c.status.rawValue
            identifiers = c.identifiers
        }
    }

    struct List: VaultCommand {
        static let configuration = CommandConfiguration(abstract: "List the clients you can read.")
        @OptionGroup var options: VaultOptions
        func run(vault: Vault) throws {
            let clients = try vault.clients()
            if options.json { Output.json(clients.map(ClientView.init)); return }
            if clients.isEmpty { print("No clients.") }
            for c in clients { print("\(c.id)  \(c.name)\(c.bornOn.map { "  born \($0)" } ?? "")") }
        }
    }

    struct Show: VaultCommand {
        static let configuration = CommandConfiguration(abstract: "Show one client with their consents.")
        @OptionGroup var options: VaultOptions
        @Argument(help: "Client id.") var client: String

        struct DetailView: Encodable {
            var client: ClientView
            var consents: [ConsentRecord]
            var sessions: Int
        }

        func run(vault: Vault) throws {
            let id = try vault.resolveClient(client)
            let detail = try vault.clientDetail(id)
            if options.json {
                Output.json(DetailView(client: ClientView(detail.client), consents: detail.consents, sessions: detail.sessionCount))
                return
            }
            let c = detail.client
            print("Client \(c.id): \(c.name)")
            if let born = c.bornOn { print("Born: \(born)") }
            for r in c.related { print("Related: \(r.name) (\(r.relation))") }
            for contact in c.contacts { print("Contact: \(contact)") }
            for word in c.identifiers { print("Identifier: \(word)") }
            if detail.consents.isEmpty { print("Consent: none recorded (sessions cannot be logged)") }
            for consent in detail.consents {
                print("Consent: form \(consent.formVersion) signed \(consent.signedOn) by \(consent.signedBy.rawValue)")
            }
            print("Sessions: \(detail.sessionCount)")
        }
    }
}

struct ConsentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "consent", abstract: "Informed consent (required before sessions).",
        subcommands: [Record.self, Release.self, WithdrawRelease.self])

    struct Record: VaultCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record a signed informed-consent form, which sets out the limits of confidentiality.")
        @OptionGroup var options: VaultOptions
        @Argument(help: "Client id.") var client: String
        @Option(help: "Version of the consent form signed.") var formVersion: String
        @Option(help: "Date signed, YYYY-MM-DD.") var signedOn: LocalDate
        @Option(help: "client, or guardian (a parent or guardian signing for a child).") var signedBy: Signatory

        func run(vault: Vault) throws {
            let id = try vault.resolveClient(client)
            let consent = try vault.recordConsent(client: id, formVersion: formVersion, signedOn: signedOn, signedBy: signedBy)
            if options.json { Output.json(["id": consent.id.rawValue]) } else { print("Recorded consent \(consent.id)") }
        }
    }
}

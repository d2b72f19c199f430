import CasebookModels
import CasebookStorage
import CasebookTestSupport
import Foundation
import Testing

/// `casebook client edit` (issue 13): a new revision of the client record, by someone who may
/// open the case; an edit that changes nothing is refused and writes nothing.
@Suite struct ClientEditTests {
    @Test func anEditIsANewRevisionThatKeepsWhatItDoesNotChange() throws {
        let fixture = try VaultFixture()
        let before = try fixture.vault.revisionCount()
        let edited = try fixture.vault.editClient(fixture.client, ClientEdit(
            name: "  Zephyrine Q. Quillfeather ", bornOn: LocalDate(iso: "2012-04-02"),
            addRelated: [RelatedPerson(name: "Wilmot Ashgrove", relation: "uncle")], addContacts: ["zq@example.org"]))
        #expect(try fixture.vault.revisionCount() == before + 1)
        let stored = try fixture.vault.clientDetail(fixture.client).client
        #expect(stored == edited)
        #expect(stored.name == "Zephyrine Q. Quillfeather")
        #expect(stored.bornOn == LocalDate(iso: "2012-04-02"))
        #expect(stored.related.map(\.name) == [Synthetic.siblingName, "Wilmot Ashgrove"])
        #expect(stored.contacts == ["07700 900123", "zq@example.org"])
        // The redactor knows the added relative from now on.
        _ = try fixture.vault.logSession(fixture.draft(topics: "Visited Wilmot Ashgrove at the weekend"))
        let note = try #require(try fixture.vault.sessions(client: fixture.client).first?.session)
        #expect(!note.topics.contains("Wilmot"))
    }

    @Test func anEditThatChangesNothingIsRefusedAndWritesNothing() throws {
        let fixture = try VaultFixture()
        let before = try fixture.vault.revisionCount()
        let empty = #expect(throws: CasebookError.self) { try fixture.vault.editClient(fixture.client, ClientEdit()) }
        #expect(empty?.code == .invalidInput)
        #expect(empty?.message.contains("nothing to change") == true)
        // The same values again, and a relative and a contact already recorded: nothing to change.
        let same = #expect(throws: CasebookError.self) {
            try fixture.vault.editClient(fixture.client, ClientEdit(
                name: Synthetic.clientName, addRelated: [RelatedPerson(name: Synthetic.siblingName.uppercased(), relation: "Brother")],
                addContacts: ["07700 900123"]))
        }
        #expect(same?.code == .invalidInput)
        #expect(same?.message.contains("already has") == true)
        #expect(same?.message.contains("Zephyrine") == false)
        #expect(throws: CasebookError.self) { try fixture.vault.editClient(fixture.client, ClientEdit(name: "   ")) }
        #expect(throws: CasebookError.self) { try fixture.vault.editClient(fixture.client, ClientEdit(bornOn: LocalDate(iso: "2030-01-01"))) }
        #expect(try fixture.vault.revisionCount() == before)
        #expect(try fixture.vault.clientDetail(fixture.client).client.name == Synthetic.clientName)
    }

    @Test func onlySomeoneWhoMayOpenTheCaseEdits() throws {
        let fixture = try VaultFixture()
        let unknown = #expect(throws: CasebookError.self) {
            try fixture.vault.editClient(ClientID.random(), ClientEdit(name: "Ignatius Fernsby"))
        }
        #expect(unknown?.code == .notFound)
        fixture.clock.advance(by: 400 * 86_400)  // training lapses (P10)
        let lapsed = #expect(throws: CasebookError.self) { try fixture.vault.editClient(fixture.client, ClientEdit(name: "Ignatius Fernsby")) }
        #expect(lapsed?.code == .trainingMissing)
    }
}

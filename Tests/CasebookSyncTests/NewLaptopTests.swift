import CasebookModels
import CasebookServerTestSupport
@_spi(Testing) import CasebookStorage
import CasebookSync
import Foundation
import Testing

/// A new laptop for the same person (issue 13, ADR 0024), against the real server routes: the person
/// keeps their id, a concern is saved before any key arrives and raised by the sync that brings it,
/// and the DSL's sync wraps the person's cases for the new laptop, never for anyone else.
@Suite("A new laptop for the same person")
struct NewLaptopTests {
    @Test("a lost laptop replaced for the same person: id kept, concern saved before the keys, cases read after the DSL's sync")
    func replacement() async throws {
        let org = try await TestOrganisation.make()
        let dsl = try await org.join("Dee Lead", role: .dsl)
        let pat = try await org.join("Pat Practitioner", role: .practitioner)
        let outsider = try await org.join("Otto Outsider", role: .practitioner)
        let client = try pat.vault.addClient(name: "Jordan Pat-Client", bornOn: nil, related: [], contacts: [])
        let first = try pat.vault.raiseConcern(client: client.id, category: .riskToSelf, details: "A first worry")
        try await pat.sync()
        try await dsl.sync()

        // The laptop is lost: the administrator removes it; the DSL's sync rotates the case's key.
        _ = try await org.admin.client().removeDevice(pat.vault.device)
        try await dsl.sync()

        // A device invitation for Pat: the code names Pat's own person id.
        let invitation = try await org.admin.client().inviteDevice(for: pat.person)
        #expect(invitation.person == pat.person)
        let enrolment = try await SyncClient.enrol(code: try EnrolmentCode(parsing: invitation.code), person: nil,
                                                   transport: org.server.transport(for: nil))
        #expect(enrolment.person.id == pat.person)
        let vault = try Vault.createEnrolled(at: org.path("pat-new.casebook"), prepared: sharedPassphrase, identity: enrolment.identity,
                                             ownerName: "Pat Practitioner", role: .practitioner, type: .staff,
                                             organisation: enrolment.organisation, root: enrolment.root, recoveryKey: nil,
                                             server: org.server.baseURL)
        let laptop = Member(name: "Pat Practitioner", role: .practitioner, vault: vault, transport: org.server.transport(for: vault.identity))

        // Before any administrator's sync: nothing readable, yet the concern is saved.
        try await laptop.sync()
        #expect(try !laptop.vault.canRead(client.id))
        #expect(try laptop.vault.shouldQueueConcern(about: "Jordan Pat-Client"))
        try laptop.vault.queueConcern(client: "Jordan Pat-Client", category: .riskToOthers, details: "A second worry")
        #expect(try laptop.vault.raiseQueuedConcerns().isEmpty, "raised before its key arrived")
        #expect(try laptop.vault.queuedConcerns().count == 1)

        // The administrator vouches for the laptop; the DSL, who holds the case, wraps both epochs for it.
        try await org.admin.sync()
        try await dsl.sync()
        try await laptop.sync()
        #expect(try laptop.vault.canRead(client.id))
        #expect(try laptop.vault.concerns(client: client.id).map(\.concern.id) == [first.id])
        let raised = try laptop.vault.raiseQueuedConcerns()
        #expect(raised.count == 1 && raised.first?.raisedBy == pat.person)
        #expect(try laptop.vault.queuedConcerns().isEmpty)
        try await laptop.sync()
        try await dsl.sync()
        let seen = try dsl.vault.concerns(client: client.id)
        #expect(seen.map(\.concern.details).sorted() == ["A first worry", "A second worry"])
        #expect(seen.first { $0.concern.details == "A second worry" }?.actions.map(\.kind) == ["queued"])

        // One Pat in the organisation records and on the server; nobody else was given the case.
        #expect(try org.admin.vault.organisation().people.filter { $0.name == "Pat Practitioner" }.map(\.id) == [pat.person])
        try await outsider.sync()
        #expect(try !outsider.vault.canRead(client.id))
        let recipients = Set(await org.server.storedKeys(of: client.id).map(\.recipient))
        #expect(!recipients.contains(outsider.vault.device) && !recipients.contains(pat.vault.device))
        #expect(recipients.contains(laptop.vault.device))
    }

    @Test("a device invitation is refused for a removed person, and for someone not in the records")
    func refusedInvitations() async throws {
        let org = try await TestOrganisation.make()
        let leaver = try await org.join("Lee Leaver", role: .practitioner)
        _ = try await org.admin.client().removePerson(leaver.person)
        try await org.admin.sync()
        let removed = await #expect(throws: CasebookError.self) { try await org.admin.client().inviteDevice(for: leaver.person) }
        #expect(removed?.code == .conflict)
        let unknown = await #expect(throws: CasebookError.self) { try await org.admin.client().inviteDevice(for: .random()) }
        #expect(unknown?.code == .notFound)
        // A practitioner cannot invite devices.
        let member = try await org.join("Pat Practitioner", role: .practitioner)
        await #expect(throws: CasebookError.self) { try await member.client().inviteDevice(for: member.person) }
    }
}

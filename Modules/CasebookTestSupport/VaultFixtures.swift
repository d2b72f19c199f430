public import CasebookModels
public import CasebookStorage
import Foundation

/// Synthetic people only: none of these names belongs to a real client.
public enum Synthetic {
    public static let passphrase = "synthetic passphrase 4471"
    public static let clientName = "Zephyrine Quillfeather"
    public static let siblingName = "Barnaby Quillfeather"
    public static let practitionerName = "Ottoline Marchbanks"
    public static let topicCanary = "kestrelmoor allotment worries"
    public static let today = LocalDate(iso: "2026-11-20")!  // swiftlint:disable:this force_unwrapping
}

/// Builds a ready-to-use vault: owner trained, policy adopted, one client with signed consent.
public struct VaultFixture: Sendable {
    public let directory: TemporaryDirectory
    public let clock: TestClock
    public let vault: Vault
    public let client: ClientID

    public init(role: Role = .practitioner, trained: Bool = true, withClient: Bool = true) throws {
        directory = TemporaryDirectory()
        clock = TestClock(on: Synthetic.today)
        vault = try Vault.create(at: directory.path("vault.casebook"), passphrase: Synthetic.passphrase,
                                 ownerName: Synthetic.practitionerName, role: role, clock: clock)
        _ = try vault.adoptPolicy(version: "2026-1", adoptedOn: LocalDate(iso: "2026-01-15")!)  // swiftlint:disable:this force_unwrapping
        if trained {
            let done = LocalDate(iso: "2026-09-01")!  // swiftlint:disable:this force_unwrapping
            try vault.recordTraining(course: .confidentiality, completedOn: done)
            try vault.recordTraining(course: .dataProtection, completedOn: done)
        }
        if withClient && trained {
            let c = try vault.addClient(name: Synthetic.clientName, bornOn: LocalDate(iso: "2012-04-01"),
                                        related: [RelatedPerson(name: Synthetic.siblingName, relation: "brother")],
                                        contacts: ["07700 900123"])
            try vault.recordConsent(client: c.id, formVersion: "3", signedOn: LocalDate(iso: "2026-10-01")!, signedBy: .guardian)  // swiftlint:disable:this force_unwrapping
            client = c.id
        } else {
            client = ClientID(rawValue: "none")
        }
    }

    public func draft(topics: String = "Talked about friendships and sleep", on: String = "2026-11-02",
                      platform: String = "Microsoft Teams") -> SessionDraft {
        SessionDraft(clientID: client, on: LocalDate(iso: on)!, minutes: 50, platform: platform,  // swiftlint:disable:this force_unwrapping
                     practitionerPrivate: true, clientPrivate: true, topics: topics,
                     progress: "More settled at school", followUp: "Check in next week")
    }
}

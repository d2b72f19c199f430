public import CasebookModels
public import CasebookStorage
public import Foundation
import Synchronization

/// Vaults for safeguarding tests: a temp directory, an owner with current training and a policy in force.
public enum SafeguardingFixture {
    public static let passphrase = "correct horse battery staple"
    public static let start = LocalDate(year: 2026, month: 11, day: 2)! // swiftlint:disable:this force_unwrapping

    /// The directories of the fixture's vaults, kept for the whole test process: a vault here
    /// outlives the call that made it, so its directory cannot go with a local value (statics are
    /// not deinitialised at exit, so these stay in the system temp dir, as they did before).
    private static let directories = Mutex<[TemporaryDirectory]>([])

    /// A fresh vault in its own directory; the owner holds `role` (plus admin), training completed on
    /// the start date and policy version 1 adopted that day.
    public static func vault(role: Role, clock: TestClock = TestClock(on: start),
                             trained: Bool = true) throws -> Vault {
        let dir = TemporaryDirectory("casebook-sg")
        directories.withLock { $0.append(dir) }
        let vault = try Vault.create(at: dir.path("vault.casebook"), passphrase: passphrase,
                                     ownerName: "Owner \(role.rawValue)", role: role, clock: clock)
        if trained {
            try vault.recordTraining(course: .confidentiality, completedOn: clock.today)
            try vault.recordTraining(course: .dataProtection, completedOn: clock.today)
        }
        try vault.adoptPolicy(version: "1", adoptedOn: clock.today)
        return vault
    }

    /// A client with signed informed consent.
    public static func client(in vault: Vault, name: String = "Alex Example", born: LocalDate? = nil) throws -> Client {
        let client = try vault.addClient(name: name, bornOn: born, related: [], contacts: [])
        try vault.recordConsent(client: client.id, formVersion: "3", signedOn: vault.clock.today, signedBy: .client)
        return client
    }
}

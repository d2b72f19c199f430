public import CasebookModels
public import CasebookStorage
public import Foundation
import Synchronization

/// A wall clock that tests move by hand (safeguarding tests: escalation hours, expiry, retention).
public final class SafeguardingTestClock: WallClock {
    private let current: Mutex<Date>

    public init(_ start: Date) { current = Mutex(start) }

    /// Midday UTC on a date.
    public convenience init(on date: LocalDate) { self.init(SafeguardingTestClock.midday(date)) }

    public var now: Date { current.withLock { $0 } }

    public func advance(hours: Double) { current.withLock { $0 = $0.addingTimeInterval(hours * 3600) } }
    public func advance(days: Int) { advance(hours: Double(days) * 24) }

    public static func midday(_ date: LocalDate) -> Date {
        Date(timeIntervalSince1970: Double(date.daysSinceEpoch) * 86_400 + 12 * 3600)
    }
}

/// Vaults for safeguarding tests: a temp directory, an owner with current training and a policy in force.
public enum SafeguardingFixture {
    public static let passphrase = "correct horse battery staple"
    public static let start = LocalDate(year: 2026, month: 11, day: 2)! // swiftlint:disable:this force_unwrapping

    public static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("casebook-sg-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A fresh vault in its own directory; the owner holds `role` (plus admin), training completed on
    /// the start date and policy version 1 adopted that day.
    public static func vault(role: Role, clock: SafeguardingTestClock = SafeguardingTestClock(on: start),
                             trained: Bool = true) throws -> Vault {
        let dir = try temporaryDirectory()
        let vault = try Vault.create(at: dir.appendingPathComponent("vault.casebook").path, passphrase: passphrase,
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

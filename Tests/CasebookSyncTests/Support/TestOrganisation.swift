import CasebookCrypto
import CasebookModels
import CasebookServerTestSupport
@_spi(Testing) import CasebookStorage
import CasebookSync
import CasebookTestSupport
import Foundation
import Synchronization

/// scrypt runs once per test process: every test vault shares one prepared passphrase.
let sharedPassphrase: PreparedPassphrase = {
    do { return try PreparedPassphrase.prepare("correct horse battery staple") } catch { fatalError("KDF failed: \(error)") }
}()

/// A member's replica and its sync client.
struct Member: Sendable {
    let name: String
    let role: Role
    let vault: Vault
    let transport: any SyncTransport

    var person: PersonID { vault.person }

    func client(_ transport: (any SyncTransport)? = nil, configuration: SyncConfiguration = .fast) -> SyncClient {
        SyncClient(vault: vault, transport: transport ?? self.transport, configuration: configuration)
    }

    @discardableResult
    func sync(_ transport: (any SyncTransport)? = nil, configuration: SyncConfiguration = .fast) async throws -> SyncReport {
        try await client(transport, configuration: configuration).run()
    }
}

extension SyncConfiguration {
    /// Small pages and short waits so tests exercise paging and retries quickly.
    static var fast: SyncConfiguration {
        var c = SyncConfiguration()
        c.pushBatch = 7
        c.pullLimit = 5
        c.requestTimeout = .seconds(5)
        c.backoffBase = .milliseconds(1)
        c.backoffCap = .milliseconds(4)
        c.maxAttempts = 6
        return c
    }
}

/// An organisation on the real sync server (every route and check of `casebook-server`, on
/// loopback over an in-memory store behind a `HostileStore`; ADR 0016): the first administrator
/// (root) plus invited members, each enrolled, vouched for and synced exactly as the CLI does it.
/// `server.hostile` (and the shortcuts on `server`) give a test the powers of a hostile operator.
final class TestOrganisation: Sendable {
    let server: TestServer
    let admin: Member

    static func make(clock: any WallClock = SystemWallClock()) async throws -> TestOrganisation {
        let server = TestServer(try await SyncTestServer.start(clock: clock))
        let (person, code) = try await server.bootstrap()
        let enrolment = try await SyncClient.enrol(code: try EnrolmentCode(parsing: code), person: person,
                                                   transport: server.transport(for: nil))
        let directory = TemporaryDirectory("casebook-sync")
        let vault = try Vault.createEnrolled(at: directory.path("admin.casebook"), prepared: sharedPassphrase, identity: enrolment.identity,
                                             ownerName: "Ada Admin", role: .admin, type: .staff, organisation: enrolment.organisation,
                                             root: enrolment.root, recoveryKey: enrolment.recovery?.publicKey, server: server.baseURL,
                                             clock: clock)
        let admin = Member(name: "Ada Admin", role: .admin, vault: vault, transport: server.transport(for: vault.identity))
        let org = TestOrganisation(server: server, admin: admin, directory: directory,
                                   recoveryFile: enrolment.recovery?.secretFileContents ?? "")
        try await admin.sync()
        return org
    }

    private let keepDirectory: TemporaryDirectory
    /// The organisation recovery key file's contents (what `--recovery-key-out` writes).
    let recoveryFile: String
    private init(server: TestServer, admin: Member, directory: TemporaryDirectory, recoveryFile: String) {
        self.server = server
        self.admin = admin
        self.keepDirectory = directory
        self.recoveryFile = recoveryFile
    }

    /// A path in the organisation's temporary directory.
    func path(_ name: String) -> String { keepDirectory.path(name) }

    /// Admin invites; the invitee enrols with the code; the admin records their training (unless
    /// `trained` is false), syncs (vouches, shares the organisation key, tells the server the
    /// training); the invitee syncs.
    func join(_ name: String, role: Role, clock: any WallClock = SystemWallClock(), syncAfter: Bool = true,
              trained: Bool = true) async throws -> Member {
        let invitation = try await admin.client().invite(name: name, role: role, type: .staff)
        if trained { try train(invitation.person) }
        let enrolment = try await SyncClient.enrol(code: try EnrolmentCode(parsing: invitation.code), person: nil,
                                                   transport: server.transport(for: nil))
        let vault = try Vault.createEnrolled(at: keepDirectory.path("\(UUID().uuidString).casebook"), prepared: sharedPassphrase,
                                             identity: enrolment.identity, ownerName: name, role: role, type: .staff,
                                             organisation: enrolment.organisation, root: enrolment.root, recoveryKey: nil,
                                             server: server.baseURL, clock: clock)
        let member = Member(name: name, role: role, vault: vault, transport: server.transport(for: vault.identity))
        if syncAfter {
            try await admin.sync()
            try await member.sync()
        }
        return member
    }
}

extension TestOrganisation {
    /// The administrator records both required courses for a person, completed on `completed`
    /// (default today); published to the server at the administrator's next sync.
    func train(_ person: PersonID, completed: LocalDate? = nil) throws {
        for course in TrainingCourse.allCases {
            try admin.vault.recordTraining(course: course, completedOn: completed ?? admin.vault.clock.today, for: person)
        }
    }
}

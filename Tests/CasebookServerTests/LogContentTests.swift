import CasebookCrypto
import CasebookModels
import CasebookServerTestSupport
@testable import CasebookServer
import CasebookSync
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Configuration
import HTTPTypes
import NIOCore
import Synchronization
import Testing

@Suite("Logs hold no content or secrets")
struct LogContentTests {
    @Test("at trace level, a full sync run logs ids and events but no token, code or client content")
    func noSecretsInLogs() async throws {
        guard let fixture = try await Fixture.make(.sqlite) else { return }
        let capture = LogCapture()
        let app = try await buildApplication(reader: testReader(url: fixture.url, extra: ["log.level": .init(.string("trace"), isSecret: false)]),
                                             clock: fixture.clock, logger: capture.logger)
        let secrets = Mutex<[String]>([fixture.adminCode])
        try await app.test(.router) { client in
            let api = API(client: client)
            let admin = try await api.enrol(code: fixture.adminCode, identity: .generate(person: fixture.adminPerson), role: .admin)
            let alice = try await api.invite(by: admin, role: .practitioner)
            secrets.withLock { $0 += [admin.token, alice.token] }
            let caseID = CaseID.random()
            let revision = try Sealer(member: alice, clock: fixture.clock).seal(
                case: caseID, type: .client, fields: ["name": .string("Zebedee Quartermaine")])
            _ = try await api.push([revision], as: alice)
            // A rejected push and a failed request are logged too: still no content.
            _ = try await api.send(.post, SyncAPI.Path.revisions, token: alice.token, json: ["revisions": "Zebedee Quartermaine"])
            _ = try await api.pullAll(as: alice)
        }
        let lines = capture.lines
        #expect(lines.contains { $0.contains("request") && $0.contains("http.route=/v1/revisions") })
        #expect(lines.contains { $0.contains("request_id=") })
        for secret in secrets.withLock({ $0 }) + ["Zebedee", "Quartermaine"] {
            let leaks = lines.filter { $0.contains(secret) }
            #expect(leaks.isEmpty, "secret or content in logs: \(leaks.first?.prefix(120) ?? "")")
        }
    }
}

import CasebookModels
import CasebookStorage
import CasebookSync
import CasebookTestSupport
import CasebookUI
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// Grants and revocations through the web app: the real `SyncClient.grant`/`revoke` over a real
/// HTTP transport (here to a closed loopback port, so every refusal the library makes before the
/// network is seen as it is, and the network's failure in words). The success path over a real
/// server is `Scripts/e2e-ui` (the DSL grants a client to the administrator, who then reads it).
@Suite("Local web app: grants")
struct UIGrantTests {
    static func withClosedServer(_ vault: @escaping @Sendable () -> Vault) -> (inout UIHooks) -> Void {
        { hooks in
            hooks.withSyncClient = { body in
                var configuration = SyncConfiguration()
                configuration.requestTimeout = .seconds(2)
                let transport = try HTTPSyncTransport(baseURL: "http://127.0.0.1:1", identity: vault().identity)
                return try await body(SyncClient(vault: vault(), transport: transport, configuration: configuration))
            }
        }
    }

    @Test("a grant to a person the vault does not know is the library's refusal, inline; nothing is sent or recorded")
    func refusals() async throws {
        let box = VaultBox()
        let harness = try UIHarness(configure: UIGrantTests.withClosedServer { box.vault! })  // swiftlint:disable:this force_unwrapping
        box.vault = harness.vault
        let client = harness.fixture.client.rawValue
        try await harness.test { browser in
            var browser = browser
            try await browser.launch()
            let page = try await browser.get("/clients/\(client)")
            #expect(page.text.contains("action=\"/clients/\(client)/grants\""))
            let stranger = PersonID.random()
            let unknown = try await browser.post("/clients/\(client)/grants", [("person", stranger.rawValue)])
            #expect(unknown.status == .notFound)
            #expect(unknown.text.contains("Refused:"))
            #expect(unknown.text.contains("no person"))
            let past = try await browser.post("/clients/\(client)/grants", [("person", harness.vault.person.rawValue), ("until", "2020-01-01")])
            #expect(past.text.contains("is in the past"))
            let noToken = try await browser.post("/clients/\(client)/grants", [("person", harness.vault.person.rawValue)], csrf: false)
            #expect(noToken.status == .forbidden)
            // Past the library's checks, the closed port: the network's failure in words, nothing recorded.
            let offline = try await browser.post("/clients/\(client)/grants", [("person", harness.vault.person.rawValue)])
            #expect(offline.text.contains("Refused:"))
            #expect(!offline.text.contains("grant-result"))
            #expect(try harness.vault.auditEntries().allSatisfy { $0.action != .grant })
            harness.lock()
            #expect(try await browser.post("/clients/\(client)/revoke", [("person", stranger.rawValue)]).status.code == 423)
        }
    }

    @Test("on a standalone vault there is no server: the page says so and a grant is refused in words")
    func standalone() async throws {
        let harness = try UIHarness()
        let client = harness.fixture.client.rawValue
        try await harness.test { browser in
            var browser = browser
            try await browser.launch()
            #expect(try await browser.get("/clients/\(client)").text.contains("A standalone vault"))
            let refused = try await browser.post("/clients/\(client)/grants", [("person", harness.vault.person.rawValue)])
            #expect(refused.text.contains("there is no server to grant access through"))
        }
    }
}

final class VaultBox: @unchecked Sendable {
    var vault: Vault?
}

import CasebookModels
import CasebookStorage
import CasebookTestSupport
import CasebookUI
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// The localhost app's door (ADR 0023, docs/threat-model.md "Local web app"): every refusal is
/// attacked here through hummingbird's testing client over a real vault file.
@Suite("Local web app: security")
struct UISecurityTests {
    @Test("the launch token is exchanged once for an HttpOnly, SameSite=Strict cookie; a replay is refused")
    func launchTokenOnce() async throws {
        let harness = try UIHarness()
        try await harness.test { browser in
            let first = try await browser.client.execute(uri: harness.app.launchPath, method: .get)
            #expect(first.status == .ok)
            let cookie = try #require(first.headers[.setCookie])
            #expect(cookie.contains("HttpOnly"))
            #expect(cookie.contains("SameSite=Strict"))
            #expect(cookie.contains("Path=/"))
            let replay = try await browser.client.execute(uri: harness.app.launchPath, method: .get)
            #expect(replay.status == .forbidden)
            #expect(replay.headers[.setCookie] == nil, "a replayed launch token must not mint a session")
        }
    }

    @Test("no token, a wrong token, or no cookie: refused, and the vault's names are not shown")
    func noToken() async throws {
        let harness = try UIHarness()
        try await harness.test { browser in
            let home = try await browser.get("/")
            #expect(home.status == .unauthorized)
            #expect(!home.text.contains(Synthetic.clientName))
            #expect(try await browser.get("/launch").status == .forbidden)
            #expect(try await browser.get("/launch?token=guess").status == .forbidden)
            var forged = browser
            forged.cookie = "casebook_ui=forged"
            #expect(try await forged.get("/").status == .unauthorized)
            #expect(try await forged.get("/clients/\(harness.fixture.client.rawValue)").status == .unauthorized)
            // A wrong guess does not burn the real token.
            var real = browser
            try await real.launch()
            #expect(try await real.get("/").text.contains(Synthetic.clientName))
        }
    }

    @Test("a wrong Host header (DNS rebinding) is refused even with a valid session")
    func wrongHost() async throws {
        let harness = try UIHarness()
        try await harness.test { browser in
            var browser = browser
            try await browser.launch()
            let rebound = try await browser.get("/", headers: [Browser.host: "attacker.example:8080"])
            #expect(rebound.status == .misdirectedRequest)
            #expect(!rebound.text.contains(Synthetic.clientName))
            let post = try await browser.post("/clients", [("name", "Rebound Client")], headers: [Browser.host: "attacker.example"])
            #expect(post.status == .misdirectedRequest)
            #expect(try harness.vault.clients().count == 1)
        }
    }

    @Test("a foreign Origin, a foreign Referer or a cross-site fetch is refused and changes nothing")
    func foreignOrigin() async throws {
        let harness = try UIHarness()
        try await harness.test { browser in
            var browser = browser
            try await browser.launch()
            let origin = try await browser.post("/clients", [("name", "Forged Client")], headers: [.origin: "http://attacker.example"])
            #expect(origin.status == .forbidden)
            let referer = try await browser.post("/clients", [("name", "Forged Client")], headers: [.referer: "http://attacker.example/page"])
            #expect(referer.status == .forbidden)
            let crossSite = try await browser.post("/clients", [("name", "Forged Client")], headers: [Browser.fetchSite: "cross-site"])
            #expect(crossSite.status == .forbidden)
            let lookalike = try await browser.get("/", headers: [.origin: "http://localhost.attacker.example"])
            #expect(lookalike.status == .forbidden)
            #expect(try harness.vault.clients().count == 1, "no refused request may add a client")
            // Our own origin passes.
            let own = try await browser.post("/clients", [("name", "Own Origin Client")], headers: [.origin: "http://localhost"])
            #expect(own.status == .seeOther)
            #expect(try harness.vault.clients().count == 2)
        }
    }

    @Test("a state-changing request without the CSRF token, or with a wrong one, is refused")
    func csrf() async throws {
        let harness = try UIHarness()
        try await harness.test { browser in
            var browser = browser
            try await browser.launch()
            #expect(browser.csrf?.isEmpty == false)
            let missing = try await browser.post("/clients", [("name", "No Token Client")], csrf: false)
            #expect(missing.status == .forbidden)
            let wrong = try await browser.post("/clients", [("name", "Wrong Token Client")], csrfValue: "not-the-token")
            #expect(wrong.status == .forbidden)
            let preview = try await browser.post("/clients/\(harness.fixture.client.rawValue)/preview", [("topics", "hello")], csrf: false)
            #expect(preview.status == .forbidden, "the preview endpoint needs the token too")
            #expect(try harness.vault.clients().count == 1)
            let right = try await browser.post("/clients", [("name", "Right Token Client")])
            #expect(right.status == .seeOther)
            #expect(try harness.vault.clients().map(\.name).contains("Right Token Client"))
        }
    }

    @Test("a locked vault ends the web session: 423, then the cookie is dead")
    func lockedVault() async throws {
        let harness = try UIHarness()
        try await harness.test { browser in
            var browser = browser
            try await browser.launch()
            #expect(try await browser.get("/").status == .ok)
            harness.lock()
            let locked = try await browser.get("/")
            #expect(locked.status.code == 423)
            #expect(!locked.text.contains(Synthetic.clientName))
            #expect(try await browser.get("/").status == .unauthorized, "the session ended with the lock")
            #expect(try await browser.post("/clients", [("name", "After Lock")]).status == .unauthorized)
        }
    }

    @Test("every response is no-store, framed by nobody, under a nonce CSP without inline script or external origins")
    func hardenedHeaders() async throws {
        let harness = try UIHarness()
        try await harness.test { browser in
            var browser = browser
            let refused = try await browser.get("/")
            try await browser.launch()
            let page = try await browser.get("/clients/\(harness.fixture.client.rawValue)/sessions/new")
            let missing = try await browser.get("/no/such/page")
            #expect(missing.status == .notFound)
            for response in [refused, page, missing] {
                #expect(response.headers[.cacheControl] == "no-store")
                #expect(response.headers[HTTPField.Name("X-Frame-Options")!] == "DENY")
                #expect(response.headers[.xContentTypeOptions] == "nosniff")
                let csp = try #require(response.headers[.contentSecurityPolicy])
                #expect(csp.contains("default-src 'none'"))
                #expect(csp.contains("frame-ancestors 'none'"))
                #expect(!csp.contains("unsafe-inline") && !csp.contains("unsafe-eval") && !csp.contains("http"))
            }
            // The page's script and style carry this response's nonce; no inline script without one.
            let csp = try #require(page.headers[.contentSecurityPolicy])
            let nonce = try #require(csp.range(of: "'nonce-").map { String(csp[$0.upperBound...].prefix { $0 != "'" }) })
            #expect(page.text.contains("<script nonce=\"\(nonce)\" src=\"/app.js\">"))
            #expect(!page.text.contains("<script>"))
            #expect(!page.text.contains(" style=\""), "no style attributes: the CSP would block them")
            // Note fields: autocomplete off.
            for field in ["topics", "progress", "follow_up"] {
                #expect(page.text.contains("id=\"\(field)\" name=\"\(field)\" autocomplete=\"off\""))
            }
            let again = try await browser.get("/")
            #expect(again.headers[.contentSecurityPolicy] != page.headers[.contentSecurityPolicy], "a fresh nonce per response")
        }
    }

    @Test("text from the vault is escaped: a client named like markup stays text")
    func escaping() async throws {
        let harness = try UIHarness()
        _ = try harness.vault.addClient(name: "<script>alert(1)</script> \"Quote\"", bornOn: nil, related: [], contacts: [])
        try await harness.test { browser in
            var browser = browser
            try await browser.launch()
            let home = try await browser.get("/")
            #expect(!home.text.contains("<script>alert(1)</script>"))
            #expect(home.text.contains("&lt;script&gt;alert(1)&lt;/script&gt; &quot;Quote&quot;"))
        }
    }
}

/// Over a real socket (hummingbird's live test framework): the peer-user check reads the kernel's
/// table of loopback connections and lets this process's own user in.
@Suite("Local web app: over a real socket")
struct UILiveTests {
    @Test("a real loopback connection from this user is served; the launch token still works once")
    func realSocket() async throws {
        let fixture = try VaultFixture()
        let app = LocalWebApp(vault: fixture.vault, gate: UIGate(allowedHosts: ["localhost"]))
        let application = Application(router: app.router(), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await application.test(.live) { client in
            let launch = try await client.execute(uri: app.launchPath, method: .get)
            #expect(launch.status == .ok)
            let cookie = try #require(launch.headers[.setCookie]).split(separator: ";")[0]
            let home = try await client.execute(uri: "/", method: .get, headers: [.cookie: String(cookie)])
            #expect(home.status == .ok)
            #expect(String(buffer: home.body).contains(Synthetic.clientName))
            #expect(try await client.execute(uri: app.launchPath, method: .get).status == .forbidden)
        }
    }
}

import CasebookModels
import CasebookServerTestSupport
import CasebookStorage
import CasebookSync
import CasebookTestSupport
import CasebookUI
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Synchronization
import Testing

/// A clock the test moves by hand.
final class HandClock: Sendable {
    private let time = Mutex(Date(timeIntervalSince1970: 1_800_000_000))
    var now: Date { time.withLock { $0 } }
    func advance(minutes: Double) { time.withLock { $0 += minutes * 60 } }
}

/// The web session's life (idle timeout), "Sync now" with progress, and what reaches the logs.
@Suite("Local web app: session, sync progress, logs")
struct UISessionTests {
    @Test("a session unused for 15 minutes ends on its next request; each request restarts the clock")
    func idleTimeout() async throws {
        let clock = HandClock()
        let harness = try UIHarness(gate: UIGate(allowedHosts: ["localhost"], idleTimeout: 15 * 60, now: { clock.now }))
        try await harness.test { browser in
            var browser = browser
            try await browser.launch()
            clock.advance(minutes: 14)
            #expect(try await browser.get("/").status == .ok)
            clock.advance(minutes: 14)
            #expect(try await browser.get("/").status == .ok, "the previous request restarted the idle clock")
            clock.advance(minutes: 15.1)
            let idle = try await browser.get("/")
            #expect(idle.status == .unauthorized)
            #expect(idle.text.contains("15 minutes without use"))
            #expect(!idle.text.contains(Synthetic.clientName))
            let after = try await browser.get("/")
            #expect(after.status == .unauthorized, "the session is gone, not merely refused once")
            #expect(after.text.contains("Not signed in"))
            #expect(try await browser.post("/clients", [("name", "After Idle")]).status == .unauthorized)
            #expect(try harness.vault.clients().count == 1)
        }
    }

    @Test("Sync now starts a job and answers at once; GET /sync shows the engine's phase and counts, refreshing, then the summary")
    func syncProgress() async throws {
        let release = Atomic(false)
        let harness = try UIHarness(role: .admin) { hooks in
            hooks.sync = { progress in
                progress(SyncProgress(phase: .push, pushed: 3, pulled: 0))
                while !release.load(ordering: .acquiring) { try await Task.sleep(for: .milliseconds(5)) }
                progress(SyncProgress(phase: .pull, pushed: 3, pulled: 5))
                return "Sent 3 revision(s); received 5 (5 new)."
            }
        }
        try await harness.test { browser in
            var browser = browser
            try await browser.launch()
            #expect(try await browser.post("/sync", [], csrf: false).status == .forbidden)
            let started = try await browser.post("/sync", [])
            #expect(started.status == .seeOther)
            #expect(started.location == "/sync")
            var page = try await browser.get("/sync")
            for _ in 0..<200 where !page.text.contains("3 sent") {
                try await Task.sleep(for: .milliseconds(10))
                page = try await browser.get("/sync")
            }
            #expect(page.text.contains("id=\"sync-progress\" data-phase=\"push\""))
            #expect(page.text.contains("3 sent, 0 received so far"))
            #expect(page.text.contains("<meta http-equiv=\"refresh\" content=\"1\">"))
            #expect(try await browser.post("/sync", []).location == "/sync", "a second press shows the running job")
            release.store(true, ordering: .releasing)
            for _ in 0..<200 where !page.text.contains("sync-result") {
                try await Task.sleep(for: .milliseconds(10))
                page = try await browser.get("/sync")
            }
            #expect(page.text.contains("id=\"sync-result\">Sent 3 revision(s); received 5 (5 new).</p>"))
            #expect(!page.text.contains("http-equiv=\"refresh\""))
        }
    }

    @Test("a failed sync is reported in the library's words on the sync page")
    func syncFailure() async throws {
        let harness = try UIHarness(role: .admin) { hooks in
            hooks.sync = { _ in throw CasebookError(.offline, "the sync server did not answer; nothing was lost") }
        }
        try await harness.test { browser in
            var browser = browser
            try await browser.launch()
            _ = try await browser.post("/sync", [])
            var page = try await browser.get("/sync")
            for _ in 0..<200 where !page.text.contains("Refused:") {
                try await Task.sleep(for: .milliseconds(10))
                page = try await browser.get("/sync")
            }
            #expect(page.text.contains("the sync server did not answer"))
        }
    }

    @Test("no client content in hummingbird's logs at trace level, over a real socket, across pages, forms, refusals and errors")
    func noContentInLogs() async throws {
        let captured = LogCapture()
        let logger = captured.logger
        let fixture = try VaultFixture()
        let app = LocalWebApp(vault: fixture.vault, gate: UIGate(allowedHosts: ["localhost"]))
        let application = Application(router: app.router(), configuration: .init(address: .hostname("127.0.0.1", port: 0)), logger: logger)
        let note = "Maudlin Thistlewick said the quarrywood den scares her"
        try await application.test(.live) { client in
            let launch = try await client.execute(uri: app.launchPath, method: .get)
            let cookie = String(try #require(launch.headers[.setCookie]).split(separator: ";")[0])
            let home = try await client.execute(uri: "/", method: .get, headers: [.cookie: cookie])
            let csrf = try #require(Browser.csrf(in: String(buffer: home.body)))
            let cid = fixture.client.rawValue
            let form: HTTPFields = [.cookie: cookie, .contentType: "application/x-www-form-urlencoded"]
            let encoded = Browser.encode(note)
            for (uri, body) in [("/clients/\(cid)/preview", "topics=\(encoded)&csrf=\(csrf)"),
                                ("/clients/\(cid)/sessions", "on=2026-11-02&minutes=50&platform=Microsoft+Teams&practitioner_private=on&client_private=on&topics=\(encoded)&progress=\(encoded)&follow_up=\(encoded)&csrf=\(csrf)"),
                                ("/concerns", "client=\(cid)&category=neglect&details=\(encoded)&csrf=\(csrf)"),
                                ("/clients/\(cid)/releases", "recipient=\(encoded)&purpose=\(encoded)&basis=court-order&csrf=\(csrf)"),
                                ("/clients", "name=\(encoded)&born=\(encoded)&csrf=\(csrf)"),
                                ("/clients", "name=\(encoded)")] {  // the last without the token: refused
                _ = try await client.execute(uri: uri, method: .post, headers: form, body: ByteBuffer(string: body))
            }
            _ = try await client.execute(uri: "/clients/\(encoded)", method: .get, headers: [.cookie: cookie])
            _ = try await client.execute(uri: "/sessions/\(encoded)/edit", method: .get, headers: [.cookie: cookie])
            #expect(try fixture.vault.sessions(client: fixture.client).count == 1, "the note was really saved")
        }
        let text = captured.text
        #expect(!text.isEmpty, "the capture works: hummingbird logged at trace level")
        for word in ["Maudlin", "Thistlewick", "quarrywood", Synthetic.clientName, app.gate.launchToken] {
            #expect(!text.contains(word), "'\(word)' reached the log")
        }
    }
}

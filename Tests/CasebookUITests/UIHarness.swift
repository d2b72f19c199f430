import CasebookModels
import CasebookStorage
import CasebookTestSupport
import CasebookUI
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Synchronization

/// The web app over a real vault file, driven through hummingbird's router test client.
/// The router test framework sends requests with authority "localhost", so the gate allows that host.
final class UIHarness: Sendable {
    /// The vault fixture; nil only for a harness over an enrolled vault (`init(vault:…)`).
    let fixture: VaultFixture!
    let vault: Vault
    let gate: UIGate
    let app: LocalWebApp

    /// `configure` sets the hooks an app would pass (the export key, a sync); `gate` replaces the
    /// default one (e.g. with an injected clock for the idle timeout).
    init(role: Role = .practitioner, trained: Bool = true, withClient: Bool = true, gate: UIGate = UIGate(allowedHosts: ["localhost"]),
         configure: (inout UIHooks) -> Void = { _ in }) throws {
        fixture = try VaultFixture(role: role, trained: trained, withClient: withClient)
        vault = fixture.vault
        let flag = UnlockedBox()
        self.box = flag
        self.gate = gate
        var hooks = UIHooks(isUnlocked: { flag.value.load(ordering: .relaxed) })
        configure(&hooks)
        app = LocalWebApp(vault: fixture.vault, gate: gate, hooks: hooks)
    }

    /// The web app over an existing vault (an enrolled one, on a real sync server).
    init(vault: Vault, gate: UIGate = UIGate(allowedHosts: ["localhost"]), configure: (inout UIHooks) -> Void = { _ in }) {
        fixture = nil
        self.vault = vault
        let flag = UnlockedBox()
        self.box = flag
        self.gate = gate
        var hooks = UIHooks(isUnlocked: { flag.value.load(ordering: .relaxed) })
        configure(&hooks)
        app = LocalWebApp(vault: vault, gate: gate, hooks: hooks)
    }

    private let box: UnlockedBox
    func lock() { box.value.store(false, ordering: .relaxed) }

    func test(_ body: @Sendable (Browser) async throws -> Void) async throws {
        let application = Application(router: app.router())
        try await application.test(.router) { client in
            try await body(Browser(client: client, harness: self))
        }
    }
}

final class UnlockedBox: Sendable { let value = Atomic(true) }

/// A tiny browser: keeps the session cookie and the page's CSRF token.
struct Browser: Sendable {
    let client: any TestClientProtocol
    let harness: UIHarness
    var cookie: String?
    var csrf: String?

    init(client: any TestClientProtocol, harness: UIHarness) {
        self.client = client
        self.harness = harness
    }

    static let host = HTTPField.Name("Host")!  // swiftlint:disable:this force_unwrapping
    static let csrfHeader = HTTPField.Name("X-CSRF-Token")!  // swiftlint:disable:this force_unwrapping
    static let fetchSite = HTTPField.Name("Sec-Fetch-Site")!  // swiftlint:disable:this force_unwrapping

    /// Opens the launch URL and the home page: afterwards `cookie` and `csrf` are set.
    mutating func launch() async throws {
        let response = try await client.execute(uri: harness.app.launchPath, method: .get)
        guard response.status == .ok, let set = response.headers[.setCookie] else { throw Failure("launch refused: \(response.status)") }
        cookie = String(set.split(separator: ";")[0])
        let home = try await get("/")
        csrf = Browser.csrf(in: home.text)
    }

    static func csrf(in html: String) -> String? {
        guard let range = html.range(of: "<meta name=\"csrf\" content=\"") else { return nil }
        return String(html[range.upperBound...].prefix { $0 != "\"" })
    }

    func headers(_ extra: HTTPFields = [:]) -> HTTPFields {
        var fields = extra
        if let cookie { fields[.cookie] = cookie }
        return fields
    }

    func get(_ uri: String, headers extra: HTTPFields = [:]) async throws -> Page {
        Page(try await client.execute(uri: uri, method: .get, headers: headers(extra)))
    }

    /// Posts a form; the CSRF token is added unless `csrf: false` (or given explicitly).
    func post(_ uri: String, _ fields: [(String, String)], csrf include: Bool = true, csrfValue: String? = nil,
              headers extra: HTTPFields = [:]) async throws -> Page {
        var all = fields
        if include, let token = csrfValue ?? csrf { all.append(("csrf", token)) }
        var fieldHeaders = headers(extra)
        fieldHeaders[.contentType] = "application/x-www-form-urlencoded"
        let body = all.map { "\(Browser.encode($0.0))=\(Browser.encode($0.1))" }.joined(separator: "&")
        return Page(try await client.execute(uri: uri, method: .post, headers: fieldHeaders, body: ByteBuffer(string: body)))
    }

    static func encode(_ s: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return s.addingPercentEncoding(withAllowedCharacters: allowed) ?? s
    }
}

struct Page: Sendable {
    let status: HTTPResponse.Status
    let headers: HTTPFields
    let text: String

    init(_ response: TestResponse) {
        status = response.status
        headers = response.headers
        text = String(buffer: response.body)
        body = response.body
    }

    var location: String? { headers[.location] }
    var body: ByteBuffer

    /// The response body as bytes (a downloaded bundle).
    var data: Data { Data(body.readableBytesView) }
}

struct Failure: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

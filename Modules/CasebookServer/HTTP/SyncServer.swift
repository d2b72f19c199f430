import CasebookModels
import CasebookSync
import Foundation
import Hummingbird
import Logging
import HTTPTypes

/// Settings the routes need, parsed once from configuration (see `ServerSettings.init(reader:)`).
public struct RouteSettings: Sendable {
    public var tokenTTL: Duration = .seconds(15 * 60)
    public var challengeTTL: Duration = .seconds(60)
    public var enrolmentCodeTTL: Duration = .seconds(7 * 24 * 3600)
    public var requestTimeout: Duration = .seconds(30)
    public var trustForwardedFor = false
    public var authPerMinute = 30
    public var authBurst = 10
    public init() {}
}

/// The HTTP routes of API v1 and their dependencies. Handlers validate, ask the pure
/// `AccessPolicy`, call the store and return wire DTOs; errors become JSON in `RequestLogMiddleware`.
struct SyncServer: Sendable {
    static let maximumBatch = 5000
    static let defaultPage = 500
    static let maximumPage = 5000

    let store: any ServerStore
    let clock: any WallClock
    let settings: RouteSettings
    let limiter: RateLimiter

    init(store: any ServerStore, clock: any WallClock, settings: RouteSettings) {
        self.store = store
        self.clock = clock
        self.settings = settings
        limiter = RateLimiter(perMinute: settings.authPerMinute, burst: settings.authBurst)
    }

    /// Every route, in one place (the OpenAPI test compares this list with `docs/openapi.json`).
    static let routes: [(method: String, path: String)] = [
        ("GET", "/health"), ("GET", "/ready"), ("GET", "/metrics"),
        ("POST", "/v1/enrol"), ("POST", "/v1/auth/challenge"), ("POST", "/v1/auth/token"), ("POST", "/v1/auth/logout"),
        ("GET", "/v1/organisation"), ("POST", "/v1/people"), ("DELETE", "/v1/people/{person_id}"),
        ("PUT", "/v1/people/{person_id}/training"), ("POST", "/v1/devices/{device_id}/certification"),
        ("POST", "/v1/revisions"), ("GET", "/v1/revisions"), ("GET", "/v1/cases/{case_id}/revisions"),
        ("PUT", "/v1/cases/{case_id}/keys"), ("GET", "/v1/keys"),
        ("POST", "/v1/cases/{case_id}/grants"), ("DELETE", "/v1/cases/{case_id}/grants/{person_id}"),
        ("DELETE", "/v1/cases/{case_id}"),
        ("DELETE", "/v1/devices/{device_id}"), ("GET", "/v1/recovery/keys"),
    ]

    func addRoutes(to router: Router<ServerRequestContext>) {
        let open = router.group("v1")
        open.post("enrol", use: enrol)
        open.post("auth/challenge", use: challenge)
        open.post("auth/token", use: token)

        let authed = router.group("v1").add(middleware: AuthMiddleware(store: store, clock: clock))
        authed.post("auth/logout", use: logout)
        authed.get("organisation", use: organisation)
        authed.post("people", use: invite)
        authed.delete("people/:person_id", use: deactivate)
        authed.put("people/:person_id/training", use: putTraining)
        authed.post("devices/:device_id/certification", use: certify)
        authed.post("revisions", use: push)
        authed.get("revisions", use: pull)
        authed.get("cases/:case_id/revisions", use: pullCase)
        authed.put("cases/:case_id/keys", use: putKeys)
        authed.get("keys", use: keys)
        authed.post("cases/:case_id/grants", use: grant)
        authed.delete("cases/:case_id/grants/:person_id", use: revokeGrant)
        authed.delete("cases/:case_id", use: eraseCase)
        authed.delete("devices/:device_id", use: removeDevice)
        authed.get("recovery/keys", use: recoveryKeys)
    }

    // MARK: Helpers

    func caseID(_ context: ServerRequestContext) throws -> CaseID {
        guard let raw = context.parameters.get("case_id"), let id = CaseID(parsing: raw), id.rawValue == raw else {
            throw CasebookError(.invalidInput, "the case id is malformed")
        }
        return id
    }

    var today: LocalDate { clock.today }

    func later(_ duration: Duration) -> Date {
        clock.now.addingTimeInterval(Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18)
    }

    func rateLimit(_ request: Request, _ context: ServerRequestContext, device: String? = nil) throws {
        var keys = ["ip:" + context.clientAddress(request: request, trustForwardedFor: settings.trustForwardedFor)]
        if let device { keys.append("device:" + device) }
        guard limiter.allow(keys) else { throw ServerError.rateLimited }
    }
}

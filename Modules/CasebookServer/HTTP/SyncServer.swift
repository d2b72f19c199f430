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
    /// Proxies whose `X-Forwarded-For` is believed (`http.trusted-proxies`); empty: the socket peer counts.
    public var trustedProxies: Set<String> = []
    /// Unauthenticated requests (enrolment, challenge, token) per client address: an office of 50
    /// behind one NAT logs in at once within the burst.
    public var authPerMinute = 600
    public var authBurst = 200
    /// Failed proofs (a wrong signature or a spent challenge; a wrong enrolment code) per device and
    /// per address. A valid proof is never refused for them, so a stranger cannot spend a device's budget.
    public var failuresPerMinute = 10
    public var failureBurst = 20
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
    let failures: RateLimiter

    init(store: any ServerStore, clock: any WallClock, settings: RouteSettings) {
        self.store = store
        self.clock = clock
        self.settings = settings
        limiter = RateLimiter(perMinute: settings.authPerMinute, burst: settings.authBurst)
        failures = RateLimiter(perMinute: settings.failuresPerMinute, burst: settings.failureBurst)
    }

    /// The sync routes (the OpenAPI test compares the router's `routes` with `docs/openapi.json`).
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

    // MARK: Limits (keyed on who, not where: ADR 0018)

    func clientAddress(_ request: Request, _ context: ServerRequestContext) -> String {
        context.clientAddress(request: request, trustedProxies: settings.trustedProxies)
    }

    /// One unauthenticated request from this client address.
    func rateLimit(_ request: Request, _ context: ServerRequestContext) throws {
        if case .refused(let seconds) = limiter.take("ip:" + clientAddress(request, context)) {
            throw RateLimitedError(retryAfter: seconds)
        }
    }

    /// Refuses at once when this address has spent its failure budget (used before work that a
    /// guess could exploit: enrolment codes).
    func checkFailures(_ request: Request, _ context: ServerRequestContext) throws {
        if case .refused(let seconds) = failures.check("fail-ip:" + clientAddress(request, context)) {
            throw RateLimitedError(retryAfter: seconds)
        }
    }

    /// Records a failed proof against the address and, when given, the device. Returns the wait
    /// when either budget is spent (then the failure is answered 429 rather than 401).
    func recordFailure(_ request: Request, _ context: ServerRequestContext, device: String? = nil) -> Int? {
        var wait: Int?
        if case .refused(let seconds) = failures.take("fail-ip:" + clientAddress(request, context)) { wait = seconds }
        if let device, case .refused(let seconds) = failures.take("fail-device:" + device) { wait = max(wait ?? 0, seconds) }
        return wait
    }
}

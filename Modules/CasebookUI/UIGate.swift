import Foundation
import Synchronization

/// The local web app's door (issue 14, ADR 0023): the one-time launch token, the session cookie it
/// is exchanged for, each session's CSRF token, and the addresses the app answers to.
///
/// Invariants:
/// - the launch token is accepted once; afterwards it is dead (a replay is refused);
/// - a session id and a CSRF token are 256 random bits (the system's CSPRNG), compared in constant time;
/// - until the server is bound, no host is allowed, so no request is answered;
/// - a session unused for `idleTimeout` (15 minutes unless `casebook ui --idle-minutes` says) ends
///   on its next request, as a locked vault does;
/// - nothing here is ever logged or printed except the launch URL, which the app prints once.
public final class UIGate: Sendable {
    struct Session {
        var csrf: String
        var lastSeen: Date
    }

    struct State {
        var launchToken: String?
        var sessions: [String: Session] = [:]  // session id → CSRF token, last request
        var allowedHosts: Set<String> = []
    }

    /// What a session cookie is worth on this request.
    enum Admission: Equatable {
        case live(csrf: String)
        case idle
        case unknown
    }

    public static let defaultIdleTimeout: TimeInterval = 15 * 60

    private let state: Mutex<State>
    /// The one-time token carried by the launch URL.
    public let launchToken: String
    /// How long a session may go without a request before it ends.
    public let idleTimeout: TimeInterval
    private let now: @Sendable () -> Date

    public init(allowedHosts: Set<String> = [], idleTimeout: TimeInterval = UIGate.defaultIdleTimeout,
                now: @escaping @Sendable () -> Date = { Date() }) {
        let token = UIGate.randomToken()
        launchToken = token
        self.idleTimeout = idleTimeout
        self.now = now
        state = Mutex(State(launchToken: token, allowedHosts: allowedHosts))
    }

    /// Called once the server is bound: the app answers only to these Host values.
    public func bind(port: Int) {
        state.withLock { $0.allowedHosts = ["127.0.0.1:\(port)", "localhost:\(port)"] }
    }

    func isAllowed(host: String) -> Bool { state.withLock { $0.allowedHosts.contains(host.lowercased()) } }

    /// An Origin (or a Referer's origin) is ours when it is http:// one of the allowed hosts.
    func isOwnOrigin(_ origin: String) -> Bool {
        guard let url = URL(string: origin), url.scheme == "http", let host = url.host else { return false }
        let hostPort = url.port.map { "\(host):\($0)" } ?? host
        return isAllowed(host: hostPort)
    }

    /// Exchanges the launch token for a new session id, once. Nil for a wrong or replayed token.
    func exchange(_ token: String) -> String? {
        state.withLock { s -> String? in
            guard let live = s.launchToken, UIGate.constantTimeEqual(live, token) else { return nil }
            s.launchToken = nil  // dead from now on
            let session = UIGate.randomToken()
            s.sessions[session] = Session(csrf: UIGate.randomToken(), lastSeen: now())
            return session
        }
    }

    /// Admits a request carrying `session`: live (and its idle clock restarts), idle for longer than
    /// `idleTimeout` (the session ends now), or unknown.
    func admit(session: String) -> Admission {
        let time = now()
        return state.withLock { s in
            guard let key = s.sessions.keys.first(where: { UIGate.constantTimeEqual($0, session) }), let live = s.sessions[key] else {
                return .unknown
            }
            guard time.timeIntervalSince(live.lastSeen) <= idleTimeout else {
                s.sessions[key] = nil
                return .idle
            }
            s.sessions[key]?.lastSeen = time
            return .live(csrf: live.csrf)
        }
    }

    /// Ends every session (the vault was locked or the session expired).
    public func endAllSessions() { state.withLock { $0.sessions.removeAll(); $0.launchToken = nil } }

    static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()  // getrandom(2) on Linux: a CSPRNG
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var diff: UInt8 = 0
        for i in x.indices { diff |= x[i] ^ y[i] }
        return diff == 0
    }
}

import Foundation
import Synchronization

/// The local web app's door (issue 14, ADR 0023): the one-time launch token, the session cookie it
/// is exchanged for, each session's CSRF token, and the addresses the app answers to.
///
/// Invariants:
/// - the launch token is accepted once; afterwards it is dead (a replay is refused);
/// - a session id and a CSRF token are 256 random bits (the system's CSPRNG), compared in constant time;
/// - until the server is bound, no host is allowed, so no request is answered;
/// - nothing here is ever logged or printed except the launch URL, which the app prints once.
public final class UIGate: Sendable {
    struct State {
        var launchToken: String?
        var sessions: [String: String] = [:]  // session id → CSRF token
        var allowedHosts: Set<String> = []
    }

    private let state: Mutex<State>
    /// The one-time token carried by the launch URL.
    public let launchToken: String

    public init(allowedHosts: Set<String> = []) {
        let token = UIGate.randomToken()
        launchToken = token
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
            s.sessions[session] = UIGate.randomToken()
            return session
        }
    }

    /// The CSRF token of a live session, or nil when the session id is unknown.
    func csrf(session: String) -> String? {
        state.withLock { s in
            s.sessions.first { UIGate.constantTimeEqual($0.key, session) }?.value
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

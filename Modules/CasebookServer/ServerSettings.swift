import CasebookModels
public import Configuration
import Foundation
public import Logging

/// Everything `casebook-server serve` reads from configuration, parsed once into types.
///
/// Keys (flags > environment `CASEBOOK_SERVER_*` > `--config FILE` JSON; see docs/server.md):
/// - `database.url` (string, required): `sqlite:PATH` (embedded, one process) or
///   `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE` (several stateless server processes).
/// - `database.max-connections` (int, default 20): PostgreSQL pool size per process.
/// - `http.host` (string, default `127.0.0.1`), `http.port` (int, default 8080; 0 picks a free port).
/// - `http.request-timeout` (seconds, default 30): deadline of every request.
/// - `http.idle-timeout` (seconds, default 60): an idle or half-open connection is closed.
/// - `http.trusted-proxies` (comma-separated IP addresses, default none): reverse proxies whose
///   `X-Forwarded-For` gives the client address for rate limiting; from any other peer it is ignored.
/// - `tls.certificate`, `tls.key` (file paths, PEM): serve HTTPS when both are given.
/// - `log.level` (trace…critical, default info).
/// - `metrics.token` (secret, at least 22 characters, default none): `/metrics` answers only a
///   request with `Authorization: Bearer TOKEN`; without it `/metrics` is off (404).
/// - `auth.token-ttl` (seconds, default 900), `auth.challenge-ttl` (seconds, default 60).
/// - `auth.rate-per-minute` (default 600), `auth.rate-burst` (default 200): unauthenticated requests
///   (enrolment, challenge, token) per client address; an office of 50 behind one NAT fits.
/// - `auth.failure-per-minute` (default 10), `auth.failure-burst` (default 20): failed proofs (wrong
///   signature, spent challenge, wrong enrolment code) per client address and per device.
public struct ServerSettings: Sendable {
    public var databaseURL: String
    public var maxConnections: Int
    public var host: String
    public var port: Int
    public var idleTimeoutSeconds: Int
    public var tlsCertificatePath: String?
    public var tlsKeyPath: String?
    public var logLevel: Logger.Level
    public var metricsToken: String?
    public var routes: RouteSettings

    public init(reader: ConfigReader) throws {
        guard let url = reader.string(forKey: "database.url", isSecret: true), !url.isEmpty else {
            throw CasebookError(.invalidInput, "no database: pass --database sqlite:PATH or postgres://… (or set CASEBOOK_SERVER_DATABASE_URL)")
        }
        databaseURL = url
        maxConnections = reader.int(forKey: "database.max-connections", default: 20)
        host = reader.string(forKey: "http.host", default: "127.0.0.1")
        port = reader.int(forKey: "http.port", default: 8080)
        idleTimeoutSeconds = reader.int(forKey: "http.idle-timeout", default: 60)
        tlsCertificatePath = reader.string(forKey: "tls.certificate")
        tlsKeyPath = reader.string(forKey: "tls.key")
        if (tlsCertificatePath == nil) != (tlsKeyPath == nil) {
            throw CasebookError(.invalidInput, "TLS needs both --tls-cert and --tls-key")
        }
        let level = reader.string(forKey: "log.level", default: "info")
        guard let parsed = Logger.Level(rawValue: level) else {
            throw CasebookError(.invalidInput, "log.level must be one of \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        logLevel = parsed
        metricsToken = reader.string(forKey: "metrics.token", isSecret: true).flatMap { $0.isEmpty ? nil : $0 }
        if let metricsToken, metricsToken.count < 22 || metricsToken.count > 128 {
            throw CasebookError(.invalidInput, "metrics.token must be 22 to 128 characters (e.g. the output of 'openssl rand -base64 24')")
        }
        var routes = RouteSettings()
        routes.tokenTTL = .seconds(reader.int(forKey: "auth.token-ttl", default: 900))
        routes.challengeTTL = .seconds(reader.int(forKey: "auth.challenge-ttl", default: 60))
        routes.requestTimeout = .seconds(reader.int(forKey: "http.request-timeout", default: 30))
        if reader.bool(forKey: "http.trust-forwarded-for", default: false) {
            throw CasebookError(.invalidInput,
                "http.trust-forwarded-for was replaced by http.trusted-proxies: give the proxy's address (--trusted-proxy 127.0.0.1)")
        }
        let proxies = reader.string(forKey: "http.trusted-proxies", default: "")
        routes.trustedProxies = Set(proxies.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
        routes.authPerMinute = try Self.positive(reader, "auth.rate-per-minute", default: 600)
        routes.authBurst = try Self.positive(reader, "auth.rate-burst", default: 200)
        routes.failuresPerMinute = try Self.positive(reader, "auth.failure-per-minute", default: 10)
        routes.failureBurst = try Self.positive(reader, "auth.failure-burst", default: 20)
        self.routes = routes
    }

    private static func positive(_ reader: ConfigReader, _ key: String, default value: Int) throws -> Int {
        let given = reader.int(forKey: ConfigKey(key), default: value)
        guard given > 0 else { throw CasebookError(.invalidInput, "\(key) must be a positive number") }
        return given
    }
}

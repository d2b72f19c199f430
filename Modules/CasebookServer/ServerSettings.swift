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
/// - `http.trust-forwarded-for` (bool, default false): take the client address for rate limiting
///   from `X-Forwarded-For`; only behind a reverse proxy that sets it.
/// - `tls.certificate`, `tls.key` (file paths, PEM): serve HTTPS when both are given.
/// - `log.level` (trace…critical, default info).
/// - `auth.token-ttl` (seconds, default 900), `auth.challenge-ttl` (seconds, default 60).
/// - `auth.rate-per-minute` (default 30), `auth.rate-burst` (default 10): enrolment and login
///   attempts per client address and per device.
public struct ServerSettings: Sendable {
    public var databaseURL: String
    public var maxConnections: Int
    public var host: String
    public var port: Int
    public var idleTimeoutSeconds: Int
    public var tlsCertificatePath: String?
    public var tlsKeyPath: String?
    public var logLevel: Logger.Level
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
        var routes = RouteSettings()
        routes.tokenTTL = .seconds(reader.int(forKey: "auth.token-ttl", default: 900))
        routes.challengeTTL = .seconds(reader.int(forKey: "auth.challenge-ttl", default: 60))
        routes.requestTimeout = .seconds(reader.int(forKey: "http.request-timeout", default: 30))
        routes.trustForwardedFor = reader.bool(forKey: "http.trust-forwarded-for", default: false)
        routes.authPerMinute = reader.int(forKey: "auth.rate-per-minute", default: 30)
        routes.authBurst = reader.int(forKey: "auth.rate-burst", default: 10)
        self.routes = routes
    }
}

import ArgumentParser
import CasebookModels
import SystemPackage
import UnixSignals
import CasebookServer
import Configuration
import Foundation
import Hummingbird
import Logging
import Metrics
import Prometheus
import ServiceLifecycle

/// `casebook-server`: the Casebook sync server. It stores sealed revisions (clear header +
/// ciphertext) and wrapped keys; it never holds a case key, a name or a note.
@main
struct CasebookServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "casebook-server",
        abstract: "The Casebook sync server: stores encrypted revisions and enforces who may sync which case.",
        discussion: """
            Start with `casebook-server init` to create the organisation, then `casebook-server serve`.
            Configuration comes from flags, then CASEBOOK_SERVER_* environment variables
            (e.g. CASEBOOK_SERVER_DATABASE_URL, CASEBOOK_SERVER_HTTP_PORT), then a JSON file given with --config.
            See docs/server.md for every key, TLS and running behind a reverse proxy.
            """,
        subcommands: [Serve.self, Init.self],
        defaultSubcommand: Serve.self)
}

/// Options shared by both subcommands, mapped onto configuration keys (flags win over environment and file).
struct CommonOptions: ParsableArguments {
    @Option(name: .long, help: "Database: sqlite:PATH (embedded) or postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE. Key database.url.")
    var database: String?

    @Option(name: .long, help: "A JSON configuration file, e.g. {\"http\": {\"port\": 8443}}. Lowest precedence.")
    var config: String?

    func values() -> [AbsoluteConfigKey: ConfigValue] {
        var values: [AbsoluteConfigKey: ConfigValue] = [:]
        if let database { values["database.url"] = .init(.string(database), isSecret: true) }
        return values
    }

    func reader(extra: [AbsoluteConfigKey: ConfigValue] = [:]) async throws -> ConfigReader {
        var providers: [any ConfigProvider] = [
            InMemoryProvider(name: "flags", values: values().merging(extra) { $1 }),
            EnvironmentVariablesProvider(secretsSpecifier: .specific(["CASEBOOK_SERVER_DATABASE_URL", "CASEBOOK_SERVER_METRICS_TOKEN"]))
                .prefixKeys(with: ConfigKey(["casebook", "server"])),
        ]
        if let config {
            providers.append(try await FileProvider<JSONSnapshot>(filePath: .init(config)))
        }
        return ConfigReader(providers: providers)
    }
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve the sync API until SIGTERM or SIGINT (graceful: in-flight requests finish).",
        discussion: """
            Examples:
              casebook-server serve --database sqlite:/var/lib/casebook/server.db --port 8080
              casebook-server serve --database postgres://casebook@db.internal/casebook --host 0.0.0.0 \\
                  --tls-cert /etc/casebook/cert.pem --tls-key /etc/casebook/key.pem
            Behind a reverse proxy (nginx, Caddy) terminate TLS there, bind to 127.0.0.1 and pass
            --trusted-proxy with the proxy's address so rate limits apply per client.
            Endpoints: /health (process up), /ready (database reachable), /v1/… (API), and /metrics
            (Prometheus) only with CASEBOOK_SERVER_METRICS_TOKEN set, to callers sending it as a bearer token.
            """)

    @OptionGroup var common: CommonOptions
    @Option(help: "Address to bind (key http.host, default 127.0.0.1).") var host: String?
    @Option(help: "Port (key http.port, default 8080; 0 picks a free port).") var port: Int?
    @Option(name: .customLong("tls-cert"), help: "PEM certificate chain; with --tls-key serves HTTPS (key tls.certificate).") var tlsCert: String?
    @Option(name: .customLong("tls-key"), help: "PEM private key (key tls.key).") var tlsKey: String?
    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error, critical (key log.level).") var logLevel: String?
    @Option(name: .customLong("trusted-proxy"),
            help: "A reverse proxy's address whose X-Forwarded-For is believed (repeatable; key http.trusted-proxies).")
    var trustedProxy: [String] = []

    func run() async throws {
        var extra: [AbsoluteConfigKey: ConfigValue] = [:]
        if let host { extra["http.host"] = .init(.string(host), isSecret: false) }
        if let port { extra["http.port"] = .init(.int(port), isSecret: false) }
        if let tlsCert { extra["tls.certificate"] = .init(.string(tlsCert), isSecret: false) }
        if let tlsKey { extra["tls.key"] = .init(.string(tlsKey), isSecret: false) }
        if let logLevel { extra["log.level"] = .init(.string(logLevel), isSecret: false) }
        if !trustedProxy.isEmpty { extra["http.trusted-proxies"] = .init(.string(trustedProxy.joined(separator: ",")), isSecret: false) }
        let reader = try await common.reader(extra: extra)

        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .info
            return handler
        }
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: PrometheusMetricsFactory.defaultRegistry))
        let logger = Logger(label: "casebook-server")
        let app = try await buildApplication(reader: reader, logger: logger)
        // Application.runService() runs the server and its services in a ServiceGroup that shuts
        // down gracefully on SIGTERM and SIGINT.
        try await app.runService(gracefulShutdownSignals: [.sigterm, .sigint])
    }
}

struct Init: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create the organisation and print a one-time enrolment code for its first administrator.",
        discussion: """
            The code (cb1. followed by 256 random bits, base64url) is printed once and expires in 7 days; the server keeps
            only the SHA-256 of a value derived from it (docs/adr/0015-enrolment-and-transport.md).
            The administrator's name is not sent to the server: their replica stores it, encrypted, in the
            organisation case. Give the code and the person id to the administrator's `casebook` CLI.
            Example: casebook-server init --database sqlite:server.db --org "Northside Mentoring" --admin "A. Admin" --json
            """)

    @OptionGroup var common: CommonOptions
    @Option(help: "The organisation's name (stored on the server).") var org: String
    @Option(help: "The first administrator's name (printed back only; never stored on the server).") var admin: String
    @Flag(help: "Print {\"enrolment_code\": …, \"person_id\": …} as JSON.") var json = false

    func run() async throws {
        let reader = try await common.reader()
        guard let url = reader.string(forKey: "database.url", isSecret: true) else {
            throw ValidationError("pass --database sqlite:PATH or postgres://… (or set CASEBOOK_SERVER_DATABASE_URL)")
        }
        var logger = Logger(label: "casebook-server")
        logger.logLevel = .warning
        let name = org
        let result = try await withServerStore(url: url, logger: logger) { store in
            try await initialiseOrganisation(store: store, name: name)
        }
        if json {
            let object = ["enrolment_code": result.code, "person_id": result.admin.rawValue]
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        } else {
            print("""
                Organisation "\(org)" created.
                Enrolment code for \(admin) (one use, expires in 7 days; shown only now):
                  \(result.code)
                Person id: \(result.admin.rawValue)
                """)
        }
    }
}

public import CasebookModels
import CasebookSync
public import Configuration
import Crypto
import Foundation
public import Hummingbird
import HummingbirdTLS
public import Logging
import NIOCore
import NIOSSL
import Prometheus
import ServiceLifecycle
import CasebookCrypto
import HummingbirdCore

/// Builds the sync server from configuration (see `ServerSettings` for every key). Tests call it
/// with an `InMemoryProvider`; `casebook-server serve` with flags, environment and a file.
///
/// `onServerRunning` receives the bound port once the server listens (useful with `http.port` 0).
public func buildApplication(reader: ConfigReader, clock: any WallClock = SystemWallClock(), logger: Logger? = nil,
                             onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws -> some ApplicationProtocol {
    let settings = try ServerSettings(reader: reader)
    var logger = logger ?? Logger(label: "casebook-server")
    logger.logLevel = settings.logLevel
    let opened = try openServerStore(url: settings.databaseURL, maxConnections: settings.maxConnections, logger: logger)
    let store = opened.store
    let router = buildRouter(store: store, clock: clock, settings: settings)
    return try application(router: router, store: store, services: opened.services, settings: settings, logger: logger,
                           onServerRunning: onServerRunning)
}

/// Every route the server serves, on its middleware. Separate from `buildApplication` so that the
/// OpenAPI test reads the served routes from the router itself (`Router.routes`; ADR 0026).
func buildRouter(store: any ServerStore, clock: any WallClock, settings: ServerSettings) -> Router<ServerRequestContext> {
    let router = Router(context: ServerRequestContext.self)
    router.add(middleware: RequestLogMiddleware())
    router.add(middleware: ProtocolMiddleware())
    router.add(middleware: MetricsMiddleware())
    router.add(middleware: DeadlineMiddleware(timeout: settings.routes.requestTimeout))
    router.get("health") { _, _ in jsonResponse(["status": "ok"]) }
    router.get("ready") { _, _ in
        do {
            try await store.ping()
            return jsonResponse(["status": "ready"])
        } catch {
            return jsonResponse(APIErrorBody(error: CasebookError.Code.storage.rawValue, message: "the database is not reachable"),
                                status: .serviceUnavailable)
        }
    }
    // `/metrics` only with `metrics.token` set, and only to a caller presenting it (ADR 0018):
    // request counts and timings are operational data, not for anyone who can reach the port.
    let metricsToken = settings.metricsToken
    router.get("metrics") { request, _ in
        guard let metricsToken else {
            throw CasebookError(.notFound, "metrics are off: set metrics.token (CASEBOOK_SERVER_METRICS_TOKEN) to serve them")
        }
        guard let presented = AuthMiddleware.bearerToken(request),
              AuthMiddleware.hash(presented) == AuthMiddleware.hash(metricsToken) else { throw ServerError.unauthenticated }
        return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                        body: .init(byteBuffer: ByteBuffer(bytes: PrometheusMetricsFactory.defaultRegistry.emitToBuffer())))
    }
    SyncServer(store: store, clock: clock, settings: settings.routes).addRoutes(to: router)
    return router
}

/// The HTTP server (TLS when configured) around the router.
private func application(router: Router<ServerRequestContext>, store: any ServerStore, services: [any Service], settings: ServerSettings,
                         logger: Logger, onServerRunning: @escaping @Sendable (Int) async -> Void) throws -> some ApplicationProtocol {
    let http1 = HTTPServerBuilder.http1(configuration: .init(idleTimeout: .seconds(Int64(settings.idleTimeoutSeconds))))
    let server: HTTPServerBuilder
    if let certificate = settings.tlsCertificatePath, let key = settings.tlsKeyPath {
        let chain = try NIOSSLCertificate.fromPEMFile(certificate)
        var tls = TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) },
                                                           privateKey: .privateKey(try NIOSSLPrivateKey(file: key, format: .pem)))
        tls.minimumTLSVersion = .tlsv12
        // Like HummingbirdTLS's `.tls(http1, …)`, plus a log line for each failed handshake (ADR 0015).
        let channelConfiguration = HTTP1Channel.Configuration(idleTimeout: .seconds(Int64(settings.idleTimeoutSeconds)))
        let tlsLogger = logger
        let serverTLS = tls
        _ = try NIOSSLContext(configuration: serverTLS)  // a bad certificate or key fails here, at start-up
        server = HTTPServerBuilder { responder in
            try HandshakeLoggingTLSChannel(base: HTTP1Channel(responder: responder, configuration: channelConfiguration),
                                           tlsConfiguration: serverTLS, logger: tlsLogger)
        }
    } else {
        server = http1
    }
    var app = Application(router: router, server: server,
                          configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: "casebook"),
                          services: services,
                          onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? settings.port) },
                          logger: logger)
    app.beforeServerStarts { try await store.migrate() }
    return app
}

/// `casebook-server init`: creates the organisation and its first administrator, and returns the
/// one-time enrolment code (256 random bits, `cb1.` + base64url). Only SHA-256 of the value derived
/// from it for the server is stored; the
/// administrator's name is never sent to the server (names live encrypted in the organisation case).
public func initialiseOrganisation(store: any ServerStore, name: String, clock: any WallClock = SystemWallClock(),
                                   codeTTL: Duration = .seconds(7 * 24 * 3600)) async throws -> (admin: PersonID, code: String) {
    try await store.migrate()
    // `cb1.SECRET`: never starts with `-`; the server keeps only SHA-256 of the server-auth value (ADR 0015).
    let secret = EnrolmentSecret.generate()
    let admin = PersonID.random()
    let expires = clock.now.addingTimeInterval(Double(codeTTL.components.seconds))
    let person = StoredPerson(record: PersonRecord(id: admin, role: .admin, type: .staff, active: true, pending: true),
                              codeHash: secret.serverAuthHash, codeExpires: expires)
    try await store.createOrganisation(id: .random(), name: name, admin: person)
    return (admin, secret.bootstrapCode)
}

import Foundation
public import Logging
import PostgresNIO
public import ServiceLifecycle

/// A store opened from a `database.url`, with the services that must run while it is used
/// (the PostgreSQL connection pool).
public struct OpenedStore: Sendable {
    public let store: any ServerStore
    public let services: [any Service]
}

/// Opens `sqlite:PATH` or `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=disable|prefer|require]`.
public func openServerStore(url: String, maxConnections: Int = 20, logger: Logger) throws -> OpenedStore {
    if url.hasPrefix("sqlite:") {
        var path = String(url.dropFirst("sqlite:".count))
        if path.hasPrefix("//") { path = String(path.dropFirst(2)) }
        guard !path.isEmpty else { throw CasebookErrorFactory.badURL }
        return OpenedStore(store: try SQLiteServerStore(path: path), services: [])
    }
    if url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") {
        let store = try PostgresServerStore(url: url, maxConnections: maxConnections, logger: logger)
        return OpenedStore(store: store, services: [store.client])
    }
    throw CasebookErrorFactory.badURL
}

/// Runs `body` with an open store, running its services (for `casebook-server init` and tests).
public func withServerStore<T: Sendable>(url: String, logger: Logger,
                                         _ body: @Sendable (any ServerStore) async throws -> T) async throws -> T {
    let opened = try openServerStore(url: url, logger: logger)
    if opened.services.isEmpty { return try await body(opened.store) }
    return try await withThrowingTaskGroup(of: Void.self) { group in
        for service in opened.services { group.addTask { try await service.run() } }
        defer { group.cancelAll() }
        return try await body(opened.store)
    }
}

import CasebookModels

enum CasebookErrorFactory {
    static let badURL = CasebookError(.invalidInput, "the database URL must be sqlite:PATH or postgres://USER@HOST:PORT/DATABASE")
}

/// Test and benchmark support: creates an empty database `name` on the PostgreSQL server of
/// `adminURL` and returns its URL.
public func createPostgresDatabase(adminURL: String, name: String, logger: Logger) async throws -> String {
    guard name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }), var components = URLComponents(string: adminURL) else {
        throw CasebookErrorFactory.badURL
    }
    try await withServerStore(url: adminURL, logger: logger) { store in
        guard let pg = store as? PostgresServerStore else { throw CasebookErrorFactory.badURL }
        try await pg.client.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), logger: logger)
    }
    components.path = "/" + name
    return components.string ?? adminURL
}

import Foundation
public import Logging
import PostgresNIO
public import ServiceLifecycle
import Synchronization

/// A store opened from a `database.url`, with the services that must run while it is used
/// (the PostgreSQL connection pool).
public struct OpenedStore: Sendable {
    public let store: any ServerStore
    public let services: [any Service]
}

/// Opens `sqlite:PATH` or `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=disable|prefer|require]`
/// (or `memory:NAME`, only for a store a test registered with `ServerStoreRegistry`).
public func openServerStore(url: String, maxConnections: Int = 20, logger: Logger) throws -> OpenedStore {
    if url.hasPrefix(ServerStoreRegistry.scheme) {
        guard let store = ServerStoreRegistry.store(named: String(url.dropFirst(ServerStoreRegistry.scheme.count))) else {
            throw CasebookErrorFactory.badURL
        }
        return OpenedStore(store: store, services: [])
    }
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

/// Stores a test hands to `buildApplication` by name (`database.url` = `memory:NAME`), so the real
/// routes run over an `InMemoryServerStore` or a decorated store. Nothing registers a store in
/// `casebook-server`, so its configuration can never name one.
@_spi(Testing) public enum ServerStoreRegistry {
    public static let scheme = "memory:"
    static let stores = Mutex<[String: any ServerStore]>([:])

    /// Registers `store` and returns the `database.url` that opens it.
    public static func register(_ store: any ServerStore, name: String = UUID().uuidString) -> String {
        stores.withLock { $0[name] = store }
        return scheme + name
    }

    public static func unregister(url: String) {
        _ = stores.withLock { $0.removeValue(forKey: String(url.dropFirst(scheme.count))) }
    }

    static func store(named name: String) -> (any ServerStore)? { stores.withLock { $0[name] } }
}

import CasebookModels
import GRDB
import Synchronization

/// The one way the vault opens a transaction (issue 17, ADR 0028). Every read and write goes
/// through these helpers, which
/// - map a GRDB/SQLite error to a `CasebookError` (`storageError`: a damaged file or a full disk
///   becomes its own one-line message, anything else "storage failed while <doing>"), never
///   SQLite's own text or a statement's arguments;
/// - pass a `CasebookError` thrown inside the body (a refusal, a policy check) through unchanged;
/// - after a failed write, drop the in-memory caches filled inside it, since they may describe
///   changes that were rolled back.
///
/// `doing` completes "storage failed while …" ("adding a client").
extension Vault {
    /// A write transaction.
    func write<T>(_ doing: String, _ body: (Database) throws -> T) throws(CasebookError) -> T {
        do { return try pool.write(body) } catch {
            cache.withLock { $0.reset() }
            throw storageError(error, doing)
        }
    }

    /// A read transaction (a snapshot; reads never change the caches' truth, so nothing is reset).
    func read<T>(_ doing: String, _ body: (Database) throws -> T) throws(CasebookError) -> T {
        try Self.read(pool, doing, body)
    }

    /// Outside a transaction, for what SQLite refuses inside one (checkpoints, page scrubbing).
    func writeOutsideTransaction(_ doing: String, _ body: (Database) throws -> Void) throws(CasebookError) {
        do { try pool.writeWithoutTransaction(body) } catch {
            cache.withLock { $0.reset() }
            throw storageError(error, doing)
        }
    }

    /// The same mapping for a pool that has no `Vault` yet (unlocking, creating).
    static func read<T>(_ pool: DatabasePool, _ doing: String, _ body: (Database) throws -> T) throws(CasebookError) -> T {
        do { return try pool.read(body) } catch { throw storageError(error, doing) }
    }
}

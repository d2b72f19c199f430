import CasebookModels
import CasebookCrypto
import Foundation
import GRDB

/// Opens the vault's SQLite file with the settings confidentiality needs.
enum VaultDatabase {
    static func configuration(readonly: Bool = false) -> Configuration {
        var config = Configuration()
        config.readonly = readonly
        config.journalMode = .wal
        config.busyMode = .timeout(10)
        config.prepareDatabase { db in
            // Overwrite deleted content with zeros (crypto-shredding leaves nothing behind in free pages).
            try db.execute(sql: "PRAGMA secure_delete = ON")
            // Temporary tables and indices in memory: no plaintext-bearing temp files on disk.
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
            // An acknowledged write survives power loss.
            try db.execute(sql: "PRAGMA synchronous = FULL")
            try db.execute(sql: "PRAGMA foreign_keys = ON")
        }
        return config
    }

    static func open(path: String, create: Bool) throws(CasebookError) -> DatabasePool {
        let exists = FileManager.default.fileExists(atPath: path)
        if create && exists {
            throw CasebookError(.vaultExists, "a vault already exists at \(path); choose another --vault path or remove it")
        }
        if !create && !exists {
            throw CasebookError(.vaultMissing, "no vault at \(path); create one with 'casebook init' or set --vault / CASEBOOK_VAULT")
        }
        do {
            if create {
                // Owner-only permissions from the first byte on.
                let dir = URL(fileURLWithPath: path).deletingLastPathComponent()
                try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
                try OwnerOnlyFile.create(path, contents: Data())
            }
            let pool = try DatabasePool(path: path, configuration: configuration())
            try VaultSchema.migrator.migrate(pool)
            return pool
        } catch let error as CasebookError {
            throw error
        } catch let error as DatabaseError where error.resultCode == .SQLITE_NOTADB || error.resultCode == .SQLITE_CORRUPT {
            throw CasebookError(.vaultCorrupt, "\(path) is not a Casebook vault or is damaged (\(error.resultCode))")
        } catch let error as DatabaseError {
            throw CasebookError(.storage, "the vault at \(path) could not be opened (SQLite \(error.resultCode))")
        } catch {
            throw CasebookError(.storage, "the vault at \(path) could not be opened")
        }
    }
}

/// Converts GRDB errors into `CasebookError` without leaking statement arguments.
func storageError(_ error: any Error, _ what: String) -> CasebookError {
    if let error = error as? CasebookError { return error }
    if let error = error as? DatabaseError {
        if error.resultCode == .SQLITE_CORRUPT || error.resultCode == .SQLITE_NOTADB {
            return CasebookError(.vaultCorrupt, "the vault is damaged while \(what) (SQLite \(error.resultCode))")
        }
        return CasebookError(.storage, "storage failed while \(what) (SQLite \(error.resultCode))")
    }
    return CasebookError(.storage, "storage failed while \(what)")
}

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
            throw CasebookError(.vaultExists, "a vault already exists at \(path)", hint: .chooseAnotherVaultPath)
        }
        if !create && !exists {
            throw CasebookError(.vaultMissing, "no vault at \(path)", hint: .createVault)
        }
        // A file shorter than SQLite's smallest page, with no write-ahead log holding its pages, is a
        // truncated vault: SQLite would take it for a new database and the migrations would write a
        // fresh schema into it.
        if !create, fileSize(path) < 512, fileSize(path + "-wal") == 0 {
            throw VaultFileFailure.damaged("the vault \(path)", enrolled: nil)
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
        } catch let error as DatabaseError {
            if let mapped = VaultFileFailure.map(error, subject: "the vault \(path)") { throw mapped }
            throw CasebookError(.storage, "the vault at \(path) could not be opened (SQLite \(error.resultCode))")
        } catch {
            throw CasebookError(.storage, "the vault at \(path) could not be opened")
        }
    }
}

private func fileSize(_ path: String) -> Int {
    ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
}

/// Converts GRDB errors into `CasebookError` without leaking statement arguments.
func storageError(_ error: any Error, _ what: String) -> CasebookError {
    if let error = error as? CasebookError { return error }
    if let error = error as? DatabaseError {
        if let mapped = VaultFileFailure.map(error, subject: "the vault") { return mapped }
        return CasebookError(.storage, "storage failed while \(what) (SQLite \(error.resultCode))")
    }
    return CasebookError(.storage, "storage failed while \(what)")
}

/// The two failures of the file itself that a user can act on (issue 16, ADR 0021): a damaged
/// file and a full disk. Each becomes one line naming what to do, never SQLite's own message.
public enum VaultFileFailure {
    /// The message a full disk gives. A failed commit is rolled back whole, so nothing of it was saved.
    public static let diskFullMessage = "the disk is full: nothing was saved; free some space and run the command again"

    /// `subject` names the file ("the vault /path", "the backup /path"); `enrolled` is nil when
    /// the file cannot be read far enough to know.
    public static func damaged(_ subject: String, enrolled: Bool?) -> CasebookError {
        // The remedy (enrol and re-sync, or restore a backup) is the hint: the app names its commands.
        CasebookError(.vaultDamaged, "\(subject) is damaged (its file is truncated or has corrupted pages)",
                      hint: .recoverDamagedVault(enrolled: enrolled))
    }

    /// SQLITE_CORRUPT / SQLITE_NOTADB → damaged; SQLITE_FULL (and a shared-memory file that cannot
    /// grow, which is how a full disk shows when a WAL reader starts) → disk full; anything else nil.
    static func map(_ error: DatabaseError, subject: String) -> CasebookError? {
        switch error.resultCode {
        case .SQLITE_CORRUPT, .SQLITE_NOTADB: return damaged(subject, enrolled: nil)
        case .SQLITE_FULL: return CasebookError(.diskFull, diskFullMessage)
        default:
            if error.extendedResultCode == .SQLITE_IOERR_SHMSIZE { return CasebookError(.diskFull, diskFullMessage) }
            return nil
        }
    }

    /// For the CLI's error edge: a storage error that escaped without being converted (a GRDB
    /// `DatabaseError`) as one clear `CasebookError`; nil for anything that is not a storage error.
    public static func casebookError(for error: any Error) -> CasebookError? {
        guard let error = error as? DatabaseError else { return nil }
        return map(error, subject: "the vault") ?? CasebookError(.storage, "storage failed (SQLite \(error.resultCode.rawValue))")
    }
}

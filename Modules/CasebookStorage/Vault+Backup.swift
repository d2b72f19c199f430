public import CasebookCrypto
public import CasebookModels
import Foundation
import GRDB

/// What a vault file holds, read without decrypting anything: its clear identity (device and
/// person ids), counts, and whether it is enrolled in an organisation.
public struct VaultFileSummary: Sendable, Hashable, Codable {
    public let device: DeviceID
    public let person: PersonID
    public let revisions: Int
    public let auditEntries: Int
    public let enrolled: Bool
    public let bytes: Int
}

/// The outcome of `Vault.restore`.
public struct VaultRestoreResult: Sendable, Hashable, Codable {
    public let summary: VaultFileSummary
    /// Where the vault that was replaced now is (nil when nothing was there).
    public let previousVaultKeptAt: String?
}

/// Backup and restore of the (still encrypted) vault file (issue 16, ADR 0021). Neither needs the
/// passphrase: a backup is the same ciphertext, wrapped keys and sealed identity as the vault.
extension Vault {
    /// Copies the vault at `path` to a new owner-only file at `destination` through SQLite's online
    /// backup API (a consistent snapshot even while another process writes), then checks the copy
    /// like `restore` does. Never overwrites: an existing `destination` is refused. A failed or
    /// damaged copy is removed.
    public static func backup(vaultAt path: String, to destination: String) throws(CasebookError) -> VaultFileSummary {
        let source = try VaultDatabase.open(path: path, create: false)
        // 0600 and O_EXCL from the first byte; refuses an existing file.
        try OwnerOnlyFile.create(destination, contents: Data())
        var kept = false
        defer { if !kept { FileMoves.removeDatabaseFiles(destination) } }
        do {
            let copy = try DatabaseQueue(path: destination)
            try source.backup(to: copy)
            try copy.close()
            try source.close()
        } catch {
            throw storageError(error, "writing the backup")
        }
        let summary: VaultFileSummary
        do { summary = try inspectFile(at: destination, subject: "the vault \(path)") } catch {
            // The copy is page for page: a damaged copy means a damaged vault.
            throw error.code == .vaultDamaged ? VaultFileFailure.damaged("the vault \(path)", enrolled: nil) : error
        }
        kept = true
        return summary
    }

    /// Restores the backup at `backupPath` as the vault at `path`: copies it to an owner-only file
    /// beside `path`, checks the copy (SQLite integrity check, the vault's format and its sealed
    /// identity matching its device keys), and only then moves it into place. An existing vault is
    /// refused unless `replace`; it is then renamed aside to `path.before-restore-<time>` (with its
    /// write-ahead log), never deleted.
    public static func restore(from backupPath: String, to path: String, replace: Bool,
                               now: Date = Date()) throws(CasebookError) -> VaultRestoreResult {
        guard FileManager.default.fileExists(atPath: backupPath) else {
            throw CasebookError(.notFound, "no backup at \(backupPath)")
        }
        guard !FileManager.default.fileExists(atPath: backupPath + "-wal") else {
            throw CasebookError(.invalidInput, "\(backupPath) has a write-ahead log beside it: it is a vault in use, not a backup",
                                hint: .makeBackup)
        }
        let exists = FileManager.default.fileExists(atPath: path)
        if exists && !replace {
            throw CasebookError(.vaultExists, "a vault already exists at \(path); nothing was restored "
                + "(a restore over it keeps the current vault aside as \(URL(fileURLWithPath: path).lastPathComponent).before-restore-TIME)",
                                hint: .confirmReplace)
        }
        let contents: Data
        do { contents = try Data(contentsOf: URL(fileURLWithPath: backupPath), options: .alwaysMapped) } catch {
            throw CasebookError(.notFound, "cannot read the backup \(backupPath)")
        }
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        do { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) } catch {
            throw CasebookError(.storage, "cannot create the directory \(directory)")
        }
        let staged = directory + "/." + url.lastPathComponent + ".restoring-" + String(UInt64.random(in: .min ... .max), radix: 36)
        try OwnerOnlyFile.create(staged, contents: contents)
        defer { FileMoves.removeDatabaseFiles(staged) }
        let summary = try inspectFile(at: staged, subject: "the backup \(backupPath)", emptyIsDamaged: true)
        var aside: String?
        if exists {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "UTC")
            formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
            let target = path + ".before-restore-" + formatter.string(from: now)
            guard !FileManager.default.fileExists(atPath: target), FileMoves.rename(path, target) == 0 else {
                throw CasebookError(.storage, "could not move the current vault aside to \(target); nothing was restored")
            }
            if FileManager.default.fileExists(atPath: path + "-wal") { _ = FileMoves.rename(path + "-wal", target + "-wal") }
            if FileManager.default.fileExists(atPath: path + "-shm") { _ = FileMoves.rename(path + "-shm", target + "-shm") }
            aside = target
        }
        guard FileMoves.link(staged, path) == 0 else {
            throw CasebookError(.storage, "could not move the restored vault into place at \(path)"
                + (aside.map { "; the previous vault is at \($0)" } ?? ""))
        }
        FileMoves.syncDirectory(directory)
        return VaultRestoreResult(summary: summary, previousVaultKeptAt: aside)
    }

    /// Checks a vault file without its passphrase: SQLite's integrity check, the vault format, and
    /// the sealed identity matching the device keys and the device table. Read-only; the file must
    /// not be in use by another process.
    public static func inspectFile(at path: String, subject: String, emptyIsDamaged: Bool = false) throws(CasebookError) -> VaultFileSummary {
        let notVault = CasebookError(.invalidInput, "\(subject) is not a Casebook vault; nothing was changed")
        let bytes = ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
        if bytes < 512 { throw emptyIsDamaged ? VaultFileFailure.damaged(subject, enrolled: nil) : notVault }
        do {
            let queue = try DatabaseQueue(path: path)
            defer { try? queue.close() }
            return try queue.read { db in
                let problems = try String.fetchAll(db, sql: "PRAGMA integrity_check(1)")
                guard problems == ["ok"] else { throw VaultFileFailure.damaged(subject, enrolled: nil) }
                guard try db.tableExists("meta"), try db.tableExists("revisions"), try db.tableExists("audit_log"), try db.tableExists("devices"),
                      let format = try Meta.get(db, .format), String(decoding: format, as: UTF8.self) == "1",
                      let sealed = try Meta.json(db, .identity, SealedIdentity.self),
                      let keys = try Meta.json(db, .devicePublicKeys, DevicePublicKeys.self),
                      try Meta.json(db, .kdf, KDFParameters.self) != nil
                else { throw notVault }
                let stored = try Data.fetchOne(db, sql: "SELECT signing FROM devices WHERE device_id = ?", arguments: [keys.deviceID.rawValue])
                guard keys.deviceID == sealed.deviceID, keys.person == sealed.person, stored == keys.signing else {
                    throw CasebookError(.vaultCorrupt, "\(subject) does not hold a consistent device identity (its sealed identity and "
                        + "device keys disagree); nothing was changed")
                }
                return VaultFileSummary(
                    device: keys.deviceID, person: keys.person,
                    revisions: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM revisions") ?? 0,
                    auditEntries: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM audit_log") ?? 0,
                    enrolled: try Meta.get(db, .organisation) != nil, bytes: bytes)
            }
        } catch let error as CasebookError {
            throw error
        } catch let error as DatabaseError {
            if let mapped = VaultFileFailure.map(error, subject: subject) { throw mapped }
            throw notVault
        } catch {
            throw notVault
        }
    }

    /// SQLite's integrity check of this vault's file (run by `audit verify`): a damaged page that
    /// no command happens to read is found here. Throws `vaultDamaged`, naming the remedy.
    public func checkFile() throws(CasebookError) {
        let problems: [String]
        problems = try read("checking the vault file") { db in try String.fetchAll(db, sql: "PRAGMA integrity_check(1)") }
        guard problems == ["ok"] else {
            let enrolled: Bool?
            do { enrolled = try enrolledOrganisation() != nil } catch { enrolled = nil }
            throw VaultFileFailure.damaged("the vault \(path)", enrolled: enrolled)
        }
    }
}

/// The POSIX calls restore needs, outside `Vault` so that its own `open` does not shadow them.
private enum FileMoves {
    static func rename(_ from: String, _ to: String) -> Int32 { Foundation.rename(from, to) }
    static func link(_ from: String, _ to: String) -> Int32 { Foundation.link(from, to) }

    static func syncDirectory(_ directory: String) {
        let fd = Foundation.open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        _ = fsync(fd)
        _ = Foundation.close(fd)
    }

    static func removeDatabaseFiles(_ path: String) {
        for file in [path, path + "-journal", path + "-wal", path + "-shm"] { _ = unlink(file) }
    }
}

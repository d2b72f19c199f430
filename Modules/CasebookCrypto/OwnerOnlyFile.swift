public import CasebookModels
public import Foundation  // re-exports the C library (open, fsync, link, rename)

/// The one way Casebook writes a secret or content file (recovery key, export key, bundle, vault,
/// server database): created with mode 0600 and `O_EXCL` from the first byte, never chmod-ed
/// afterwards, so there is no moment at which another user could open it (ADR 0018). It lives
/// this low so that every layer that writes such a file (Storage, Export, Server, Apps) can reach it.
/// Messages name the file's base name and errno only, never its contents.
public enum OwnerOnlyFile {
    /// Writes `contents` to a new file at `path`, whole or not at all: a 0600 `O_EXCL` temporary
    /// file beside it, `fsync`, then `link` into place, which fails if `path` exists (never overwritten).
    public static func create(_ path: String, contents: Data) throws(CasebookError) {
        try place(path, contents: contents, replacing: false)
    }

    /// As `create`, but atomically replaces an existing file (`rename`).
    public static func replace(_ path: String, contents: Data) throws(CasebookError) {
        try place(path, contents: contents, replacing: true)
    }

    /// Creates an empty owner-only file if nothing is at `path` (a SQLite database about to be
    /// opened: SQLite gives its WAL and SHM files the database file's mode).
    public static func createEmptyIfMissing(_ path: String) throws(CasebookError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
        if fd < 0 {
            if errno == EEXIST { return }
            throw failure(path, "cannot be created")
        }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw failure(path, "could not be written") }
    }

    private static func place(_ path: String, contents: Data, replacing: Bool) throws(CasebookError) {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        let temporary = directory + "/." + url.lastPathComponent + ".partial-" + String(UInt64.random(in: .min ... .max), radix: 36)
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw failure(path, "cannot be created (no temporary file beside it)") }
        var placed = false
        defer { if !placed { unlink(temporary) } }
        var problem: String?
        contents.withUnsafeBytes { buffer in
            guard let base = buffer.baseAddress else { return }
            var offset = 0
            while offset < buffer.count {
                let written = write(fd, base + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    problem = "could not be written"
                    return
                }
                offset += written
            }
        }
        if problem == nil, fsync(fd) != 0 { problem = "could not be flushed to disk" }
        if close(fd) != 0, problem == nil { problem = "could not be closed" }
        if let problem { throw failure(path, problem) }
        if replacing {
            guard rename(temporary, path) == 0 else { throw failure(path, "could not be moved into place") }
        } else {
            guard link(temporary, path) == 0 else {
                throw errno == EEXIST ? CasebookError(.invalidInput, "\(url.lastPathComponent) already exists; it is never overwritten: choose another path")
                                      : failure(path, "could not be moved into place")
            }
            unlink(temporary)
        }
        placed = true
        let dirfd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dirfd >= 0 {
            _ = fsync(dirfd)
            close(dirfd)
        }
    }

    private static func failure(_ path: String, _ what: String) -> CasebookError {
        let code = errno
        if code == ENOSPC || code == EDQUOT {
            return CasebookError(.diskFull, "the disk is full: \(URL(fileURLWithPath: path).lastPathComponent) was not written; free some space and run the command again")
        }
        return CasebookError(.storage, "\(URL(fileURLWithPath: path).lastPathComponent) \(what): \(String(cString: strerror(code)))")
    }
}

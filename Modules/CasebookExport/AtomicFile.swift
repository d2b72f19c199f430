// AtomicFile: writes a file so that it appears whole or not at all, readable only by its owner.

import Foundation  // re-exports the C library (open, fsync, rename)

/// Writes `data` to `url` atomically: a temporary file in the same directory (mode 0600, `O_EXCL`),
/// `fsync`, `rename` over the destination, `fsync` of the directory. On any failure the temporary
/// file is removed, so no partial bundle is ever left, and nothing is written outside the destination
/// directory.
enum AtomicFile {
    static func write(_ data: Data, to url: URL) throws(ExportError) {
        let directory = url.deletingLastPathComponent().path
        let name = url.lastPathComponent
        let suffix = String(UInt64.random(in: .min ... .max), radix: 36)
        let temporary = directory + "/." + name + ".partial-" + suffix
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw ExportError(.ioFailure, path: name, "cannot create a temporary file beside the destination (errno \(errno))")
        }
        var succeeded = false
        defer {
            if !succeeded { unlink(temporary) }
        }
        var failure: ExportError?
        data.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = systemWrite(fd, buffer.baseAddress! + offset, buffer.count - offset)  // count > 0, so base is non-nil
                if written < 0 {
                    if errno == EINTR { continue }
                    failure = ExportError(.ioFailure, path: name, "write failed (errno \(errno))")
                    return
                }
                offset += written
            }
        }
        if failure == nil, fsync(fd) != 0 { failure = ExportError(.ioFailure, path: name, "fsync failed (errno \(errno))") }
        if close(fd) != 0, failure == nil { failure = ExportError(.ioFailure, path: name, "close failed (errno \(errno))") }
        if let failure { throw failure }
        guard rename(temporary, url.path) == 0 else {
            throw ExportError(.ioFailure, path: name, "rename into place failed (errno \(errno))")
        }
        succeeded = true
        let dirfd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dirfd >= 0 {
            _ = fsync(dirfd)
            close(dirfd)
        }
    }
}

/// POSIX `write`, named apart from `AtomicFile.write`.
private func systemWrite(_ fd: Int32, _ pointer: UnsafeRawPointer, _ count: Int) -> Int {
    write(fd, pointer, count)
}

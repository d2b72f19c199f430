// AtomicFile: writes a file so that it appears whole or not at all, readable only by its owner.

import CasebookCrypto
import CasebookModels
import Foundation

/// Writes bundles and export keys through `OwnerOnlyFile` (the one helper for secret and content
/// files: mode 0600 and `O_EXCL` from the first byte, `fsync`, then moved into place), with
/// the export module's error type. On any failure the temporary file is removed, so no partial
/// bundle is ever left, and nothing is written outside the destination directory.
enum AtomicFile {
    static func write(_ data: Data, to url: URL, replacing: Bool = true) throws(ExportError) {
        do {
            if replacing { try OwnerOnlyFile.replace(url.path, contents: data) } else { try OwnerOnlyFile.create(url.path, contents: data) }
        } catch {
            throw ExportError(.ioFailure, path: url.lastPathComponent, error.message)
        }
    }
}

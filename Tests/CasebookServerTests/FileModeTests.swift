import CasebookModels
@testable import CasebookServer
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Issue 12 (ADR 0018): the server's SQLite database and its WAL and SHM are owner-only from the
/// first byte (they were 0644), whatever the umask.
@Suite struct FileModeTests {
    @Test("the server database, its WAL and its SHM are created 0600")
    func serverDatabaseModes() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("casebook-modes-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("server.db").path
        let previous = umask(0o022)  // the usual default: 0644 for anything not created owner-only
        defer { umask(previous) }
        let modes: [String: Int] = try await withServerStore(url: "sqlite:" + path, logger: TestDatabase.logger) { store in
            _ = try await initialiseOrganisation(store: store, name: "Modes Org")
            var modes: [String: Int] = [:]
            for suffix in ["", "-wal", "-shm"] where FileManager.default.fileExists(atPath: path + suffix) {
                let attributes = try FileManager.default.attributesOfItem(atPath: path + suffix)
                modes["server.db" + suffix] = (attributes[.posixPermissions] as? NSNumber)?.intValue
            }
            return modes
        }
        #expect(Set(modes.keys) == ["server.db", "server.db-wal", "server.db-shm"], "WAL mode: all three exist while open")
        for (file, mode) in modes { #expect(mode == 0o600, "\(file) has mode \(String(mode, radix: 8))") }
    }
}

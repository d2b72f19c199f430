public import Foundation

/// A fresh directory under the system temp dir, removed when the value is deinitialised.
public final class TemporaryDirectory: Sendable {
    public let url: URL

    public init(_ prefix: String = "casebook-test") {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    public func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    deinit { try? FileManager.default.removeItem(at: url) }

    /// Every regular file below the directory.
    public func allFiles() -> [URL] {
        let e = FileManager.default.enumerator(at: url, includingPropertiesForKeys: nil)
        return (e?.allObjects as? [URL] ?? []).filter { (try? $0.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true }
    }
}

/// Raw-byte search, for the confidentiality tests (P1): does `needle` occur in any of the files,
/// in UTF-8, UTF-16LE or lower case?
public enum RawBytes {
    public static func filesContaining(_ needle: String, in files: [URL]) -> [String] {
        let forms = [Data(needle.utf8), Data(needle.lowercased().utf8), needle.data(using: .utf16LittleEndian) ?? Data()]
            .filter { !$0.isEmpty }
        return files.compactMap { url in
            guard let data = try? Data(contentsOf: url) else { return nil }
            return forms.contains { data.range(of: $0) != nil } ? url.lastPathComponent : nil
        }
    }
}

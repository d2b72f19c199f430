// BundleLayout: the fixed file names of a bundle and the rules every path in it follows.

/// The names a bundle reserves, and the path rules shared by the writer and the verifier.
///
/// Layout of a bundle (format version 1):
/// - the content files the exporter supplies (`README.txt`, `records.json`, `schema.json`, `report.html`, …);
/// - `SHA256SUMS`: a `sha256sum -c` list of every content file; itself listed in the manifest;
/// - `manifest.json`: every file above with its size and SHA-256 (it does not list itself, the signature or the key);
/// - `manifest.sig`: the raw 64-byte Ed25519 signature over the exact bytes of `manifest.json`;
/// - `export-key.pem`: the organisation's Ed25519 public key, SubjectPublicKeyInfo PEM (RFC 8410).
public enum BundleLayout {
    public static let formatVersion = 1
    public static let manifest = "manifest.json"
    public static let signature = "manifest.sig"
    public static let publicKey = "export-key.pem"
    public static let checksums = "SHA256SUMS"

    /// Files that exist outside the manifest (they cannot list themselves).
    public static let unlisted: Set<String> = [manifest, signature, publicKey]
    /// Names a caller may not use for content.
    public static let reserved: Set<String> = [manifest, signature, publicKey, checksums]

    /// Why an entry name is unsafe to extract, or nil when it is safe.
    ///
    /// Refuses: empty names, absolute paths (`/x`, `C:`), backslashes, `.` / `..` / empty components,
    /// control characters, and names longer than 255 bytes.
    public static func unsafeReason(_ path: String) -> String? {
        if path.isEmpty { return "empty entry name" }
        if path.utf8.count > 255 { return "entry name longer than 255 bytes" }
        if path.hasPrefix("/") { return "absolute path" }
        if path.contains("\\") { return "backslash in entry name" }
        if path.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            return "control character in entry name"
        }
        let scalars = Array(path.unicodeScalars)
        if scalars.count >= 2, scalars[1] == ":", scalars[0].properties.isAlphabetic { return "absolute path (drive letter)" }
        for component in path.split(separator: "/", omittingEmptySubsequences: false) {
            if component == ".." { return "parent directory (..) component" }
            if component == "." { return "current directory (.) component" }
            if component.isEmpty { return "empty path component" }
        }
        return nil
    }

    /// Content paths the writer accepts: safe, not reserved, and made only of `A-Z a-z 0-9 . _ - /`
    /// so that `sha256sum -c` and shells handle them without quoting.
    public static func validateContentPath(_ path: String) throws(ExportError) {
        if let reason = unsafeReason(path) {
            throw ExportError(.invalidPath, path: path, reason)
        }
        if reserved.contains(path) {
            throw ExportError(.invalidPath, path: path, "name reserved for the bundle's own files")
        }
        let allowed = path.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == 0x2E || byte == 0x5F || byte == 0x2D || byte == 0x2F
        }
        if !allowed {
            throw ExportError(.invalidPath, path: path, "only A-Z a-z 0-9 . _ - / are allowed in bundle paths")
        }
    }
}

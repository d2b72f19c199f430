// ExportError: the bundle format's problem type (ADR 0029). Messages name paths and codes, never record content.
public import CasebookModels

/// A problem found writing or verifying a subject-access bundle.
///
/// Not a second error model (ADR 0029): the verifier collects every problem of a bundle into a
/// `VerificationReport` (`export verify` lists them all, each with its code and the path inside the
/// bundle, and a recipient's verifier reads the same codes), which one `CasebookError` code cannot
/// say. Whatever leaves CasebookExport as a failure is converted by `casebookError`, the one edge.
///
/// A struct wrapping a code (so new codes do not break callers). `message` and `path` never hold
/// record content: only file names inside the bundle, sizes and fixed explanations.
public struct ExportError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Code: String, Hashable, Sendable, Codable, CaseIterable {
        // Writing
        case invalidPath            // a content path the writer refuses (absolute, `..`, reserved, odd characters)
        case duplicatePath          // two content files with the same path
        case emptyPassword          // a password file with nothing in it
        case weakPassword           // too short or too repetitive for a new bundle
        case ioFailure              // the file system refused (open, write, fsync, rename)
        case compressionFailure     // zlib reported an error
        // Reading the archive
        case notAnArchive           // not a zip, or a truncated / corrupt one
        case unsupportedArchive     // zip64, multi-disk, an unknown compression or encryption method
        case unsafePath             // absolute path, `..`, backslash or empty component in an entry name
        case symlinkEntry           // an entry that is a symbolic link (or a directory)
        case duplicateEntry         // the same entry name twice in the archive
        case expansionLimitExceeded // total or per-entry expanded size, entry count or ratio beyond the limits
        case passwordRequired       // the bundle is encrypted and no password was given
        case wrongPassword          // the WinZip AES password verifier does not match
        case authenticationFailed   // the WinZip AES HMAC does not match: wrong password or altered data
        case unencryptedEntry       // a plain entry inside an encrypted bundle
        case corruptEntry           // the entry's data does not inflate or its CRC-32 does not match
        // Checking the contents
        case missingFile            // listed in the manifest, absent from the archive
        case extraFile              // present in the archive, not listed in the manifest
        case renamedFile            // absent under its name, but its bytes are present under another name
        case sizeMismatch           // size differs from the manifest
        case hashMismatch           // SHA-256 differs from the manifest
        case checksumListMismatch   // SHA256SUMS does not match the manifest
        case malformedManifest      // manifest.json missing, unreadable or an unknown format version
        case malformedKey           // export-key.pem missing or not an Ed25519 SubjectPublicKeyInfo PEM
        case badSignature           // manifest.sig missing or not a valid signature over manifest.json
        case untrustedKey           // the bundle's key is not the organisation's export key
    }

    public var code: Code
    /// The bundle-relative path concerned, when there is one.
    public var path: String?
    /// A fixed explanation; never holds record content.
    public var message: String

    public init(_ code: Code, path: String? = nil, _ message: String) {
        self.code = code
        self.path = path
        self.message = message
    }

    public var description: String {
        if let path { return "\(code.rawValue): \(path): \(message)" }
        return "\(code.rawValue): \(message)"
    }
}

extension ExportError {
    /// The one conversion to the error every module throws (ADR 0029), so exit statuses follow
    /// `CasebookError`'s codes: a wrong or missing password is a wrong passphrase, a refused input
    /// is invalid input, a file-system failure is storage, and anything wrong with a bundle's
    /// contents is tampering. The message keeps the export code and path.
    public var casebookError: CasebookError {
        let code: CasebookError.Code =
            switch self.code {
            case .wrongPassword, .authenticationFailed, .passwordRequired: .wrongPassphrase
            case .invalidPath, .duplicatePath, .emptyPassword, .weakPassword, .malformedKey: .invalidInput
            case .ioFailure, .compressionFailure: .storage
            default: .tampered
            }
        return CasebookError(code, description)
    }
}

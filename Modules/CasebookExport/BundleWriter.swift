// BundleWriter: assembles, signs and writes a subject-access bundle.

public import Crypto
public import Foundation
import ZIPFoundation

/// A file to put in a bundle: a bundle-relative path and its bytes.
public struct BundleContent: Sendable {
    public var path: String
    public var data: Data

    public init(path: String, data: Data) {
        self.path = path
        self.data = data
    }
}

/// What the manifest says about a bundle besides its files.
public struct BundleMetadata: Sendable, Hashable {
    /// The client's case id (never their name).
    public var caseID: String
    public var requestID: String?
    public var createdAt: Date
    public var softwareVersion: String
    /// Records withheld with their legal ground, listed in the signed manifest.
    public var withheld: [WithheldRecord]
    /// The release a release extract answers (ADR 0024).
    public var release: ReleaseReference?

    public init(caseID: String, requestID: String?, createdAt: Date, softwareVersion: String, withheld: [WithheldRecord] = [],
                release: ReleaseReference? = nil) {
        self.withheld = withheld
        self.release = release
        self.caseID = caseID
        self.requestID = requestID
        self.createdAt = createdAt
        self.softwareVersion = softwareVersion
    }
}

/// Writes bundles: content files, `SHA256SUMS`, `manifest.json`, `manifest.sig`, `export-key.pem`,
/// in one zip (deflate, through ZIPFoundation) or, with a password, one WinZip AES-256 zip.
///
/// The archive is built in memory and written with `AtomicFile`: a bundle appears whole or not at
/// all, mode 0600, and no plaintext temporary file is written anywhere.
public struct BundleWriter: Sendable {
    let signingKey: Curve25519.Signing.PrivateKey

    public init(signingKey: Curve25519.Signing.PrivateKey) {
        self.signingKey = signingKey
    }

    /// The export key's fingerprint (SHA-256 of its SubjectPublicKeyInfo DER), as the cover letter prints it.
    public var publicKeyFingerprint: String { BundleSigning.fingerprint(signingKey.publicKey) }

    /// The export key's public half, as `export-key.pem` holds it.
    public var publicKeyPEM: String { BundleSigning.pem(signingKey.publicKey) }

    /// Writes the bundle to `url` and returns its manifest.
    @discardableResult
    public func write(
        _ contents: [BundleContent], metadata: BundleMetadata, to url: URL, password: BundlePassword? = nil
    ) throws -> BundleManifest {
        let (archive, manifest) = try archiveData(contents, metadata: metadata, password: password)
        try AtomicFile.write(archive, to: url)
        return manifest
    }

    /// The bundle's zip bytes and its manifest, without touching the file system.
    public func archiveData(
        _ contents: [BundleContent], metadata: BundleMetadata, password: BundlePassword? = nil
    ) throws -> (archive: Data, manifest: BundleManifest) {
        let files = try bundleFiles(contents, metadata: metadata)
        let archive: Data
        if let password {
            archive = try WinZipAESWriter.archive(
                entries: files.entries.map { ($0.path, $0.data) }, password: password, modified: metadata.createdAt)
        } else {
            archive = try Self.plainArchive(files.entries, modified: metadata.createdAt)
        }
        return (archive, files.manifest)
    }

    /// Every entry of the bundle in archive order, and the manifest.
    func bundleFiles(_ contents: [BundleContent], metadata: BundleMetadata) throws -> (entries: [BundleContent], manifest: BundleManifest) {
        var seen = Set<String>()
        for content in contents {
            try BundleLayout.validateContentPath(content.path)
            guard seen.insert(content.path).inserted else {
                throw ExportError(.duplicatePath, path: content.path, "two content files with the same path")
            }
        }
        let listed = contents.map { BundleFile(path: $0.path, size: $0.data.count, sha256: BundleSigning.sha256Hex($0.data)) }
        let checksums = BundleManifest.checksumList(listed)
        let checksumFile = BundleFile(
            path: BundleLayout.checksums, size: checksums.count, sha256: BundleSigning.sha256Hex(checksums))
        let manifest = BundleManifest(
            caseID: metadata.caseID, requestID: metadata.requestID,
            createdAt: BundleManifest.timestamp(metadata.createdAt), softwareVersion: metadata.softwareVersion,
            files: listed + [checksumFile], withheld: metadata.withheld.isEmpty ? nil : metadata.withheld, release: metadata.release)
        let manifestBytes = try manifest.canonicalJSON()
        let signature = try BundleSigning.sign(manifest: manifestBytes, with: signingKey)
        let pem = Data(BundleSigning.pem(signingKey.publicKey).utf8)
        let entries =
            contents + [
                BundleContent(path: BundleLayout.checksums, data: checksums),
                BundleContent(path: BundleLayout.manifest, data: manifestBytes),
                BundleContent(path: BundleLayout.signature, data: signature),
                BundleContent(path: BundleLayout.publicKey, data: pem),
            ]
        return (entries, manifest)
    }

    /// A plain zip built in memory by ZIPFoundation, every entry deflated (zlib).
    static func plainArchive(_ entries: [BundleContent], modified: Date) throws -> Data {
        let archive = try Archive(data: Data(), accessMode: .create)
        for entry in entries {
            let data = entry.data
            try archive.addEntry(
                with: entry.path, type: .file, uncompressedSize: Int64(data.count), modificationDate: modified,
                permissions: 0o644, compressionMethod: .deflate
            ) { position, size in
                data.subdata(in: Int(position)..<(Int(position) + size))
            }
        }
        guard let bytes = archive.data else { throw ExportError(.ioFailure, "the in-memory archive is unavailable") }
        return bytes
    }
}

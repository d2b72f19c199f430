// BundleVerifier: checks a bundle against its manifest and signature, reading it safely.

public import Crypto
public import Foundation

/// What `BundleVerifier` found. A bundle is valid when `problems` is empty.
public struct BundleVerificationReport: Sendable {
    /// Every problem found, each with its code and the path concerned; never record content.
    public var problems: [ExportError] = []
    /// The manifest, when it could be read (even if its signature is bad).
    public var manifest: BundleManifest?
    /// SHA-256 of the bundle key's SubjectPublicKeyInfo DER, when the key could be read.
    public var keyFingerprint: String?
    /// True when the bundle is WinZip AES encrypted.
    public var encrypted = false

    public init() {}

    public var isValid: Bool { problems.isEmpty }
    public var codes: Set<ExportError.Code> { Set(problems.map(\.code)) }
}

/// Verifies bundles: every hash and size in the manifest, the Ed25519 signature, and that no file is
/// missing, extra, renamed or duplicated. Refuses absolute or `..` paths, symbolic links and expansion
/// beyond `BundleLimits` before reading further. Reads everything in memory; never writes to disk.
public struct BundleVerifier: Sendable {
    public var limits: BundleLimits
    /// The organisation's export key. When set, a bundle signed by any other key is refused
    /// (`.untrustedKey`); when nil, the key inside the bundle is used and its fingerprint reported.
    public var trustedKey: Curve25519.Signing.PublicKey?

    public init(limits: BundleLimits = .standard, trustedKey: Curve25519.Signing.PublicKey? = nil) {
        self.limits = limits
        self.trustedKey = trustedKey
    }

    /// Verifies the bundle at `url`.
    public func verify(archiveAt url: URL, password: BundlePassword? = nil) -> BundleVerificationReport {
        let data: Data
        do {
            let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
            if let size = (attributes[.size] as? NSNumber)?.intValue, size > limits.maxTotalBytes {
                return Self.failed(ExportError(.expansionLimitExceeded, "the archive is larger than the limit"))
            }
            data = try Data(contentsOf: url)
        } catch {
            return Self.failed(ExportError(.ioFailure, "cannot read the bundle file"))
        }
        return verify(archive: data, password: password)
    }

    /// Verifies bundle bytes.
    public func verify(archive data: Data, password: BundlePassword? = nil) -> BundleVerificationReport {
        var report = BundleVerificationReport()
        let entries: [(path: String, data: Data)]
        do {
            let bytes = Array(data)
            let directory = try ZipDirectory.entries(bytes, limits: limits)
            for entry in directory {
                try Self.checkEntryName(entry.path)
                if entry.isNotRegularFile {
                    throw ExportError(.symlinkEntry, path: entry.path, "symbolic links and directories are refused")
                }
            }
            report.encrypted = directory.contains { $0.isEncrypted }
            if report.encrypted {
                guard let password else {
                    throw ExportError(.passwordRequired, "the bundle is encrypted: give its password")
                }
                entries = try WinZipAESReader.read(bytes, directory: directory, password: password, limits: limits)
            } else {
                entries = try plainEntries(bytes, directory: directory)
            }
        } catch let error as ExportError {
            report.problems.append(error)
            return report
        } catch {
            report.problems.append(ExportError(.notAnArchive, "the archive cannot be read"))
            return report
        }
        checkContents(entries, into: &report)
        return report
    }

    /// Verifies and throws the first problem, for callers that only need pass / fail.
    public func verifyOrThrow(archiveAt url: URL, password: BundlePassword? = nil) throws(ExportError) -> BundleVerificationReport {
        let report = verify(archiveAt: url, password: password)
        if let first = report.problems.first { throw first }
        return report
    }

    static func failed(_ error: ExportError) -> BundleVerificationReport {
        var report = BundleVerificationReport()
        report.problems = [error]
        return report
    }

    static func checkEntryName(_ path: String) throws(ExportError) {
        if let reason = BundleLayout.unsafeReason(path) {
            throw ExportError(.unsafePath, path: path, reason)
        }
    }

    /// Entries of a plain zip, read with this module's own framing (`ZipDirectory`,
    /// `WinZipAESReader.payload`) and capped inflate (`RawDeflate`), CRC-32 checked, counting the
    /// bytes actually produced. Not ZIPFoundation: its in-memory reader traps on an offset past the
    /// end and loops for ever on some damaged deflate streams (both found by `fuzz-export`,
    /// docs/fuzzing.md).
    func plainEntries(_ bytes: [UInt8], directory: [ZipDirectoryEntry]) throws(ExportError) -> [(path: String, data: Data)] {
        var result: [(path: String, data: Data)] = []
        var used = 0
        for entry in directory {
            let payload = try WinZipAESReader.payload(bytes, entry: entry)
            let cap = limits.entryCap(compressedSize: payload.count, used: used)
            guard entry.uncompressedSize <= cap else {
                throw ExportError(.expansionLimitExceeded, path: entry.path, "entry expands beyond the limit")
            }
            let contents: Data
            switch entry.method {
            case ZipRecord.methodDeflate:
                contents = try RawDeflate.inflate(Data(payload), limit: cap, path: entry.path)
            case ZipRecord.methodStored:
                contents = Data(payload)
            default:
                throw ExportError(.unsupportedArchive, path: entry.path, "unknown compression method \(entry.method)")
            }
            guard contents.count == entry.uncompressedSize, RawDeflate.crc32(contents) == entry.crc32 else {
                throw ExportError(.corruptEntry, path: entry.path, "the entry's data is corrupt (inflate or CRC-32 failed)")
            }
            used += contents.count
            result.append((entry.path, contents))
        }
        return result
    }

    /// Checks names, manifest, signature, key, hashes and the checksum list.
    func checkContents(_ entries: [(path: String, data: Data)], into report: inout BundleVerificationReport) {
        var byPath: [String: Data] = [:]
        var order: [String] = []
        for entry in entries {
            if byPath[entry.path] != nil {
                report.problems.append(ExportError(.duplicateEntry, path: entry.path, "the entry name appears more than once"))
                continue
            }
            byPath[entry.path] = entry.data
            order.append(entry.path)
        }

        // Manifest, key, signature.
        guard let manifestBytes = byPath[BundleLayout.manifest] else {
            report.problems.append(ExportError(.malformedManifest, path: BundleLayout.manifest, "manifest.json is missing"))
            return
        }
        let manifest: BundleManifest
        do { manifest = try BundleManifest.decode(manifestBytes) } catch {
            report.problems.append(error)
            return
        }
        report.manifest = manifest
        var bundleKey: Curve25519.Signing.PublicKey?
        if let pem = byPath[BundleLayout.publicKey] {
            do {
                let key = try BundleSigning.publicKey(pem: String(decoding: pem, as: UTF8.self))
                bundleKey = key
                report.keyFingerprint = BundleSigning.fingerprint(key)
                if let trustedKey, trustedKey.rawRepresentation != key.rawRepresentation {
                    report.problems.append(
                        ExportError(.untrustedKey, path: BundleLayout.publicKey, "the bundle is not signed by the organisation's export key"))
                }
            } catch {
                report.problems.append(error)
            }
        } else {
            report.problems.append(ExportError(.malformedKey, path: BundleLayout.publicKey, "export-key.pem is missing"))
        }
        if let verifyingKey = trustedKey ?? bundleKey {
            if let signature = byPath[BundleLayout.signature] {
                if !BundleSigning.isValid(signature: signature, manifest: manifestBytes, key: verifyingKey) {
                    report.problems.append(
                        ExportError(.badSignature, path: BundleLayout.signature, "the signature does not match manifest.json"))
                }
            } else {
                report.problems.append(ExportError(.badSignature, path: BundleLayout.signature, "manifest.sig is missing"))
            }
        }

        // Files against the manifest.
        var listed = Set<String>()
        var manifestDuplicates = false
        for file in manifest.files where !listed.insert(file.path).inserted {
            manifestDuplicates = true
            report.problems.append(ExportError(.malformedManifest, path: file.path, "the manifest lists this path twice"))
        }
        if manifestDuplicates { return }
        for file in manifest.files {
            if let reason = BundleLayout.unsafeReason(file.path) ?? (BundleLayout.unlisted.contains(file.path) ? "reserved name" : nil) {
                report.problems.append(ExportError(.malformedManifest, path: file.path, "the manifest lists an invalid path: \(reason)"))
            }
        }
        let unlisted = order.filter { !listed.contains($0) && !BundleLayout.unlisted.contains($0) }
        var hashesOfUnlisted: [String: String] = [:]
        for path in unlisted {
            if let data = byPath[path] { hashesOfUnlisted[BundleSigning.sha256Hex(data)] = path }
        }
        var renamedTargets = Set<String>()
        for file in manifest.files {
            guard let data = byPath[file.path] else {
                if let newPath = hashesOfUnlisted[file.sha256], !renamedTargets.contains(newPath) {
                    renamedTargets.insert(newPath)
                    report.problems.append(
                        ExportError(.renamedFile, path: file.path, "the file is present under another name: \(newPath)"))
                } else {
                    report.problems.append(ExportError(.missingFile, path: file.path, "listed in the manifest but absent"))
                }
                continue
            }
            if data.count != file.size {
                report.problems.append(
                    ExportError(.sizeMismatch, path: file.path, "size \(data.count) bytes, manifest says \(file.size)"))
            } else if BundleSigning.sha256Hex(data) != file.sha256 {
                report.problems.append(ExportError(.hashMismatch, path: file.path, "SHA-256 differs from the manifest"))
            }
        }
        for path in unlisted where !renamedTargets.contains(path) {
            report.problems.append(ExportError(.extraFile, path: path, "present in the archive but not listed in the manifest"))
        }

        // SHA256SUMS must be listed and must say exactly what the manifest says.
        if listed.contains(BundleLayout.checksums) {
            let expected = BundleManifest.checksumList(manifest.files.filter { $0.path != BundleLayout.checksums })
            if let actual = byPath[BundleLayout.checksums], actual != expected {
                report.problems.append(
                    ExportError(.checksumListMismatch, path: BundleLayout.checksums, "SHA256SUMS does not match the manifest"))
            }
        } else {
            report.problems.append(
                ExportError(.checksumListMismatch, path: BundleLayout.checksums, "the manifest does not list SHA256SUMS"))
        }
    }
}

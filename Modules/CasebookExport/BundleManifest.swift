// BundleManifest: what manifest.json holds, and its canonical bytes.

public import Foundation

/// One file of a bundle as the manifest lists it.
public struct BundleFile: Codable, Hashable, Sendable {
    /// Bundle-relative path (`records.json`, never absolute, never `..`).
    public var path: String
    /// Size in bytes of the file as extracted.
    public var size: Int
    /// Lower-case hex SHA-256 of the file as extracted.
    public var sha256: String

    public init(path: String, size: Int, sha256: String) {
        self.path = path
        self.size = size
        self.sha256 = sha256
    }
}

/// A record left out of a subject-access bundle by the DSL, with the legal ground (ADR 0022).
/// Ids and the ground only: the client learns that something was withheld and why, not what.
public struct WithheldRecord: Codable, Hashable, Sendable {
    /// The record's id.
    public var id: String
    /// `session` or `safeguarding-concern`.
    public var kind: String
    /// The exemption relied on (e.g. "DPA 2018 Sch. 3 Pt 2 para 5: serious harm").
    public var ground: String

    public init(id: String, kind: String, ground: String) {
        self.id = id
        self.kind = kind
        self.ground = ground
    }
}

/// The contents of `manifest.json`.
///
/// It names the client only by case id, never by name. The signature in `manifest.sig` covers the
/// exact bytes written, so the encoding is canonical: sorted keys, no escaped slashes, files sorted by path.
public struct BundleManifest: Codable, Hashable, Sendable {
    /// Bundle format version; the verifier refuses versions it does not know.
    public var formatVersion: Int
    /// The client's case id (not their name).
    public var caseID: String
    /// The subject-access request this bundle answers, if any.
    public var requestID: String?
    /// Creation time, ISO 8601 in UTC to the second (`2026-11-25T08:45:00Z`).
    public var createdAt: String
    /// The Casebook version that wrote the bundle.
    public var softwareVersion: String
    /// Every file of the bundle except `manifest.json`, `manifest.sig` and `export-key.pem`, sorted by path.
    public var files: [BundleFile]
    /// Records the DSL withheld, with the legal ground; absent when nothing was withheld.
    public var withheld: [WithheldRecord]?
    /// The release a release extract answers (`casebook disclose`, ADR 0024); absent in subject-access bundles.
    public var release: ReleaseReference?

    public init(
        formatVersion: Int = BundleLayout.formatVersion, caseID: String, requestID: String?, createdAt: String,
        softwareVersion: String, files: [BundleFile], withheld: [WithheldRecord]? = nil, release: ReleaseReference? = nil
    ) {
        self.withheld = withheld
        self.release = release
        self.formatVersion = formatVersion
        self.caseID = caseID
        self.requestID = requestID
        self.createdAt = createdAt
        self.softwareVersion = softwareVersion
        self.files = files.sorted { $0.path < $1.path }
    }

    /// The canonical bytes of `manifest.json` (pretty-printed, sorted keys, trailing newline).
    public func canonicalJSON() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        var data = try encoder.encode(self)
        data.append(0x0A)
        return data
    }

    /// Decodes manifest bytes, refusing unknown format versions.
    public static func decode(_ data: Data) throws(ExportError) -> BundleManifest {
        let manifest: BundleManifest
        do {
            manifest = try JSONDecoder().decode(BundleManifest.self, from: data)
        } catch {
            throw ExportError(.malformedManifest, path: BundleLayout.manifest, "manifest.json is not a valid manifest")
        }
        guard manifest.formatVersion == BundleLayout.formatVersion else {
            throw ExportError(
                .malformedManifest, path: BundleLayout.manifest,
                "unknown bundle format version \(manifest.formatVersion)")
        }
        return manifest
    }

    /// ISO 8601 in UTC to the second, as `createdAt` holds it.
    public static func timestamp(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(timeZone: TimeZone(identifier: "UTC") ?? .gmt))
    }

    /// The `SHA256SUMS` text for the given files: `<hex>  <path>` lines, sorted by path, as `sha256sum` writes them.
    public static func checksumList(_ files: [BundleFile]) -> Data {
        let lines = files.sorted { $0.path < $1.path }.map { "\($0.sha256)  \($0.path)\n" }
        return Data(lines.joined().utf8)
    }
}

// BundleLimits: how much a bundle may expand before the verifier stops reading it.

/// Limits the verifier enforces while reading, on the bytes actually produced (not the sizes the archive claims).
public struct BundleLimits: Sendable, Hashable {
    /// Total expanded bytes over all entries.
    public var maxTotalBytes: Int
    /// Number of entries in the archive.
    public var maxEntries: Int
    /// Expanded / compressed ratio allowed for an entry once it expands beyond `ratioFloor` bytes.
    public var maxRatio: Int
    /// Entries smaller than this are never refused for their ratio.
    public var ratioFloor: Int

    public init(maxTotalBytes: Int = 512 * 1024 * 1024, maxEntries: Int = 1_000, maxRatio: Int = 250, ratioFloor: Int = 1024 * 1024) {
        self.maxTotalBytes = maxTotalBytes
        self.maxEntries = maxEntries
        self.maxRatio = maxRatio
        self.ratioFloor = ratioFloor
    }

    public static let standard = BundleLimits()

    /// How many bytes an entry with `compressedSize` stored bytes may expand to, given `used` bytes already read.
    func entryCap(compressedSize: Int, used: Int) -> Int {
        let remaining = max(maxTotalBytes - used, 0)
        let byRatio = max(ratioFloor, compressedSize.multipliedReportingOverflow(by: maxRatio).overflow ? Int.max : compressedSize * maxRatio)
        return min(remaining, byRatio)
    }
}

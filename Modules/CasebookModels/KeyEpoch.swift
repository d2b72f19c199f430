import Foundation

/// Checked arithmetic on case key epochs (ADR 0013): an epoch never wraps and never traps.
public enum KeyEpoch {
    /// The epoch after `epoch`; a clear error at the end of the range instead of a trap.
    public static func next(after epoch: UInt32) throws(CasebookError) -> UInt32 {
        let (next, overflow) = epoch.addingReportingOverflow(1)
        guard !overflow else {
            throw CasebookError(.invalidInput, "this case's key epoch is at its maximum (\(epoch)); it cannot be rotated again")
        }
        return next
    }

    /// An epoch read back from storage (SQLite integers are Int64); nil when out of range.
    public static func from(_ stored: Int64) -> UInt32? { UInt32(exactly: stored) }
}

public import CasebookModels
import Foundation
import GRDB

/// Revisions of one device in one case that this replica has never been served, although it holds
/// a later one: the device's numbers `first...last` (ADR 0014). Identifiers only.
public struct MissingRevisions: Sendable, Hashable, Codable {
    public var device: DeviceID
    /// The device's person, when this replica knows the device.
    public var person: PersonID?
    public var caseID: CaseID
    public var first: UInt64
    public var last: UInt64
    public var count: UInt64 { last - first + 1 }

    public init(device: DeviceID, person: PersonID?, caseID: CaseID, first: UInt64, last: UInt64) {
        self.device = device
        self.person = person
        self.caseID = caseID
        self.first = first
        self.last = last
    }
}

extension Vault {
    /// Gaps in other devices' numbering, per (device, case), below the highest number this replica
    /// holds for that pair. A number counts as held when its revision is stored, kept aside with a
    /// verified signature, or refused for good after its signature checked out. Cases erased here and
    /// this device's own revisions are left out. Ranges, not lists: a device that skips a billion
    /// numbers costs one entry.
    public func missingRevisions() throws(CasebookError) -> [MissingRevisions] {
        try read("checking for withheld revisions") { db in try Self.missingRevisions(db, selfDevice: device, erased: try erasedCases(db)) }
    }

    private struct Pair: Hashable { var device: String; var caseID: String }

    static func missingRevisions(_ db: Database, selfDevice: DeviceID, erased: Set<CaseID>) throws -> [MissingRevisions] {
        // Gaps among stored revisions: one ordered pass over the (author, case, number) index.
        var gaps: [Pair: [ClosedRange<Int64>]] = [:]
        for row in try Row.fetchAll(db, sql: """
            SELECT author_device, case_id, prev + 1 AS first, device_seq - 1 AS last FROM (
                SELECT author_device, case_id, device_seq,
                       LAG(device_seq, 1, 0) OVER (PARTITION BY author_device, case_id ORDER BY device_seq) AS prev
                FROM revisions WHERE device_seq IS NOT NULL AND author_device != ?
            ) WHERE device_seq > prev + 1
            """, arguments: [selfDevice.rawValue]) {
            let first: Int64 = row["first"], last: Int64 = row["last"]
            gaps[Pair(device: row["author_device"], caseID: row["case_id"]), default: []].append(first...last)
        }
        // Numbers held outside `revisions` (kept aside or refused after a valid signature): small tables.
        var side: [Pair: [Int64]] = [:]
        for row in try Row.fetchAll(db, sql: """
            SELECT author_device, case_id, device_seq FROM quarantine WHERE device_seq IS NOT NULL AND author_device != ?1
            UNION SELECT author_device, case_id, device_seq FROM refused_revisions
                  WHERE device_seq IS NOT NULL AND author_device IS NOT NULL AND case_id IS NOT NULL AND author_device != ?1
            """, arguments: [selfDevice.rawValue]) {
            side[Pair(device: row["author_device"], caseID: row["case_id"]), default: []].append(row["device_seq"])
        }
        for (pair, numbers) in side {
            let highestStored = try Int64.fetchOne(db, sql: """
                SELECT MAX(device_seq) FROM revisions WHERE author_device = ? AND case_id = ? AND device_seq IS NOT NULL
                """, arguments: [pair.device, pair.caseID]) ?? 0
            var ranges = gaps[pair] ?? []
            if let top = numbers.max(), highestStored < top - 1 { ranges.append((highestStored + 1)...(top - 1)) }
            for n in Set(numbers) { ranges = ranges.flatMap { Self.remove(n, from: $0) } }
            gaps[pair] = ranges
        }
        var people: [String: PersonID] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT device_id, person_id FROM devices") {
            people[row["device_id"]] = PersonID(rawValue: row["person_id"])
        }
        return gaps.flatMap { pair, ranges -> [MissingRevisions] in
            guard !erased.contains(CaseID(rawValue: pair.caseID)) else { return [] }
            return ranges.filter { $0.lowerBound >= 1 }.map { range in
                MissingRevisions(device: DeviceID(rawValue: pair.device), person: people[pair.device], caseID: CaseID(rawValue: pair.caseID),
                                 first: UInt64(range.lowerBound), last: UInt64(range.upperBound))
            }
        }.sorted { ($0.caseID.rawValue, $0.device.rawValue, $0.first) < ($1.caseID.rawValue, $1.device.rawValue, $1.first) }
    }

    private static func remove(_ n: Int64, from range: ClosedRange<Int64>) -> [ClosedRange<Int64>] {
        guard range.contains(n) else { return [range] }
        var out: [ClosedRange<Int64>] = []
        if n > range.lowerBound { out.append(range.lowerBound...(n - 1)) }
        if n < range.upperBound { out.append((n + 1)...range.upperBound) }
        return out
    }
}

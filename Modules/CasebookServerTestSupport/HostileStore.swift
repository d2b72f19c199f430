public import CasebookCrypto
public import CasebookModels
public import CasebookServer
public import CasebookSync
public import Foundation
import Synchronization

/// A `ServerStore` decorator with the powers of a hostile server operator, for tests (ADR 0016).
/// It sits between the real `SyncServer` routes and any real store (in memory, SQLite or
/// PostgreSQL): the routes still check everything they check, and what the operator changes is
/// what the store *serves*. With no power used it is transparent (apart from sequence numbers,
/// which it spaces out so that it can slip forged rows between genuine ones).
///
/// Powers: withhold chosen revisions from chosen devices (`withhold(from:where:)`), replay old
/// ones (`replay(to:where:)`), reorder every page (`reorderPages(for:)`), serve forged rows
/// (`serve(_:to:)`, `tamper(_:)`), serve forged or moved wrapped keys (`inject(_:)`) and withhold
/// genuine ones (`withholdKey(_:epoch:recipient:)`), list devices nobody certified or substitute a
/// device's keys (`serveDevice(_:)`), substitute the recovery key (`substituteRecoveryKey(_:)`)
/// and hide a device removal (`hideRemoval(of:)`).
public final class HostileStore: ServerStore {
    public let inner: any ServerStore

    /// Served sequence number of genuine row `s` is `s << shift`; forged rows take the numbers between.
    static let shift: Int64 = 20
    /// The operator's own view: a DSL-role caller reads every case and every key of a device.
    static let operatorPerson = PersonID(rawValue: "hostile-operator")

    struct Injected: Sendable {
        var seq: Int64
        var wire: WireRevision
        var caseID: CaseID?
        var to: Set<DeviceID>?
    }

    struct Withholding: Sendable {
        var from: Set<DeviceID>?
        var matches: @Sendable (WireRevision) -> Bool
    }

    struct Slot: Hashable, Sendable {
        var caseID: CaseID
        var epoch: UInt32
        var recipient: DeviceID
        init(_ key: WrappedCaseKey) { self.init(caseID: key.caseID, epoch: key.epoch, recipient: key.recipient) }
        init(caseID: CaseID, epoch: UInt32, recipient: DeviceID) {
            self.caseID = caseID
            self.epoch = epoch
            self.recipient = recipient
        }
    }

    struct Plan: Sendable {
        /// Genuine row (by its store seq) served as another row, or hidden from everyone (nil).
        var replaced: [Int64: WireRevision?] = [:]
        var injected: [Injected] = []
        var withholdings: [Withholding] = []
        /// Whose pages are served in reverse order: every device's, or these devices'.
        var reorderAll = false
        var reorderFor: Set<DeviceID> = []
        var injectedKeys: [Slot: WrappedCaseKey] = [:]
        var withheldKeys: Set<Slot> = []
        var servedDevices: [DeviceID: DeviceRecord] = [:]
        var recoveryKey: Data?
        var hiddenRemovals: Set<DeviceID> = []
        var hiddenDevices: Set<DeviceID> = []
        /// The highest genuine store seq seen, so forged rows always land after what was served.
        var highWater: Int64 = 0

        func withholds(_ wire: WireRevision, from device: DeviceID) -> Bool {
            withholdings.contains { ($0.from?.contains(device) ?? true) && $0.matches(wire) }
        }

        func reorders(for device: DeviceID) -> Bool { reorderAll || reorderFor.contains(device) }
    }

    let plan = Mutex(Plan())

    public init(_ inner: any ServerStore) {
        self.inner = inner
    }

    // MARK: - Powers: revisions

    /// Stops serving revisions that match `predicate` to `devices` (nil: to every device).
    public func withhold(from devices: Set<DeviceID>? = nil, where predicate: @escaping @Sendable (WireRevision) -> Bool) {
        plan.withLock { $0.withholdings.append(Withholding(from: devices, matches: predicate)) }
    }

    /// Stops serving the revisions with these ids to `devices` (nil: to every device).
    public func withhold(_ ids: Set<String>, from devices: Set<DeviceID>? = nil) {
        withhold(from: devices) { ids.contains($0.id) }
    }

    /// Serves every page to `devices` (nil: to every device) with its revisions in reverse order
    /// (all but the page's last row), the sequence numbers still ascending (so the cursor moves on).
    public func reorderPages(for devices: Set<DeviceID>? = nil) {
        plan.withLock { p in
            if let devices { p.reorderFor.formUnion(devices) } else { p.reorderAll = true }
        }
    }

    /// Serves `wire` (anything: forged, altered, unsigned, another organisation's) after everything
    /// stored so far, to `devices` (nil: to whoever may read the case its header names, or to
    /// everyone when the header does not parse).
    public func serve(_ wire: WireRevision, to devices: Set<DeviceID>? = nil) async throws {
        let lastStored = (try await genuineRows().last?.seq ?? 0) >> Self.shift
        plan.withLock { p in
            let base = max(lastStored, p.highWater) << Self.shift
            var row = wire
            row.seq = (p.injected.map(\.seq).filter { $0 > base }.max() ?? base) + 1
            p.injected.append(Injected(seq: row.seq ?? 0, wire: row, caseID: try? wire.sealed().header.caseID, to: devices))
        }
    }

    /// Serves again, after everything stored so far, copies of stored revisions matching `predicate`.
    public func replay(to devices: Set<DeviceID>? = nil, where predicate: @Sendable (WireRevision) -> Bool) async throws {
        for row in try await genuineRows() where predicate(row) {
            try await serve(row, to: devices)
        }
    }

    /// Rewrites the log as served, like an operator editing the database: `change` receives every
    /// stored revision in order (as currently served) and may alter, drop, reorder or append rows.
    /// Row *i* of the result is served in the place of row *i* before; rows past the old end are
    /// served after everything stored so far; rows missing at the end are hidden from everyone.
    public func tamper(_ change: (inout [WireRevision]) -> Void) async throws {
        let before = try await genuineRows()
        var after = before
        change(&after)
        plan.withLock { p in
            for (i, row) in before.enumerated() {
                let storeSeq = (row.seq ?? 0) >> Self.shift
                guard i < after.count else {
                    p.replaced[storeSeq] = .some(nil)
                    continue
                }
                var edited = after[i]
                edited.seq = row.seq
                if edited != row { p.replaced[storeSeq] = .some(edited) }
            }
        }
        for extra in after.dropFirst(before.count) { try await serve(extra) }
    }

    // MARK: - Powers: keys, devices, removals

    /// Serves `key` to its recipient in place of whatever the slot (case, epoch, recipient) holds:
    /// a key of the operator's making, or a moved, altered or unsigned one.
    public func inject(_ key: WrappedCaseKey) {
        plan.withLock { $0.injectedKeys[Slot(key)] = key }
    }

    /// Stops serving the key in one slot; returns it (to serve later with `inject`).
    public func withholdKey(_ caseID: CaseID, epoch: UInt32, recipient: DeviceID) async throws -> WrappedCaseKey? {
        let slot = Slot(caseID: caseID, epoch: epoch, recipient: recipient)
        let genuine = try await inner.keys(for: Self.operatorView(of: recipient), today: LocalDate(Date(timeIntervalSince1970: 0)))
            .first { Slot($0) == slot }
        return plan.withLock { p in
            p.withheldKeys.insert(slot)
            return p.injectedKeys.removeValue(forKey: slot) ?? genuine
        }
    }

    /// Lists `record` in `GET /v1/organisation`: a device nobody certified (the operator's own), or
    /// a registered device with substituted keys, certification or roles.
    public func serveDevice(_ record: DeviceRecord) {
        plan.withLock { $0.servedDevices[record.deviceID] = record }
    }

    /// Serves another organisation recovery key (public half) in `GET /v1/organisation`.
    public func substituteRecoveryKey(_ key: Data) {
        plan.withLock { $0.recoveryKey = key }
    }

    /// Leaves a device (its keys and certification) out of `GET /v1/organisation`, as a stale or
    /// hostile server could: replicas then cannot verify its revisions (ADR 0014 keeps them aside).
    public func hideDevice(_ device: DeviceID) {
        plan.withLock { _ = $0.hiddenDevices.insert(device) }
    }

    /// Stops every withholding and hiding: the server serves what it holds after all (revisions,
    /// devices, removals). Injected rows and keys stay served.
    public func serveHonestly() {
        plan.withLock { p in
            p.withholdings.removeAll()
            p.hiddenDevices.removeAll()
            p.hiddenRemovals.removeAll()
        }
    }

    /// Leaves a device's removal out of `GET /v1/organisation` (the server itself still refuses the
    /// removed device: its own checks read the real store).
    public func hideRemoval(of device: DeviceID) {
        plan.withLock { _ = $0.hiddenRemovals.insert(device) }
    }

    // MARK: - Helpers

    static func operatorView(of device: DeviceID) -> Caller {
        Caller(device: device, person: operatorPerson, role: .dsl, active: true)
    }

    /// Every stored revision in order, as currently served to the operator (replacements applied,
    /// hidden rows left out), with served sequence numbers.
    func genuineRows() async throws -> [WireRevision] {
        let replaced = plan.withLock { $0.replaced }
        var rows: [WireRevision] = []
        var after: Int64 = 0
        while true {
            let page = try await inner.pull(after: after, limit: 1000, caller: Self.operatorView(of: DeviceID(rawValue: "hostile-operator")),
                                            caseID: nil, today: LocalDate(Date(timeIntervalSince1970: 0)))
            for var row in page {
                let storeSeq = row.seq ?? 0
                after = storeSeq
                if let replacement = replaced[storeSeq] {
                    guard let replacement else { continue }
                    row = replacement
                }
                row.seq = storeSeq << Self.shift
                rows.append(row)
            }
            if page.count < 1000 { return rows }
        }
    }
}

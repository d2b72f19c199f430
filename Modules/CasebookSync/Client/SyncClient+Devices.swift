import CasebookCrypto
public import CasebookModels
public import CasebookStorage
import Foundation

/// Result of removing a device.
public struct DeviceRemovalOutcome: Sendable, Hashable, Codable {
    public var device: DeviceID
    public var person: PersonID?
    /// Cases whose key this replica rotated to a new epoch the removed device never receives.
    public var rotatedCases: [CaseID]
}

/// Result of removing a person (every device of theirs, then the person).
public struct PersonRemovalOutcome: Sendable, Hashable, Codable {
    public var person: PersonID
    public var devices: [DeviceID]
    public var rotatedCases: [CaseID]
}

extension DeviceRemovalNotice {
    /// The storage form of a served removal (nil when its stamp is malformed: ignored, never trusted).
    public init?(wire: DeviceRemoval) {
        guard let stamp = HLCTimestamp(parsing: wire.removedAt) else { return nil }
        self.init(device: wire.deviceID, removedBy: wire.removedBy, removedAt: stamp, signature: wire.signature)
    }
}

extension SyncClient {
    /// Removes a device (administrators; docs/adr/0010-membership.md): this replica signs the
    /// removal, the server stores it, revokes the device's tokens and drops the keys wrapped for
    /// it, and every replica that syncs drops the device from its trusted set. Then the keys of the
    /// cases this replica holds that the device could read are rotated; other replicas rotate the
    /// cases they hold at their next sync.
    public func removeDevice(_ target: DeviceID) async throws(CasebookError) -> DeviceRemovalOutcome {
        do { try await refreshOrganisation() } catch { throw Self.edgeError(error) }
        let person = try vault.knownDevices().first { $0.device == target }?.person
        try await sendRemoval(target)
        let rotated = try await rotateRemovals()
        try vault.auditSync(.removeDevice)
        return DeviceRemovalOutcome(device: target, person: person, rotatedCases: rotated)
    }

    /// Removes a person who leaves (administrators): every device of theirs the server knows is
    /// removed (signed, as `removeDevice`), the person is deactivated on the server (tokens revoked,
    /// no new login) and marked inactive in the organisation records, then keys are rotated.
    public func removePerson(_ subject: PersonID, reason: String? = nil) async throws(CasebookError) -> PersonRemovalOutcome {
        guard subject != vault.person else { throw CasebookError(.invalidInput, "you cannot remove yourself; ask another administrator") }
        let info: OrganisationInfo
        do {
            try await refreshOrganisation()
            info = try await timed("the organisation") { try await self.transport.organisation(timeout: $0) }
        } catch { throw Self.edgeError(error) }
        guard info.people.contains(where: { $0.id == subject }) else {
            throw CasebookError(.notFound, "person \(subject) is not a member of this organisation")
        }
        let already = Set((info.removedDevices ?? []).map(\.deviceID))
        let devices = info.devices.filter { $0.person == subject && !already.contains($0.deviceID) }.map(\.deviceID)
        if devices.contains(where: { $0 == info.rootDevice }) {
            throw CasebookError(.invalidInput, "person \(subject) holds the organisation root device, which cannot be removed")
        }
        try vault.markPersonInactive(subject, reason: reason)
        for device in devices { try await sendRemoval(device) }
        try await edge("the deactivation") { try await self.transport.deactivate(subject, timeout: $0) }
        let rotated = try await rotateRemovals()
        // The inactive person record goes out now, so other replicas learn it at their next sync.
        _ = try await run()
        try vault.auditSync(.removeDevice)
        return PersonRemovalOutcome(person: subject, devices: devices, rotatedCases: rotated)
    }

    private func sendRemoval(_ target: DeviceID) async throws(CasebookError) {
        let notice = try vault.prepareDeviceRemoval(target)
        let request = DeviceRemovalRequest(removedBy: notice.removedBy, removedAt: notice.removedAt.description, signature: notice.signature)
        try await edge("the device removal") { try await self.transport.removeDevice(target, request, timeout: $0) }
        try vault.recordDeviceRemovals([notice])
    }

    private func rotateRemovals() async throws(CasebookError) -> [CaseID] {
        do { return try await rotateAfterRemovalsReportingCases() } catch { throw Self.edgeError(error) }
    }

    /// Uploads a new epoch for every case queued by a device removal (see
    /// `Vault.removalRotations`). A case the server refuses (another replica rotated it first, or
    /// this replica may not upload its keys) is skipped; the queue clears once a newer epoch is held.
    func rotateAfterRemovals() async throws -> Int {
        try await rotateAfterRemovalsReportingCases(countKeys: true).count
    }

    private func rotateAfterRemovalsReportingCases(countKeys: Bool = false) async throws -> [CaseID] {
        let transport = self.transport
        let wraps = try vault.removalRotations()
        var rotated: [CaseID] = []
        var keys: [CaseID] = []
        for (caseID, group) in Dictionary(grouping: wraps, by: \.caseID).sorted(by: { $0.key < $1.key }) {
            // This device's own copy first: if its slot is taken, another replica rotated first
            // (the key arrives at the next key fetch), and nothing of this attempt is uploaded.
            let own = group.filter { $0.recipient == vault.device }
            do {
                try await timed("a key rotation") { try await transport.uploadKeys(caseID, KeyUpload(keys: own), timeout: $0) }
            } catch let failure as SyncFailure where failure.kind == .forbidden || failure.kind == .rejected {
                continue
            }
            // The others, split by person, so one refused reader (e.g. untrained) holds back no one;
            // what is refused is offered again by `missingKeyWraps` at later syncs.
            let others = group.filter { $0.recipient != vault.device }
            let accepted = others.isEmpty ? [] : try await uploadKeysSplittingRefusals(caseID, others).accepted
            try vault.storeWrappedKeys(own + accepted)
            rotated.append(caseID)
            keys += Array(repeating: caseID, count: own.count + accepted.count)
        }
        return countKeys ? keys : rotated
    }

    func timed<T: Sendable>(_ what: String, _ body: @escaping @Sendable (Duration) async throws -> T) async throws -> T {
        let timeout = configuration.requestTimeout
        return try await withDeadline(timeout, what: what) { try await body(timeout) }
    }
}

public import Foundation

public enum AuditAction: String, Hashable, Codable, Sendable, CaseIterable {
    case create, update, read, export, release, grant, revoke, unlock, verify, erase, sync
    /// Membership (docs/adr/0010-membership.md): a device removed from the organisation, a standalone
    /// vault enrolled, case keys re-wrapped from the organisation recovery key.
    case removeDevice = "remove-device", enrol, recover
}

/// One entry of the tamper-evident audit log: who, what, when, which record. Never content.
public struct AuditEntry: Hashable, Codable, Sendable {
    public var sequence: Int64
    public var at: Date
    public var actor: PersonID
    public var device: DeviceID
    public var action: AuditAction
    public var recordType: RecordType?
    public var recordID: RecordID?
    public var caseID: CaseID?

    public init(sequence: Int64, at: Date, actor: PersonID, device: DeviceID, action: AuditAction,
                recordType: RecordType? = nil, recordID: RecordID? = nil, caseID: CaseID? = nil) {
        self.sequence = sequence
        self.at = at
        self.actor = actor
        self.device = device
        self.action = action
        self.recordType = recordType
        self.recordID = recordID
        self.caseID = caseID
    }

    /// The canonical bytes the hash chain covers: fixed field order, `|`-separated.
    public var canonicalText: String {
        [String(sequence), String(Int64((at.timeIntervalSince1970 * 1000).rounded())), actor.rawValue, device.rawValue,
         action.rawValue, recordType?.rawValue ?? "", recordID?.rawValue ?? "", caseID?.rawValue ?? ""]
            .joined(separator: "|")
    }
}

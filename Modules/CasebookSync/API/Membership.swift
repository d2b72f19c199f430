public import CasebookModels
public import Foundation

/// An administrator's signed statement that a device is removed from the organisation (lost,
/// stolen, or its owner left). Replicas verify `signature` by `removedBy` (a certified
/// administrator device) over `DeviceTrust.removalBytes(device:removedAt:)`, so a hostile server can
/// hide a removal (availability) but cannot forge one. `removedAt` is the remover's HLC stamp
/// (`HLCTimestamp.description`): revisions the removed device stamps after it are rejected.
public struct DeviceRemoval: Codable, Hashable, Sendable {
    public var deviceID: DeviceID
    public var removedBy: DeviceID
    public var removedAt: String
    public var signature: Data

    public init(deviceID: DeviceID, removedBy: DeviceID, removedAt: String, signature: Data) {
        self.deviceID = deviceID
        self.removedBy = removedBy
        self.removedAt = removedAt
        self.signature = signature
    }
}

/// `DELETE /v1/devices/{device_id}` (administrators): the signed removal; the device id is the path's.
public struct DeviceRemovalRequest: Codable, Hashable, Sendable {
    public var removedBy: DeviceID
    public var removedAt: String
    public var signature: Data

    public init(removedBy: DeviceID, removedAt: String, signature: Data) {
        self.removedBy = removedBy
        self.removedAt = removedAt
        self.signature = signature
    }
}

extension SyncAPI.Path {
    /// `DELETE /v1/devices/{device_id}` (administrators): removes a device (body `DeviceRemovalRequest`).
    public static func device(_ device: DeviceID) -> String { "/v1/devices/\(device.rawValue)" }
    /// `GET /v1/recovery/keys?person=ID[&case=ID]` (administrators): the recovery key's copies of the
    /// case keys of every case PERSON may read now (or of one case), for `casebook recover`.
    public static let recoveryKeys = "/v1/recovery/keys"

    public static func recoveryKeysQuery(person: PersonID, caseID: CaseID?) -> String {
        var path = recoveryKeys + "?person=\(person.rawValue)"
        if let caseID { path += "&case=\(caseID.rawValue)" }
        return path
    }
}

import CasebookCrypto
import CasebookModels
import GRDB

extension Vault {
    /// This device's fingerprint while no administrator has vouched for it yet (issue 13): until
    /// then no member wraps a case key for it, so nothing it receives is readable, and a first
    /// sync's "received N" would otherwise suggest the opposite. Nil for a standalone vault, the
    /// organisation's root device, and a device whose certification this replica has verified.
    public func awaitingCertification() throws(CasebookError) -> String? {
        return try read("reading this device's certification") { db in
            guard try Meta.json(db, .organisation, EnrolledOrganisation.self) != nil, try rootDeviceID(db) != device else { return nil }
            let certifiedBy = try String.fetchOne(db, sql: "SELECT certified_by FROM devices WHERE device_id = ?", arguments: [device.rawValue])
            return certifiedBy == nil ? DeviceFingerprint.of(identity.publicKeys) : nil
        }
    }
}

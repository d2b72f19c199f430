import CasebookCrypto
import CasebookModels
import GRDB

extension Vault {
    /// A new laptop for the same person (ADR 0024): the certified devices of members who read `caseID`
    /// through a device that is now removed, and this replica's own person's other devices. The
    /// evidence is this replica's own: a removed device of theirs authored a stored revision of the
    /// case (it opened under a key of the case), or was the recipient of a key of the case this replica
    /// keeps a row of. People no longer active get nothing (and their devices are all removed);
    /// `devices(_:of:)` never lists a removed device.
    func replacementDevices(_ db: Database, _ caseID: CaseID) throws -> [DevicePublicKeys] {
        var people: Set<PersonID> = [person]
        let readers = try String.fetchAll(db, sql: """
            SELECT DISTINCT d.person_id FROM devices d JOIN removed_devices r ON r.device_id = d.device_id
            WHERE d.device_id IN (SELECT author_device FROM revisions WHERE case_id = ?)
               OR d.device_id IN (SELECT recipient FROM case_keys WHERE case_id = ?)
            """, arguments: [caseID.rawValue, caseID.rawValue])
        people.formUnion(readers.map(PersonID.init(rawValue:)))
        let organisation = try organisationState(db)
        var found: [DevicePublicKeys] = []
        for reader in people.sorted() where organisation.person(reader)?.active == true {
            found += try devices(db, of: reader)
        }
        return found
    }
}

import CasebookCrypto
public import CasebookModels
import Foundation
import GRDB

extension Vault {
    /// Prepares an invitation for another device of an existing, active member (administrators; ADR
    /// 0024): a new laptop for the same person. The person keeps their id, name and roles; the code
    /// names them, and this replica vouches for the one device that proves it at its next sync, as for
    /// any invitation. Nothing is stored until the server has accepted it (`recordInvitation`, which
    /// keeps the person record as it is).
    public func prepareDeviceInvitation(for person: PersonID) throws(CasebookError) -> Invitation {
        let member: Person
        member = try read("inviting a device") { db in
            try requireRole(db, [.admin], to: "invite devices")
            guard let found = try organisationState(db).person(person) else {
                throw CasebookError(.notFound, "no person \(Vault.short(person)) in the organisation records", hint: .list(.people))
            }
            guard found.active else {
                throw CasebookError(.conflict, "person \(Vault.short(person)) was removed", hint: .invitePerson)
            }
            return found
        }
        guard let role = [Role.admin, .dsl, .practitioner].first(where: member.roles.contains) else {
            throw CasebookError(.invalidInput, "person \(Vault.short(person)) has no role a device can be invited for")
        }
        let fingerprint = try rootFingerprint()
        let secret = EnrolmentSecret.generate()
        let pin = try transportSecurity().serverCertificatePin
        return Invitation(person: person, name: member.name, role: role, type: member.type,
                          code: EnrolmentCode.invitation(person: person, secret: secret, rootFingerprint: fingerprint, serverPin: pin),
                          secret: secret, codeHash: secret.serverAuthHash)
    }
}

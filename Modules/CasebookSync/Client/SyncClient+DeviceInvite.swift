public import CasebookModels
public import CasebookStorage

extension SyncClient {
    /// A new laptop for the same person (administrators; ADR 0024): a one-time code for another
    /// device of an existing member, who keeps their person id. The server learns only the code's
    /// hash; this replica certifies the device that proves the code at its next sync, and replicas
    /// that hold the person's cases wrap their keys for it at their next sync.
    public func inviteDevice(for person: PersonID) async throws(CasebookError) -> Invitation {
        let invitation = try vault.prepareDeviceInvitation(for: person)
        let request = InviteRequest(person: invitation.person, role: invitation.role, type: invitation.type, codeHash: invitation.codeHash,
                                    newDevice: true)
        try await edge("the device invitation") { try await self.transport.invite(request, timeout: $0) }
        try vault.recordInvitation(invitation)
        return invitation
    }
}

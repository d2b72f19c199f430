public import CasebookModels

extension Caller {
    /// The caller as the rulebook's header rules see it (ADR 0012): the server knows the device's
    /// person and role (a removed device cannot authenticate, so no removal stamp applies).
    public var signer: Signer {
        Signer(device: device, person: person, roles: [role], isAdmin: role == .admin)
    }
}

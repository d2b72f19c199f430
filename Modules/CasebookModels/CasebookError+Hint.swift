extension CasebookError {
    /// What the user can do about an error, as a value: the apps render it in their own words (the
    /// CLI as a command line, the web app as plain words), so a library never names argv (ADR 0029).
    /// Cases carry identifiers only, never client content.
    public enum Hint: Hashable, Sendable {
        /// Sync this device with the server first.
        case sync
        /// Enrol this vault in the organisation first.
        case enrol
        /// Unlock the vault again.
        case unlockAgain
        /// No vault at the path: create one, or point at the right one.
        case createVault
        /// A vault exists at the path: choose another path or remove it.
        case chooseAnotherVaultPath
        /// The vault file is damaged: `enrolled` says which remedy applies (nil: not known, both).
        case recoverDamagedVault(enrolled: Bool?)
        /// A file in use was given where a backup was expected: make a backup and restore that.
        case makeBackup
        /// A restore would replace the existing vault: say so explicitly.
        case confirmReplace
        /// Check an identifier against a list.
        case list(Listing)
        /// Record the client's signed consent form.
        case recordConsent
        /// Record a release consent for this recipient and purpose.
        case recordReleaseConsent
        /// Record training (for `person`, when someone else records it; `course` when one is missing).
        case recordTraining(person: PersonID?, course: TrainingCourse?)
        /// Lift the retention hold first.
        case liftRetentionHold
        /// A finalised session is corrected by an amendment.
        case amendSession(RecordID)
        /// Ask the administrator for an invitation for this existing person.
        case inviteExistingPerson(PersonID)
        /// Invite the person again.
        case invitePerson
        /// Enrol the person's new device and sync here to vouch for it, then try again.
        case enrolNewDeviceThenSync
        /// Give the organisation's CA certificate.
        case giveCACertificate

        /// The lists a hint can point at.
        public enum Listing: String, Hashable, Sendable, CaseIterable {
            case clients, people, devices, sessions, concerns, disclosures, breaches, accessRequests
        }

        /// The hint in plain words, naming no command: for logs, library callers and the web app.
        public var words: String {
            switch self {
            case .sync: "sync first"
            case .enrol: "enrol this vault in the organisation first"
            case .unlockAgain: "unlock again"
            case .createVault: "create a vault, or open the right one"
            case .chooseAnotherVaultPath: "choose another vault path or remove it"
            case .recoverDamagedVault(let enrolled):
                switch enrolled {
                case true?: "enrol a new vault and sync from the server, which holds everything that was synced"
                case false?: "restore a backup over it"
                case nil: "if it belongs to an organisation, enrol a new vault and sync from the server; if it is standalone, restore a backup over it"
                }
            case .makeBackup: "make a backup of it and restore that"
            case .confirmReplace: "confirm that the restore replaces it"
            case .list(let listing): "check the \(listing.words)"
            case .recordConsent: "record the client's signed consent form first"
            case .recordReleaseConsent: "record a release consent for this recipient and purpose first"
            case .recordTraining(let person, _):
                person.map { "an administrator records the training of person \($0)" } ?? "record the training first"
            case .liftRetentionHold: "lift the retention hold first"
            case .amendSession: "correct it with an amendment"
            case .inviteExistingPerson(let person): "ask the administrator for an invitation for existing person \(person)"
            case .invitePerson: "invite them again"
            case .enrolNewDeviceThenSync: "enrol their new device and sync here to vouch for it, then recover"
            case .giveCACertificate: "give your organisation's CA certificate"
            }
        }
    }
}

extension CasebookError.Hint.Listing {
    var words: String {
        switch self {
        case .clients: "list of clients"
        case .people: "list of people"
        case .devices: "list of devices"
        case .sessions: "client's sessions"
        case .concerns: "list of concerns"
        case .disclosures: "client's disclosures"
        case .breaches: "list of breaches"
        case .accessRequests: "list of subject-access requests"
        }
    }
}

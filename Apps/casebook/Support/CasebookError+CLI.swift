import CasebookModels

/// The CLI's words for a library's hint (ADR 0029): only the app knows its commands and flags.
extension CasebookError.Hint {
    var commandLine: String {
        switch self {
        case .sync: "run 'casebook sync' first"
        case .enrol: "run 'casebook enrol' first"
        case .unlockAgain: "run 'casebook unlock' again"
        case .createVault: "create one with 'casebook init' or set --vault / CASEBOOK_VAULT"
        case .chooseAnotherVaultPath: "choose another --vault path or remove it"
        case .recoverDamagedVault(let enrolled):
            switch enrolled {
            case true?: "enrol a new vault ('casebook enrol') and sync from the server, which holds everything that was synced"
            case false?: "restore a backup with 'casebook restore --from BACKUP --replace'"
            case nil: "if it belongs to an organisation, enrol a new vault ('casebook enrol') and sync from the server; "
                + "if it is standalone, restore a backup with 'casebook restore --from BACKUP --replace'"
            }
        case .makeBackup: "make a backup with 'casebook backup --out FILE' and restore that"
        case .confirmReplace: "give --replace to restore over it"
        case .list(let listing): "check the id with '\(listing.command)'"
        case .recordConsent: "record one with 'casebook consent record'"
        case .recordReleaseConsent: "record one with 'casebook consent release CLIENT --to RECIPIENT --purpose TEXT'"
        case .recordTraining(let person, let course):
            person.map { "an administrator records it with 'casebook training record --person \($0) --course \(course?.rawValue ?? "COURSE") --completed YYYY-MM-DD'" }
                ?? "record it with 'casebook training record --course \(course?.rawValue ?? "COURSE") --completed YYYY-MM-DD'"
        case .liftRetentionHold: "lift it with 'casebook retention lift-hold HOLD' first"
        case .amendSession(let id): "correct it with 'casebook session amend \(id) --text ...'"
        case .inviteExistingPerson(let person):
            "ask the administrator for an invitation made with 'casebook person invite --existing-person \(person) ...'"
        case .invitePerson: "invite them again with 'casebook person invite'"
        case .enrolNewDeviceThenSync: "enrol their new device, run 'casebook sync' here to vouch for it, then recover"
        case .giveCACertificate: "give your organisation's CA certificate with --ca-cert FILE or CASEBOOK_CA_CERT"
        }
    }
}

extension CasebookError.Hint.Listing {
    var command: String {
        switch self {
        case .clients: "casebook client list"
        case .people: "casebook person list"
        case .devices: "casebook device list"
        case .sessions: "casebook session list CLIENT"
        case .concerns: "casebook concern list"
        case .disclosures: "casebook disclose list CLIENT"
        case .breaches: "casebook breach list --all"
        case .accessRequests: "casebook sar list"
        }
    }
}

extension CasebookError {
    /// The one line the CLI prints for an error: the message, then the hint as a command line.
    /// Control characters never reach the terminal, whoever wrote the message (the transport
    /// already cleaned a server's; this is the last edge).
    var commandLineText: String {
        let line = hint.map { "\(message); \($0.commandLine)" } ?? message
        return UntrustedText.line(line, limit: 2000)
    }
}

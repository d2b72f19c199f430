import ArgumentParser
import CasebookModels
import CasebookStorage
import Foundation

/// `casebook backup` and `casebook restore` (issue 16, ADR 0021): a copy of the still-encrypted
/// vault file, and putting one back.
struct BackupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy the vault, still encrypted, to a new owner-only file (a consistent snapshot, even while in use).",
        discussion: """
            Uses SQLite's online backup API, so the copy is consistent even if another casebook command \
            is writing. The copy is as encrypted as the vault: it opens only with the vault's passphrase, \
            and no passphrase is needed to make it. FILE must not exist: a backup never overwrites. \
            Put it back with 'casebook restore --from FILE'.
            """)

    @OptionGroup var options: VaultOptions

    @Option(help: ArgumentHelp("The backup file to create (must not exist).", valueName: "file"))
    var out: String

    func run() throws {
        try Output.guarded {
            let destination = URL(fileURLWithPath: out).standardizedFileURL.path
            let summary = try Vault.backup(vaultAt: options.vaultPath, to: destination)
            if options.json {
                Output.json(["backup": destination, "revisions": "\(summary.revisions)", "audit_entries": "\(summary.auditEntries)",
                             "device_id": summary.device.rawValue, "enrolled": summary.enrolled ? "true" : "false"])
                return
            }
            print("Backed up \(options.vaultPath) to \(destination) (owner-only, still encrypted):")
            print("  \(summary.revisions) revisions, \(summary.auditEntries) audit entries, device \(summary.device.rawValue.prefix(8)).")
            print("Keep it somewhere other than this laptop's disk; it opens only with the vault's passphrase.")
            if summary.enrolled {
                print("This vault is enrolled in an organisation: what it has synced can also be recovered from the server.")
            }
        }
    }
}

struct RestoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Put a backup back as the vault, after checking that it is an intact Casebook vault.",
        discussion: """
            Checks the backup without decrypting it (SQLite's integrity check, the vault format, its sealed \
            identity matching its device keys) before anything is moved. An existing vault is never \
            overwritten: without --replace the restore is refused; with --replace the current vault is \
            renamed aside to PATH.before-restore-TIME, not deleted. Afterwards, 'casebook audit verify' \
            checks the restored audit log with your passphrase. Changes made after the backup are not in \
            it; for a vault enrolled in an organisation, 'casebook sync' brings back what was synced.
            """)

    @OptionGroup var options: VaultOptions

    @Option(help: ArgumentHelp("The backup file to restore.", valueName: "file"))
    var from: String

    @Flag(help: "Replace an existing vault (it is kept aside as PATH.before-restore-TIME).")
    var replace = false

    func run() throws {
        try Output.guarded {
            let source = URL(fileURLWithPath: from).standardizedFileURL.path
            let result = try Vault.restore(from: source, to: options.vaultPath, replace: replace)
            let summary = result.summary
            if options.json {
                var out = ["vault": options.vaultPath, "restored_from": source, "revisions": "\(summary.revisions)",
                           "audit_entries": "\(summary.auditEntries)", "device_id": summary.device.rawValue,
                           "enrolled": summary.enrolled ? "true" : "false"]
                if let aside = result.previousVaultKeptAt { out["previous_vault"] = aside }
                Output.json(out)
                return
            }
            print("Restored \(options.vaultPath) from \(source):")
            print("  \(summary.revisions) revisions, \(summary.auditEntries) audit entries, device \(summary.device.rawValue.prefix(8)), "
                + (summary.enrolled ? "enrolled in an organisation." : "standalone."))
            if let aside = result.previousVaultKeptAt { print("The vault it replaced is kept at \(aside).") }
            print("Check it with 'casebook audit verify'. Changes made after the backup was taken are not in it.")
            if summary.enrolled {
                print("This vault is enrolled: run 'casebook sync' before making changes; it brings back what was synced since the backup.")
                print("Re-syncing from the server also recovers: enrol a new vault ('casebook enrol') and sync.")
            }
        }
    }
}

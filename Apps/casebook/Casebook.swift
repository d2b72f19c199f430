import ArgumentParser
import Foundation

@main
struct Casebook: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "casebook",
        abstract: "Keep confidential counselling and mentoring records in an encrypted, offline vault.",
        discussion: """
            Every record lives in one encrypted SQLite file on this laptop (the vault). Nothing about a \
            client is ever written in plaintext: not to the vault, not to logs, not to temp files.

            Getting started:
              casebook init --name "Your Name" --role practitioner
              casebook training record --course confidentiality --completed 2026-09-01
              casebook training record --course data-protection --completed 2026-09-01
              casebook client add --name "Client Name" --born 2012-04-01
              casebook consent record CLIENT --form-version 3 --signed-on 2026-10-01 --signed-by guardian
              casebook session log CLIENT --on 2026-10-02 --minutes 50 --platform "Microsoft Teams" \\
                  --topics "..." --progress "..." --follow-up "..." --practitioner-private --client-private

            The vault is --vault PATH or $CASEBOOK_VAULT. The passphrase is prompted without echo, or read \
            from --passphrase-file or $CASEBOOK_PASSPHRASE; 'casebook unlock' keeps the vault unlocked for \
            a while in a per-user agent, until 'casebook lock' or expiry.

            Exit status: 0 success, 2 bad input, 3 not authorised, training missing or device removed, 4 not found, \
            5 wrong passphrase or expired session, 6 refused by policy, 7 tampered or damaged vault, \
            8 network or offline, 9 bundle intact but its signer unconfirmed (export verify without \
            --trusted-key), 10 vault file damaged (truncated or corrupted: restore a backup, or re-sync \
            into a new vault), 11 disk full (nothing was saved), 1 anything else.
            """,
        version: CasebookVersion.current,
        subcommands: [
            InitCommand.self, UnlockCommand.self, LockCommand.self,
            TrainingCommand.self, PolicyCommand.self, SettingsCommand.self,
            ClientCommand.self, ConsentCommand.self, SessionCommand.self,
            AuditCommand.self, RedactCommand.self, SarCommand.self, ExportCommand.self,
            ConcernCommand.self, DiscloseCommand.self, UICommand.self, RetentionCommand.self, EraseCommand.self,
            EnrolCommand.self, PersonCommand.self, DeviceCommand.self, GrantCommand.self, RevokeCommand.self, SyncCommand.self,
            RecoverCommand.self, StatusCommand.self, AgentCommand.self, BreachCommand.self,
            BackupCommand.self, RestoreCommand.self,
        ]
    )
}

extension Casebook {
    /// Parses and runs, turning usage errors into one line on stderr (exit 2) like every other
    /// refusal; `--help` and `--version` print as usual.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error as ExitCode {
            exit(withError: error)
        } catch {
            guard exitCode(for: error) == .validationFailure else { exit(withError: error) }
            let firstLine = message(for: error).split(separator: "\n").first.map(String.init) ?? "invalid arguments"
            let cleaned = firstLine.hasPrefix("Error: ") ? String(firstLine.dropFirst(7)) : firstLine
            FileHandle.standardError.write(Data("casebook: error: \(cleaned) (see 'casebook help')\n".utf8))
            Foundation.exit(2)
        }
    }
}

enum CasebookVersion {
    static let current = "0.1.0"
}

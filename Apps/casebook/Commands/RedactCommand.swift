import ArgumentParser
import CasebookModels
import CasebookRedaction
import CasebookStorage
import Foundation

struct RedactCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "redact",
        abstract: "Mask identifying details in text from stdin.",
        discussion: """
            Without --jsonl: reads all of stdin and writes the redacted text to stdout.
            With --jsonl: reads one JSON object per line, {"id": ..., "text": ...}, and writes one per line, \
            {"id": ..., "spans": [{"start": S, "end": E, "label": L}]}, offsets in Unicode scalars, end exclusive.
            Works without a vault (general detectors); with --vault and --client it also knows that client's \
            names, relations, contacts and date of birth.
            """)

    @Flag(help: "JSON Lines in and out.") var jsonl = false
    @Option(help: "Client whose known identifiers to add (needs the vault).") var client: String?
    @Option(help: "Vault path (default: $CASEBOOK_VAULT when --client is given).") var vault: String?
    @Option(help: "Passphrase file for the vault.") var passphraseFile: String?

    func run() throws {
        try Output.guarded {
            var known = KnownIdentifiers()
            if let client {
                var options = VaultOptions()
                options.vault = vault
                options.passphraseFile = passphraseFile
                let opened = try options.openVault()
                let id = try opened.resolveClient(client)
                known = try opened.knownIdentifiers(for: id)
            }
            let redactor = Redactor(known: known)
            if jsonl {
                var lineNumber = 0
                while let line = readLine(strippingNewline: true) {
                    lineNumber += 1
                    if line.allSatisfy(\.isWhitespace) { continue }
                    do {
                        print(try RedactionJSONL.process(line: line, redactor: redactor))
                    } catch let error as RedactionJSONLError {
                        throw CasebookError(.invalidInput, "line \(lineNumber): \(error.description)")
                    }
                }
            } else {
                let input = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
                FileHandle.standardOutput.write(Data(redactor.redact(input).text.utf8))
            }
        }
    }
}

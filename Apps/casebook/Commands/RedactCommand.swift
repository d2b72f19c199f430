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
                let id = try Parse.id(client, as: ClientID.self, what: "client")
                known = try opened.knownIdentifiers(for: id)
            }
            let redactor = Redactor(known: known)
            if jsonl {
                var lineNumber = 0
                while let line = readLine(strippingNewline: true) {
                    lineNumber += 1
                    if line.allSatisfy(\.isWhitespace) { continue }
                    print(try RedactionJSONLine.process(line, redactor: redactor, lineNumber: lineNumber))
                }
            } else {
                let input = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
                FileHandle.standardOutput.write(Data(redactor.redact(input).text.utf8))
            }
        }
    }
}

/// One JSONL line: `{"id": any, "text": string}` → `{"id": same, "spans": [...]}`.
enum RedactionJSONLine {
    static func process(_ line: String, redactor: Redactor, lineNumber: Int) throws -> String {
        guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
              let text = object["text"] as? String, let id = object["id"] else {
            throw CasebookError(.invalidInput, "line \(lineNumber) is not a JSON object with \"id\" and a string \"text\"")
        }
        let spans = redactor.detect(text).map { ["start": $0.range.lowerBound, "end": $0.range.upperBound, "label": $0.label.rawValue] as [String: Any] }
        let out: [String: Any] = ["id": id, "spans": spans]
        let data = try JSONSerialization.data(withJSONObject: out, options: [.sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
    }
}

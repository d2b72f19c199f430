import ArgumentParser
import CasebookModels
import CasebookStorage
import Foundation

/// Options every vault command takes.
struct VaultOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Path of the vault file (default: $CASEBOOK_VAULT, else ~/.casebook/vault.casebook).",
                                            valueName: "path"))
    var vault: String?

    @Option(name: .long, help: ArgumentHelp("Read the passphrase from the first line of this file (for automation).",
                                            valueName: "file"))
    var passphraseFile: String?

    @Flag(name: .long, help: "Print machine-readable JSON on stdout.")
    var json = false

    /// The vault's absolute path: --vault, else $CASEBOOK_VAULT, else ~/.casebook/vault.casebook.
    var vaultPath: String {
        let given = vault ?? ProcessInfo.processInfo.environment["CASEBOOK_VAULT"].flatMap { $0.isEmpty ? nil : $0 }
        guard let given else {
            // $HOME first: Foundation's home directory ignores it when running as root.
            let home = ProcessInfo.processInfo.environment["HOME"].flatMap { $0.isEmpty ? nil : $0 }
                ?? FileManager.default.homeDirectoryForCurrentUser.path
            return URL(fileURLWithPath: home).appendingPathComponent(".casebook/vault.casebook").path
        }
        return URL(fileURLWithPath: given).standardizedFileURL.path
    }

    /// How to unlock, in order: --passphrase-file, CASEBOOK_PASSPHRASE, the unlock agent
    /// ('casebook unlock'), then a prompt.
    func unlock(forCreation: Bool = false, useAgent: Bool = true) throws -> VaultUnlock {
        if let passphraseFile { return .passphrase(try Passphrase.read(file: passphraseFile)) }
        let env = ProcessInfo.processInfo.environment
        if let passphrase = env["CASEBOOK_PASSPHRASE"], !passphrase.isEmpty { return .passphrase(passphrase) }
        if !forCreation, useAgent, let handOver = UnlockAgent.handOver(vault: vaultPath) { return .handOver(handOver) }
        let first = try Passphrase.prompt("Passphrase for \(vaultPath): ")
        if forCreation {
            let second = try Passphrase.prompt("Repeat the passphrase: ")
            guard first == second else { throw CasebookError(.invalidInput, "the passphrases do not match") }
        }
        return .passphrase(first)
    }

    func openVault() throws -> Vault {
        try Vault.open(at: vaultPath, unlock: try unlock())
    }
}

enum Passphrase {
    static func read(file: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw CasebookError(.invalidInput, "cannot read the passphrase file \(file)")
        }
        let text = String(decoding: data, as: UTF8.self)
        let line = text.split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init) ?? ""
        let trimmed = line.hasSuffix("\r") ? String(line.dropLast()) : line
        guard !trimmed.isEmpty else { throw CasebookError(.invalidInput, "the passphrase file \(file) is empty") }
        return trimmed
    }

    /// Prompts on the terminal without echo.
    static func prompt(_ message: String) throws -> String {
        guard isatty(STDIN_FILENO) != 0 else {
            throw CasebookError(.invalidInput,
                "no passphrase: run 'casebook unlock' in a terminal, give --passphrase-file or set CASEBOOK_PASSPHRASE")
        }
        FileHandle.standardError.write(Data(message.utf8))
        var old = termios()
        tcgetattr(STDIN_FILENO, &old)
        var silent = old
        silent.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &silent)
        defer {
            tcsetattr(STDIN_FILENO, TCSAFLUSH, &old)
            FileHandle.standardError.write(Data("\n".utf8))
        }
        guard let line = readLine(strippingNewline: true), !line.isEmpty else {
            throw CasebookError(.invalidInput, "no passphrase entered")
        }
        return line
    }
}

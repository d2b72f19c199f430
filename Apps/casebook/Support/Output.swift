import ArgumentParser
import CasebookModels
import CasebookStorage
import CasebookSync
import Foundation

/// Output and the error edge: the only place that knows exit codes and stderr formatting.
enum Output {
    static func json<T: Encodable>(_ value: T) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .iso8601
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        print(String(decoding: data, as: UTF8.self))
    }

    static func warn(_ message: String) {
        FileHandle.standardError.write(Data("casebook: warning: \(message)\n".utf8))
    }

    static func info(_ message: String) {
        FileHandle.standardError.write(Data("\(message)\n".utf8))
    }

    /// Exit status per error code, documented in `casebook --help`.
    static func exitCode(for error: CasebookError) -> Int32 {
        switch error.code {
        case .invalidInput, .vaultExists: 2
        case .notAuthorised, .trainingMissing, .deviceRemoved: 3
        case .notFound, .vaultMissing: 4
        case .wrongPassphrase, .sessionExpired: 5
        case .consentMissing, .platformNotApproved, .environmentNotConfirmed, .identifyingDetails, .finalised,
             .releaseRefused, .approvalRequired: 6
        case .tampered, .vaultCorrupt: 7
        case .network, .offline: 8
        case .vaultDamaged: 10
        case .diskFull: 11
        default: 1
        }
    }

    /// `export verify` without `--trusted-key`: intact, but signed by a key only the bundle vouches for.
    static let unconfirmedSigner: Int32 = 9

    /// Runs a command body, converting errors to one clear line on stderr and a non-zero exit.
    static func guarded(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch let error as CasebookError {
            FileHandle.standardError.write(Data("casebook: error: \(error.commandLineText)\n".utf8))
            throw ExitCode(exitCode(for: error))
        } catch {
            // A storage error that was not converted below (damaged file, full disk): one clear line too.
            guard let mapped = VaultFileFailure.casebookError(for: error) else { throw error }
            FileHandle.standardError.write(Data("casebook: error: \(mapped.commandLineText)\n".utf8))
            throw ExitCode(exitCode(for: mapped))
        }
    }

    static func guarded(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let error as CasebookError {
            FileHandle.standardError.write(Data("casebook: error: \(error.commandLineText)\n".utf8))
            throw ExitCode(exitCode(for: error))
        } catch {
            // A storage error that was not converted below (damaged file, full disk): one clear line too.
            guard let mapped = VaultFileFailure.casebookError(for: error) else { throw error }
            FileHandle.standardError.write(Data("casebook: error: \(mapped.commandLineText)\n".utf8))
            throw ExitCode(exitCode(for: mapped))
        }
    }
}

/// A command that works on an unlocked vault and then shows the standing warnings (after the
/// command, so that `concern acknowledge` or `policy adopt` does not warn about what it just did;
/// also when the command is refused).
protocol VaultCommand: ParsableCommand {
    var options: VaultOptions { get }
    func run(vault: Vault) throws
}

extension VaultCommand {
    func run() throws {
        try Output.guarded {
            let vault = try options.openVault()
            defer { for warning in (try? vault.warnings()) ?? [] { Output.warn(warning) } }
            try run(vault: vault)
        }
    }
}

extension Output {
    /// A moment in local time for human-readable lists: "2026-12-03 09:45".
    static func localTime(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_GB_POSIX")
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        return formatter.string(from: date)
    }
}

/// Parsing helpers that turn bad input into `CasebookError(.invalidInput)` naming the option.
enum Parse {
    static func date(_ text: String, option: String) throws -> LocalDate {
        guard let date = LocalDate(iso: text) else {
            throw CasebookError(.invalidInput, "\(option) must be a date in the form YYYY-MM-DD (got '\(text.prefix(20))')")
        }
        return date
    }

    static func id<Tag>(_ text: String, as _: Identifier<Tag>.Type, what: String) throws -> Identifier<Tag> {
        guard let id = Identifier<Tag>(parsing: text) else {
            throw CasebookError(.invalidInput, "'\(text.prefix(40))' is not a valid \(what) id")
        }
        return id
    }
}

extension LocalDate: ExpressibleByArgument {
    public init?(argument: String) { self.init(iso: argument) }
}

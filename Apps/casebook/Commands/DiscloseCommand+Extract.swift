import ArgumentParser
import CasebookExport
import CasebookModels
import CasebookStorage
import Foundation

/// The extract a release produces (ADR 0024): options shared by `disclose`, `disclose approve` and
/// `disclose extract`, every check made before the release is logged.
struct ExtractOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Write the extract for the recipient here: a signed bundle of exactly the records released.", valueName: "file.zip"))
    var out: String?
    @Option(help: ArgumentHelp("Encrypt the extract with the password on the first line of this file (send it separately).", valueName: "file"))
    var passwordFile: String?
    @Option(help: ArgumentHelp("The organisation's export key, PKCS#8 PEM (default: $CASEBOOK_EXPORT_KEY).", valueName: "file"))
    var signingKey: String?

    func validate() throws {
        if out == nil, passwordFile != nil || signingKey != nil {
            throw ValidationError("--password-file and --signing-key go with --out FILE.zip")
        }
    }

    /// Where and how the extract will be written, checked now: the key, the password's strength, the
    /// destination's folder and that nothing is there yet. Nil without --out.
    func prepare() throws -> Target? {
        guard let out else { return nil }
        let key = try ExportCommand.signingKey(signingKey)
        let password = try ExportCommand.password(file: passwordFile)
        if let password { do { try password.requireStrongForNewBundle() } catch { throw ExportCommand.edge(error) } }
        try ExportCommand.requireNewFile(out)
        return Target(path: out, key: key, password: password)
    }

    struct Target {
        var path: String
        var key: ExportSigningKey
        var password: BundlePassword?

        /// Writes the extract of a released disclosure. A failure here comes after the release was
        /// logged, so the message says so and how to write the extract again.
        func write(vault: Vault, disclosure: Disclosure) throws -> (path: String, sha256: String) {
            let settings = try vault.organisation().settings
            let extractor = ReleaseExtractor(writer: key.writer, organisationName: settings.organisationName, contact: settings.dslContact,
                                             softwareVersion: CasebookVersion.current)
            let url = URL(fileURLWithPath: path)
            do {
                try extractor.write(from: vault, disclosure: disclosure, to: url, password: password)
            } catch {
                let reason = (error as? ExportError).map { ExportCommand.edge($0) } ?? (error as? CasebookError)
                    ?? CasebookError(.storage, "the extract could not be written")
                throw CasebookError(reason.code, "disclosure \(Vault.short(disclosure.id)) is logged as released, but its extract was not written (\(reason.message)); write it with 'casebook disclose extract \(Vault.short(disclosure.id)) --out FILE.zip'")
            }
            return (path, BundleSigning.sha256Hex((try? Data(contentsOf: url)) ?? Data()))
        }
    }
}

struct ExtractView: Encodable {
    var id: String
    var status: String
    var records: Int
    var extract: String?
    var sha256: String?
}

extension DiscloseCommand {
    struct Extract: VaultCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the extract of a released release again (the records released, signed), e.g. when the first was lost.",
            discussion: "Logs no new release (the release is the one logged when it was decided or approved); the extract is audited.")
        @OptionGroup var options: VaultOptions
        @Argument(help: "Disclosure id (see 'casebook disclose list CLIENT').") var id: String
        @OptionGroup var extract: ExtractOptions

        func validate() throws {
            if extract.out == nil { throw ValidationError("give --out FILE.zip for the extract") }
            try extract.validate()
        }

        func run(vault: Vault) throws {
            let resolved = try vault.resolveRecord(id, types: [.disclosure], what: "disclosure", list: "casebook disclose list CLIENT")
            guard let target = try extract.prepare() else { throw CasebookError(.invalidInput, "give --out FILE.zip for the extract") }
            let disclosure = try vault.disclosure(resolved)
            guard disclosure.status == .released else {
                throw CasebookError(.conflict, "disclosure \(Vault.short(resolved)) is \(disclosure.status.rawValue), not released; nothing was written (the DSL approves it with 'casebook disclose approve \(Vault.short(resolved)) --out FILE.zip')")
            }
            let written = try target.write(vault: vault, disclosure: disclosure)
            if options.json {
                Output.json(ExtractView(id: disclosure.id.rawValue, status: disclosure.status.rawValue, records: disclosure.records.count,
                                        extract: written.path, sha256: written.sha256))
            } else {
                print("Wrote the extract of disclosure \(Vault.short(disclosure.id)) for \(disclosure.recipient): \(written.path) (sha256 \(written.sha256)).")
            }
        }
    }
}

import ArgumentParser
import CasebookExport
import CasebookModels
import CasebookStorage
import Foundation

/// `casebook export`: subject-access bundles (P11). An `ExportError` becomes a `CasebookError`
/// through `ExportError.casebookError` (the one conversion, ADR 0029), so exit codes follow the
/// table in `casebook --help`.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Subject-access export bundles: write, verify, and the export key.",
        subcommands: [Sar.self, Verify.self, KeyGen.self])

    static func edge(_ error: ExportError) -> CasebookError { error.casebookError }

    static func password(file: String?) throws -> BundlePassword? {
        guard let file else { return nil }
        guard let data = FileManager.default.contents(atPath: file) else {
            throw CasebookError(.invalidInput, "cannot read the password file \(file)")
        }
        do { return try BundlePassword(fileContents: data) } catch { throw edge(error) }
    }

    /// A bundle's destination: its folder exists and the file does not (checked before any effect).
    static func requireNewFile(_ out: String) throws {
        let destination = URL(fileURLWithPath: out)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: destination.deletingLastPathComponent().path, isDirectory: &isDirectory),
              isDirectory.boolValue else {
            throw CasebookError(.invalidInput, "the folder for \(out) does not exist; nothing was written")
        }
        guard !FileManager.default.fileExists(atPath: out) else {
            throw CasebookError(.conflict, "\(out) already exists; choose another --out (nothing was written)")
        }
    }

    static func signingKey(_ path: String?) throws -> ExportSigningKey {
        let env = ProcessInfo.processInfo.environment["CASEBOOK_EXPORT_KEY"]
        guard let path = path ?? (env?.isEmpty == false ? env : nil) else {
            throw CasebookError(.invalidInput, "no export key: give --signing-key FILE or set CASEBOOK_EXPORT_KEY (create one with 'casebook export keygen')")
        }
        do { return try ExportSigningKey(contentsOf: URL(fileURLWithPath: path)) } catch { throw edge(error) }
    }

    struct Sar: VaultCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a client's subject-access bundle (records, report, Article 15 letter, signed manifest).",
            discussion: """
                Only a records officer or the Designated Safeguarding Lead may export. With --password-file the \
                zip is WinZip AES-256 (7-Zip opens it); send the password separately. The export is audited.

                Review first with --preview: it lists every record that would go (kind, id, date), the counts, \
                each third-party identifier that would be masked (where and why, never the identifier) and what \
                is withheld, and writes nothing (no file, no disclosure entry, the request stays open). The DSL \
                may leave a session or safeguarding concern out with --withhold RECORD (repeatable) and \
                --ground "the exemption relied on"; the bundle's signed manifest lists it as withheld with that \
                ground, and it is not logged as released.
                """)
        @OptionGroup var options: VaultOptions
        @Argument(help: "Client id.") var client: String
        @Option(help: ArgumentHelp("Where to write the bundle (a .zip); not with --preview.", valueName: "file.zip")) var out: String?
        @Flag(help: "List what the bundle would hold, mask and withhold; write nothing.") var preview = false
        @Option(help: ArgumentHelp("Leave this session or safeguarding concern out (DSL only; repeatable; needs --ground).", valueName: "record"))
        var withhold: [String] = []
        @Option(help: ArgumentHelp("The legal ground for --withhold, shown in the bundle's manifest (e.g. 'DPA 2018 Sch. 3 Pt 2 para 5: serious harm').", valueName: "text"))
        var ground: String?

        func validate() throws {
            if preview, out != nil { throw ValidationError("--preview writes nothing: leave out --out") }
            if !preview, out == nil { throw ValidationError("give --out FILE.zip for the bundle, or --preview to review it first") }
            if !withhold.isEmpty, ground?.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty != false {
                throw ValidationError("--withhold needs --ground with the legal ground (the exemption relied on)")
            }
            if withhold.isEmpty, ground != nil { throw ValidationError("--ground goes with --withhold RECORD") }
            if let ground, ground.count > 200 || ground.contains(where: \.isNewline) {
                throw ValidationError("--ground must be one line of at most 200 characters")
            }
        }
        @Option(help: ArgumentHelp("The subject-access request this answers.", valueName: "id")) var request: String?
        @Option(help: ArgumentHelp("Encrypt with the password on the first line of this file.", valueName: "file"))
        var passwordFile: String?
        @Option(help: ArgumentHelp("The organisation's export key, PKCS#8 PEM (default: $CASEBOOK_EXPORT_KEY).", valueName: "file"))
        var signingKey: String?

        func run(vault: Vault) throws {
            let id = try vault.resolveClient(client)
            // Who may export (and withhold), in the library: the web app makes the same checks (ADR 0023).
            _ = try SubjectAccessExporter.authorise(vault: vault, client: id, request: nil, withholding: !withhold.isEmpty)
            var withheld: [RecordID: String] = [:]
            if !withhold.isEmpty {
                let text = (ground ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
                for record in withhold {
                    withheld[try vault.resolveRecord(record, types: [.session, .concern], what: "session or concern", list: "casebook session list")] = text
                }
            }
            // Every check before any effect (issue 13): a refused export leaves no file and no
            // disclosure entry, so the request, the key, the password and the destination are all
            // checked before the exporter writes or logs anything.
            var requestID: RecordID?
            if let request {
                let resolved = try vault.resolveRecord(request, types: [.accessRequest], what: "request", list: "casebook sar list")
                _ = try SubjectAccessExporter.authorise(vault: vault, client: id, request: resolved, withholding: false)
                requestID = resolved
            }
            if preview {
                let requests = try vault.accessRequests(all: true).filter { $0.clientID == id }
                let shown = try SubjectAccessExporter.preview(from: vault, client: id, extra: .init(accessRequests: requests), withheld: withheld)
                if options.json { Output.json(shown); return }
                Self.printPreview(shown, client: try Names(vault, clients: [id]).client(id))
                return
            }
            guard let out else { throw CasebookError(.invalidInput, "give --out FILE.zip") }
            let key = try ExportCommand.signingKey(signingKey)
            let password = try ExportCommand.password(file: passwordFile)
            if let password { do { try password.requireStrongForNewBundle() } catch { throw ExportCommand.edge(error) } }
            try ExportCommand.requireNewFile(out)
            let settings = try vault.organisation().settings
            let exporter = SubjectAccessExporter(
                writer: key.writer,
                notice: AccessResponseNotice(organisationName: settings.organisationName, contact: settings.dslContact),
                softwareVersion: CasebookVersion.current)
            let url = URL(fileURLWithPath: out)
            let result: SubjectAccessExport
            do {
                let requests = try vault.accessRequests(all: true).filter { $0.clientID == id }
                result = try exporter.export(
                    from: vault, client: id, requestID: requestID?.rawValue, to: url, password: password,
                    extra: .init(accessRequests: requests), withheld: withheld)
            } catch let error as ExportError {
                throw ExportCommand.edge(error)
            }
            let bundleID = BundleSigning.sha256Hex((try? Data(contentsOf: url)) ?? Data())
            if let requestID {
                // The bundle answers the request: it leaves the open list and its deadline warnings.
                _ = try vault.answerAccessRequest(requestID, on: vault.clock.today)
                if !options.json { Output.info("Subject-access request \(Vault.short(requestID)) is now marked answered.") }
            }
            if options.json {
                Output.json(ExportView(
                    id: bundleID, path: out, caseID: result.manifest.caseID, requestID: requestID?.rawValue, encrypted: password != nil,
                    files: result.manifest.files.count, counts: result.counts, withheld: result.redactionLog.count,
                    keyFingerprint: key.fingerprint))
            } else {
                print("Wrote \(out) (sha256 \(bundleID))")
                print("  \(result.counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))")
                print("  \(result.redactionLog.count) third-party identifiers withheld; key fingerprint \(key.fingerprint)")
                if !withheld.isEmpty { print("  \(withheld.count) record(s) withheld on the ground given; the manifest lists them") }
                if password != nil { Output.info("Send the password to the client separately from the bundle.") }
            }
        }
    }

    struct ExportView: Encodable {
        var id: String
        var path: String
        var caseID: String
        var requestID: String?
        var encrypted: Bool
        var files: Int
        var counts: [String: Int]
        var withheld: Int
        var keyFingerprint: String
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Verify a bundle: every hash, the signature, no file missing, extra, renamed or duplicated.",
            discussion: """
                Exit status 0 when the bundle is intact and signed by the --trusted-key; 9 when it is intact \
                but no --trusted-key was given, so its signature was checked only against the key inside the \
                bundle (anyone can make one: compare its fingerprint with the one your organisation publishes); \
                7 when anything is wrong; 5 for a missing or wrong password.
                """)
        @Argument(help: ArgumentHelp("The bundle.", valueName: "file.zip")) var file: String
        @Option(help: ArgumentHelp("Password of an encrypted bundle, first line of this file.", valueName: "file"))
        var passwordFile: String?
        @Option(help: ArgumentHelp("Trust only this export public key (SPKI PEM).", valueName: "file")) var trustedKey: String?
        @Flag(help: "Print machine-readable JSON on stdout.") var json = false

        struct ProblemView: Encodable {
            var code: String
            var path: String?
            var message: String
        }

        struct VerifyView: Encodable {
            /// Intact and signed by the trusted key; false without --trusted-key (see `signer`).
            var valid: Bool
            /// Hashes, entries and signature consistent (against the bundle's own key without --trusted-key).
            var intact: Bool
            /// `trusted-key` or `bundle-key-only`.
            var signer: String
            var encrypted: Bool
            var caseID: String?
            var requestID: String?
            var createdAt: String?
            var files: Int?
            var keyFingerprint: String?
            /// The release a release extract answers (`casebook disclose`, ADR 0024).
            var release: ReleaseReference?
            var problems: [ProblemView]
        }

        func run() throws {
            try Output.guarded {
                let password = try ExportCommand.password(file: passwordFile)
                var verifier = BundleVerifier()
                if let trustedKey {
                    guard let pem = FileManager.default.contents(atPath: trustedKey) else {
                        throw CasebookError(.invalidInput, "cannot read the trusted key file \(trustedKey)")
                    }
                    do { verifier = try BundleVerifier(trustedKeyPEM: String(decoding: pem, as: UTF8.self)) } catch let error as ExportError {
                        throw ExportCommand.edge(error)
                    }
                }
                let report = verifier.verify(archiveAt: URL(fileURLWithPath: file), password: password)
                if json {
                    Output.json(VerifyView(
                        valid: report.isValid && trustedKey != nil, intact: report.isValid,
                        signer: trustedKey == nil ? "bundle-key-only" : "trusted-key", encrypted: report.encrypted, caseID: report.manifest?.caseID,
                        requestID: report.manifest?.requestID, createdAt: report.manifest?.createdAt,
                        files: report.manifest?.files.count, keyFingerprint: report.keyFingerprint, release: report.manifest?.release,
                        problems: report.problems.map { ProblemView(code: $0.code.rawValue, path: $0.path, message: $0.message) }))
                } else if report.isValid, trustedKey != nil {
                    print("OK: \(file) is intact and signed by the trusted key (\(report.manifest?.files.count ?? 0) files, case \(report.manifest?.caseID ?? "?"))")
                    if let release = report.manifest?.release {
                        print("  release \(release.disclosureID), basis \(release.basis)\(release.reference.map { ", reference \($0)" } ?? "")")
                    }
                } else if report.isValid {
                    print("UNCONFIRMED: \(file) is internally consistent, but its signature was checked only against the key inside the bundle "
                          + "(fingerprint \(report.keyFingerprint ?? "?")), which anyone can make; give --trusted-key with your organisation's "
                          + "published export key, or compare that fingerprint with the one it publishes")
                } else {
                    for problem in report.problems { FileHandle.standardError.write(Data("casebook: \(problem.description)\n".utf8)) }
                }
                if let first = report.problems.first { throw ExitCode(Output.exitCode(for: ExportCommand.edge(first))) }
                if trustedKey == nil { throw ExitCode(Output.unconfirmedSigner) }
            }
        }
    }

    struct KeyGen: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "keygen",
            abstract: "Create the organisation's export signing key (PKCS#8 PEM, mode 0600) and print its fingerprint.")
        @Option(help: ArgumentHelp("Where to write the private key; never overwritten.", valueName: "file")) var out: String
        @Option(help: ArgumentHelp("Also write the public key (SPKI PEM) here, to publish.", valueName: "file")) var publicOut: String?
        @Flag(help: "Print machine-readable JSON on stdout.") var json = false

        func run() throws {
            try Output.guarded {
                let key = ExportSigningKey.generate()
                do { try key.write(to: URL(fileURLWithPath: out)) } catch let error as ExportError { throw ExportCommand.edge(error) }
                if let publicOut {
                    do { try Data(key.publicKeyPEM.utf8).write(to: URL(fileURLWithPath: publicOut)) } catch {
                        throw CasebookError(.storage, "cannot write the public key to \(publicOut)")
                    }
                }
                if json { Output.json(["id": key.fingerprint]) } else { print("Export key fingerprint: \(key.fingerprint)") }
            }
        }
    }
}

extension ExportCommand.Sar {
    /// The human-readable preview: ids, dates, kinds and counts; no note text, no masked identifier.
    static func printPreview(_ preview: SubjectAccessPreview, client: String) {
        print("Preview of the subject-access bundle for client \(client) (nothing written):")
        print("  \(preview.counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))")
        for item in preview.items { print("  \(item.date)  \(item.kind)  \(Vault.short(RecordID(rawValue: item.id)))") }
        if preview.masked.isEmpty {
            print("Masked: no third-party identifiers.")
        } else {
            print("Masked (\(preview.masked.count) third-party identifier(s)):")
            let grouped = Dictionary(grouping: preview.masked, by: { "\($0.location)  \($0.label)  (\($0.reason))" })
            for (line, entries) in grouped.sorted(by: { $0.key < $1.key }) {
                // Full ids shortened to their first 8 characters, as every list shows them.
                let short = line.replacingOccurrences(of: #"([0-9a-fA-F]{8})-[0-9a-fA-F-]{27}"#, with: "$1", options: .regularExpression)
                print("  \(short)\(entries.count > 1 ? " ×\(entries.count)" : "")")
            }
        }
        if preview.withheld.isEmpty {
            print("Withheld: nothing.")
        } else {
            print("Withheld (\(preview.withheld.count)):")
            for w in preview.withheld { print("  \(w.kind)  \(Vault.short(RecordID(rawValue: w.id)))  ground: \(w.ground)") }
        }
        print("Write it with --out FILE.zip (and the same --withhold and --ground).")
    }
}

import ArgumentParser
import CasebookCrypto
import CasebookModels
import CasebookStorage
import CasebookSync
import Foundation

struct DeviceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "device",
        abstract: "Devices of the organisation: list them, invite a new laptop for a member, vouch for a held one, remove a lost or stolen one.",
        subcommands: [List.self, Invite.self, Certify.self, Remove.self])

    struct List: AsyncVaultCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the organisation's devices: whose they are, who vouched for them, and their state.",
            discussion: """
                Asks the sync server for the device list, then shows what this vault makes of each: \
                'certified' (an administrator's signature chain reaching the organisation root verifies), \
                'awaiting certification' (enrolled; an administrator's 'casebook sync' vouches for it), \
                'removed' (an administrator removed it: it receives no keys and cannot sign in), or \
                'root' (the organisation root, pinned by every vault), or, on the inviting administrator's \
                vault, 'held' (its proof matches an invitation that already vouched for a device: compare \
                the fingerprint with the one the person's 'casebook enrol' printed, then 'casebook device \
                certify DEVICE'). Each device's fingerprint is a short hash of its public keys. Only ids are \
                shown for devices; people's names come from the encrypted organisation records.
                """)
        @OptionGroup var options: VaultOptions
        @Option(help: "Sync server URL (default: the one you enrolled with).") var server: String?
        @Option(name: .customLong("ca-cert"), help: ArgumentHelp("PEM file of the CA that signed the server's certificate (default: $CASEBOOK_CA_CERT, else the one remembered at enrolment, else the system's roots).", valueName: "file")) var caCert: String?

        struct Row: Encodable {
            var id: String
            var person: String
            var name: String?
            var roles: [String]
            var certifiedBy: String?
            var state: String
            var removedAt: String?
            var removedBy: String?
            var thisDevice: Bool
            var fingerprint: String
        }

        func run(vault: Vault, client: SyncClient) async throws {
            try await client.refreshOrganisation()
            let info = try await client.transport.organisation(timeout: client.configuration.requestTimeout)
            let known = Dictionary(uniqueKeysWithValues: try vault.knownDevices().map { ($0.device, $0) })
            let removed = Dictionary((info.removedDevices ?? []).map { ($0.deviceID, $0) }, uniquingKeysWith: { a, _ in a })
            let people = (try? vault.organisation().people) ?? []
            let held = Set(try vault.heldEnrolments().map(\.device))
            let rows = info.devices.map { record -> Row in
                let mine = known[record.deviceID]
                let state: String
                if let mine, mine.removedAt != nil { state = "removed" }
                else if removed[record.deviceID] != nil { state = "removed (not verified by this vault)" }
                else if record.deviceID == info.rootDevice { state = "root" }
                else if mine != nil { state = "certified" }
                else if record.certification != nil { state = "certified (chain not verified by this vault)" }
                else if held.contains(record.deviceID) { state = "held: claims a used invitation; certify only after comparing fingerprints" }
                else { state = "awaiting certification" }
                return Row(id: record.deviceID.rawValue, person: record.person.rawValue,
                           name: people.first { $0.id == record.person }?.name,
                           roles: (record.certifiedRoles ?? []).map(\.rawValue), certifiedBy: record.certifiedBy?.rawValue, state: state,
                           removedAt: (mine?.removedAt).map { ISO8601DateFormatter().string(from: $0.date) },
                           removedBy: (mine?.removedBy ?? removed[record.deviceID]?.removedBy)?.rawValue,
                           thisDevice: record.deviceID == vault.device, fingerprint: DeviceFingerprint.of(record.publicKeys))
            }
            if options.json { Output.json(rows); return }
            if rows.isEmpty { print("No devices.") }
            for r in rows {
                let who = r.name.map { "\(r.person) (\($0))" } ?? r.person
                let by = r.certifiedBy.map { "  certified by \($0)" } ?? ""
                print("\(r.id)  \(who)  \(r.roles.joined(separator: ","))  \(r.state)\(by)  fingerprint \(r.fingerprint)\(r.thisDevice ? "  (this device)" : "")")
            }
        }
    }

    struct Certify: AsyncVaultCommand {
        static let configuration = CommandConfiguration(
            abstract: "Vouch for a held device (administrators): a further device claiming an invitation.",
            discussion: """
                'casebook sync' vouches for one device per invitation. A further device whose enrolment proof \
                matches the same invitation is held, since only someone holding the code could make that proof \
                and a code can leak. Ask the person for the fingerprint their 'casebook enrol' printed, compare \
                it with 'casebook device list', and run this command (with --fingerprint to have it compared \
                for you). A device whose proof does not match an invitation this vault issued is never certified.
                """)
        @OptionGroup var options: VaultOptions
        @Option(help: "Sync server URL (default: the one you enrolled with).") var server: String?
        @Option(name: .customLong("ca-cert"), help: ArgumentHelp("PEM file of the CA that signed the server's certificate (default: $CASEBOOK_CA_CERT, else the one remembered at enrolment, else the system's roots).", valueName: "file")) var caCert: String?
        @Option(help: "The fingerprint the device's owner read out; the device is certified only if it matches.") var fingerprint: String?
        @Argument(help: "Device id (see 'casebook device list').") var device: String

        func run(vault: Vault, client: SyncClient) async throws {
            let id = try Parse.id(device, as: DeviceID.self, what: "device")
            let issued = try await client.certifyDevice(id, fingerprint: fingerprint)
            if options.json {
                Output.json(["device": issued.device.rawValue, "person": issued.person.rawValue, "fingerprint": issued.fingerprint])
                return
            }
            print("Vouched for device \(issued.device) of person \(issued.person) (fingerprint \(issued.fingerprint)).")
        }
    }

    struct Remove: AsyncVaultCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove a device from the organisation (administrators): a lost or stolen laptop, or a leaver's.",
            discussion: """
                This vault signs the removal and the server stores it: the device's tokens are revoked at \
                once, it can no longer sign in, the keys wrapped for it are deleted from the server, and \
                every vault that syncs stops trusting it (its revisions stamped after the removal are \
                refused, and no key is wrapped for it again). Then the key of every case this vault holds \
                that the device could read is rotated to a new epoch; other vaults (the DSL's, grantees') \
                rotate the cases they hold at their next sync.

                What the device already downloaded cannot be un-read: its vault is encrypted under its \
                owner's passphrase. To give the person a new laptop, see 'casebook recover --help' (a new \
                laptop joins with a new invitation, and the recovery key re-wraps their cases' keys for it).

                With --reason lost or --reason stolen, a breach record is opened (UK GDPR Art. 33): it names the \
                device, its owner and the time, never a client, and shows in the DSL's 'casebook status' with \
                the hours left to report to the ICO until 'casebook breach report' or 'casebook breach assess' \
                decides it. The default, --reason retired, opens none.

                The organisation root device and the device you are using cannot be removed. To remove \
                everyone's access for a person who leaves, use 'casebook person remove PERSON'.
                """)
        @OptionGroup var options: VaultOptions
        @Option(help: "Sync server URL (default: the one you enrolled with).") var server: String?
        @Option(name: .customLong("ca-cert"), help: ArgumentHelp("PEM file of the CA that signed the server's certificate (default: $CASEBOOK_CA_CERT, else the one remembered at enrolment, else the system's roots).", valueName: "file")) var caCert: String?
        @Argument(help: "Device id (see 'casebook device list').") var device: String
        @Option(help: ArgumentHelp("Why: lost or stolen opens a breach record with the 72-hour deadline for reporting to the ICO (UK GDPR Art. 33); retired (handed back) does not.", valueName: "lost|stolen|retired"))
        var reason: DeviceRemovalReason = .retired

        struct Removed: Encodable {
            var id: String
            var person: String?
            var rotatedCases: [String]
            var reason: String
            var breach: String?
            var breachDeadline: Date?
        }

        func run(vault: Vault, client: SyncClient) async throws {
            let id = try vault.resolveDevice(device)
            let outcome = try await client.removeDevice(id)
            // ADR 0022: a lost or stolen device is a personal-data breach until assessed otherwise.
            let breach = reason.opensBreach ? try vault.openBreach(device: outcome.device, person: outcome.person, cause: reason) : nil
            var sent = false
            if breach != nil {
                do { _ = try await client.run(); sent = true } catch { Output.warn("the breach record is saved here; it reaches the DSL at your next 'casebook sync' (\(error.commandLineText))") }
            }
            if options.json {
                Output.json(Removed(id: outcome.device.rawValue, person: outcome.person?.rawValue,
                                    rotatedCases: outcome.rotatedCases.map(\.rawValue), reason: reason.rawValue,
                                    breach: breach?.id.rawValue, breachDeadline: breach?.deadline))
                return
            }
            print("Removed device \(outcome.device)\(outcome.person.map { " (person \($0))" } ?? ""): it can no longer sign in or receive keys.")
            print("Rotated the key of \(outcome.rotatedCases.count) case(s) this vault holds; other vaults rotate theirs at their next sync.")
            if let breach {
                print("Opened breach \(Vault.short(breach.id)) (\(reason.rawValue) device): report it to the ICO by \(Output.localTime(breach.deadline)) (72 hours), "
                      + "or record that it poses no risk: 'casebook breach report \(Vault.short(breach.id)) --reference REF' or "
                      + "'casebook breach assess \(Vault.short(breach.id)) --no-risk --reason TEXT'.\(sent ? " The DSL sees it in 'casebook status'." : "")")
            }
        }
    }
}

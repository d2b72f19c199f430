import CasebookModels
import CasebookStorage
import CasebookTestSupport
import Foundation
import Testing

/// P1: no client content ever reaches the vault file, its WAL, or anything else written.
@Suite struct ConfidentialityAtRestTests {
    @Test func rawFilesHoldNoNamesTopicsOrPassphrase() throws {
        // Given a vault with a client, consent, sessions, an amendment and reads
        let fixture = try VaultFixture()
        let vault = fixture.vault
        let logged = try vault.logSession(fixture.draft(topics: "Discussed \(Synthetic.topicCanary) and exams"))
        try vault.finaliseSession(logged.session.id)
        _ = try vault.amendSession(logged.session.id, text: "Also mentioned \(Synthetic.topicCanary)")
        _ = try vault.clients()
        _ = try vault.sessions(client: fixture.client)
        _ = try vault.handOver()

        // When we look at every byte on disk, before and after a checkpoint
        let needles = [Synthetic.clientName, "Zephyrine", "Quillfeather", Synthetic.siblingName, "Barnaby",
                       Synthetic.practitionerName, Synthetic.topicCanary, "kestrelmoor", Synthetic.passphrase, "07700 900123",
                       "More settled at school", "Microsoft Teams"]
        for phase in ["live", "checkpointed"] {
            if phase == "checkpointed" { try vault.checkpoint() }
            let files = fixture.directory.allFiles()
            #expect(files.contains { $0.lastPathComponent.hasSuffix("-wal") } || phase == "checkpointed")
            for needle in needles {
                // Then none of them appears, in any encoding
                #expect(RawBytes.filesContaining(needle, in: files).isEmpty, "\(phase): found a confidential string on disk")
            }
        }
        // And the notes are still readable through the vault
        let sessions = try vault.sessions(client: fixture.client)
        #expect(sessions.first?.session.topics.contains("kestrelmoor") == true)
    }

    @Test func vaultFileIsOwnerOnly() throws {
        let fixture = try VaultFixture(withClient: false)
        let attributes = try FileManager.default.attributesOfItem(atPath: fixture.vault.path)
        let permissions = (attributes[.posixPermissions] as? NSNumber)?.intValue ?? 0
        #expect(permissions & 0o077 == 0)
    }
}

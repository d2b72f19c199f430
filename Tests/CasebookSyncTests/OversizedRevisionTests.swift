import CasebookCrypto
import CasebookModels
import CasebookStorage
import CasebookSync
import Foundation
import Testing

/// Issue 12 (ADR 0018): a member's oversized revision cannot stall the DSL, who reads every case.
@Suite("Oversized revisions")
struct OversizedRevisionTests {
    @Test("a receiver refuses a revision over 1 MiB, whoever served it, and its sync goes on")
    func receiverRefuses() async throws {
        let org = try await TestOrganisation.make()
        let dsl = try await org.join("Dee Lead", role: .dsl)
        let member = try await org.join("Mo Member", role: .practitioner)
        try await dsl.sync()  // the DSL knows the member's certified device: only the size can refuse it
        // A modified client signs a 2 MiB revision (its vault would refuse to seal it) and a
        // modified server serves it with the member's ordinary work.
        let identity = member.vault.identity
        let caseID = CaseID.random()
        let header = RevisionHeader(recordID: .random(), recordType: .session, caseID: caseID, authorDevice: identity.deviceID,
                                    hlc: HLCTimestamp(physical: member.vault.clock.nowMillis, logical: 0), keyEpoch: 0)
        let ciphertext = Data((0..<(2 << 20)).map { _ in UInt8.random(in: 0...255) })
        let digest = SealedRevision.contentDigest(headerBytes: header.canonicalBytes, ciphertext: ciphertext)
        let big = try SealedRevision(headerBytes: header.canonicalBytes, ciphertext: ciphertext, signature: try identity.sign(digest))
        let result = try dsl.vault.applyPulled([PulledRevision(sealed: big, seq: nil)], cursor: nil)
        #expect(result.stored == 0)
        #expect(result.rejected.map(\.reason) == ["too-large"])
        #expect(result.rejected.first?.message.contains("1 MiB") == true)
        // The DSL's next sync completes.
        _ = try await member.sync()
        let report = try await dsl.sync()
        #expect(report.rejected.isEmpty)
    }
}

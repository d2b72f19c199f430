import CasebookCrypto
import CasebookModels
@testable import CasebookServer
import CasebookSync
import Foundation
import Testing

/// Breach records (ADR 0022) on the server, against both stores: administrators and the DSL push
/// them to the organisation case (the DSL writes no other organisation record but destruction
/// certificates); a practitioner's is refused from its clear header alone.
@Suite("Server breach writers (each store)")
struct BreachWriterTests {
    @Test("breaches: the DSL and administrators write them to the organisation case, a practitioner may not",
          arguments: StoreKind.available)
    func breachWriters(kind: StoreKind) async throws {
        guard let fixture = try await Fixture.make(kind) else { return }
        try await fixture.run { api, admin in
            let pat = try await api.invite(by: admin, role: .practitioner)
            let dsl = try await api.invite(by: admin, role: .dsl)
            func breach(_ member: Member, in caseID: CaseID = .organisation) throws -> SealedRevision {
                try Sealer(member: member, clock: fixture.clock).seal(case: caseID, type: .breach)
            }
            #expect(try await api.push([try breach(dsl)], as: dsl).accepted.count == 1)
            #expect(try await api.push([try breach(admin)], as: admin).accepted.count == 1)
            #expect(try await api.push([try breach(pat)], as: pat).rejected.map(\.error) == ["not-authorised"])
            // Never in a client's case.
            #expect(try await api.push([try breach(dsl, in: CaseID(rawValue: "c-\(UUID().uuidString)"))], as: dsl).accepted.isEmpty)
        }
    }
}

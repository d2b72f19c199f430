import CasebookCrypto
import CasebookModels
@testable import CasebookServer
import CasebookSync
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import HTTPTypes
import Configuration
import Crypto
import NIOCore
import NIOFoundationEssentialsCompat
import Logging

/// P1/P7: the server, and whoever breaks into it, never sees a client's name, a note or a passphrase.
@Suite("Zero knowledge")
struct ZeroKnowledgeTests {
    static let canaryName = "Zebedee Quartermaine-Holloway"
    static let canaryTopic = "canary-topic: exam anxiety and sleep"
    static let passphrase = "correct horse battery staple canary"

    @Test("after a sync run the raw database files hold no name, topic or passphrase", arguments: StoreKind.persistent)
    func rawFilesHoldNoContent(kind: StoreKind) async throws {
        guard let fixture = try await Fixture.make(kind) else { return }
        try await fixture.run { api, admin in
            let alice = try await api.invite(by: admin, role: .practitioner)
            let sealer = Sealer(member: alice, clock: fixture.clock)
            let caseID = CaseID.random()
            let key = CaseKey.generate(caseID: caseID, epoch: 0)
            var revisions = [try sealer.seal(case: caseID, type: .client, record: caseID.clientRecordID,
                                             fields: ["name": .string(Self.canaryName), "passphrase_hint": .string(Self.passphrase)], key: key)]
            for _ in 0..<50 {
                revisions.append(try sealer.seal(case: caseID, fields: ["topics": .string(Self.canaryTopic),
                                                                        "client_name": .string(Self.canaryName)], key: key))
            }
            #expect(try await api.push(revisions, as: alice).accepted.count == revisions.count)
            #expect(try await api.send(.put, SyncAPI.Path.caseKeys(caseID), token: alice.token,
                                       json: KeyUpload(keys: [try KeyWrap.wrap(key, for: alice.identity.publicKeys, by: alice.identity)])).status == .noContent)
            _ = try await api.pullAll(as: alice)
        }
        let haystack: Data
        switch kind {
        case .sqlite:
            let path = TestDatabase.sqlitePath(fixture.url)
            var all = Data()
            for suffix in ["", "-wal", "-shm"] {
                if let data = FileManager.default.contents(atPath: path + suffix) { all += data }
            }
            #expect(all.count > 10_000, "the database files were read")
            haystack = all
        case .memory:
            return  // not in `StoreKind.persistent`: there are no files to read
        case .postgres:
            guard let dump = try Self.pgDump(url: fixture.url) else {
                Issue.record("pg_dump not found; cannot check the PostgreSQL dump")
                return
            }
            #expect(dump.count > 1000)
            haystack = dump
        }
        for needle in [Self.canaryName, "Zebedee", Self.canaryTopic, "exam anxiety", Self.passphrase] {
            #expect(haystack.range(of: Data(needle.utf8)) == nil, "found \"\(needle)\" in the server's storage")
            #expect(haystack.range(of: Data(needle.lowercased().utf8)) == nil)
            // A dump prints bytea as hex: look for that form too.
            #expect(haystack.range(of: Data(Data(needle.utf8).hexString.utf8)) == nil)
        }
    }

    static func pgDump(url: String) throws -> Data? {
        let candidates = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql"))?.sorted().reversed()
            .map { "/usr/lib/postgresql/\($0)/bin/pg_dump" } ?? []
        guard let tool = (candidates + ["/usr/bin/pg_dump"]).first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            return nil
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = ["--dbname=\(url)", "--no-owner"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return data
    }
}

import CasebookCrypto
import CasebookModels
@testable import CasebookServer
import CasebookSync
import Configuration
import Crypto
import Foundation
import Hummingbird
import HummingbirdTesting
import HTTPTypes
import Testing

/// Issue 12 (ADR 0018): limits keyed on who, not where, and sizes bounded everywhere.
@Suite("Office limits")
struct OfficeLimitTests {
    /// The shipped defaults, not the harness's lifted ones.
    static var defaults: [AbsoluteConfigKey: ConfigValue] {
        let routes = RouteSettings()
        return ["auth.rate-burst": .init(.int(routes.authBurst), isSecret: false),
                "auth.rate-per-minute": .init(.int(routes.authPerMinute), isSecret: false)]
    }

    static func tokenRequest(_ api: API, for device: DeviceID, signedBy signer: DeviceIdentity) async throws -> TestResponse {
        let challenge = try api.decode(ChallengeResponse.self,
                                       try await api.send(.post, SyncAPI.Path.challenge, json: ChallengeRequest(deviceID: device)))
        let signature = try signer.sign(ChallengeResponse.signedBytes(challenge: challenge.challenge, deviceID: device))
        return try await api.send(.post, SyncAPI.Path.token,
                                  json: TokenRequest(deviceID: device, challenge: challenge.challenge, signature: signature))
    }

    @Test("a stranger hammering a device's id cannot stop that device logging in; wrong proofs still get 401 at first")
    func strangerCannotLockOut() async throws {
        guard let fixture = try await Fixture.make(.sqlite) else { return }
        try await fixture.run(extra: Self.defaults) { api, admin in
            let stranger = DeviceIdentity.generate(person: .random())
            // Given: an unknown device and a wrong signature, each answered 401 (not 429) while the budget lasts.
            #expect(try await Self.tokenRequest(api, for: stranger.deviceID, signedBy: stranger).status == .unauthorized)
            #expect(try await Self.tokenRequest(api, for: admin.device, signedBy: stranger).status == .unauthorized)
            // When: the stranger keeps sending wrong proofs for the administrator's device id, past every failure budget…
            var statuses: [HTTPResponse.Status] = []
            // (Until refused: the budget refills 1 every 6 s, so on a loaded machine it takes a few more.)
            for _ in 0..<(RouteSettings().failureBurst * 5) {
                statuses.append(try await Self.tokenRequest(api, for: admin.device, signedBy: stranger).status)
                if statuses.last == .tooManyRequests { break }
            }
            #expect(statuses.last == .tooManyRequests, "failed proofs are limited")
            #expect(Set(statuses).isSubset(of: [.unauthorized, .tooManyRequests]), "a wrong proof never buys a token")
            // Then: the device's own proof still buys a token, and a revoked token still gets 401.
            let token = try await api.login(admin.identity)
            #expect(try await api.send(.get, SyncAPI.Path.organisation, token: token).status == .ok)
            #expect(try await api.send(.post, SyncAPI.Path.logout, token: token).status == .noContent)
            #expect(try await api.send(.get, SyncAPI.Path.organisation, token: token).status == .unauthorized)
        }
    }

    @Test("an office logs in at once under the default limits, and every 429 says when to come back")
    func officeBehindOneAddress() async throws {
        guard let fixture = try await Fixture.make(.sqlite) else { return }
        try await fixture.run(extra: Self.defaults) { api, admin in
            // 50 people behind one NAT each log in (challenge + token) at nine o'clock.
            var members: [Member] = []
            for _ in 0..<5 { members.append(try await api.invite(by: admin, role: .practitioner)) }
            for round in 0..<10 {
                for member in members {
                    let response = try await Self.tokenRequest(api, for: member.device, signedBy: member.identity)
                    #expect(response.status == .ok, "login \(round) of \(member.device)")
                }
            }
            // Beyond the burst, the answer is 429 with Retry-After. The bucket refills in real time
            // while the logins above run (slowly on a busy machine), so send up to four bursts.
            var last: TestResponse?
            for _ in 0..<(RouteSettings().authBurst * 4) {
                last = try await api.send(.post, SyncAPI.Path.challenge, json: ChallengeRequest(deviceID: .random()))
                if last?.status == .tooManyRequests { break }
            }
            #expect(last?.status == .tooManyRequests)
            let retryAfter = last?.headers[.retryAfter].flatMap { Int($0) }
            #expect((retryAfter ?? 0) >= 1, "429 carries Retry-After")
            let body = try last.map { try api.decode(APIErrorBody.self, $0) }
            #expect(body?.error == "rate-limited")
            #expect(body?.message.contains("try again in") == true)
        }
    }

    @Test("X-Forwarded-For counts only from a configured proxy, and only its right-most untrusted element")
    func forwardedFor() async throws {
        guard let fixture = try await Fixture.make(.sqlite) else { return }
        let limits: [AbsoluteConfigKey: ConfigValue] = ["auth.rate-burst": .init(.int(2), isSecret: false),
                                                         "auth.rate-per-minute": .init(.int(1), isSecret: false)]
        func statuses(proxies: String?, forwarded: @escaping @Sendable (Int) -> String) async throws -> [HTTPResponse.Status] {
            var extra = limits
            if let proxies { extra["http.trusted-proxies"] = .init(.string(proxies), isSecret: false) }
            let app = try await buildApplication(reader: testReader(url: fixture.url, extra: extra), clock: fixture.clock,
                                                 logger: TestDatabase.logger)
            return try await app.test(.live) { client in
                var result: [HTTPResponse.Status] = []
                for i in 0..<4 {
                    let body = ByteBuffer(bytes: try SyncAPI.makeEncoder().encode(ChallengeRequest(deviceID: .random())))
                    result.append(try await client.execute(uri: SyncAPI.Path.challenge, method: .post,
                                                           headers: [.contentType: "application/json", .xForwardedFor: forwarded(i)],
                                                           body: body).status)
                }
                return result
            }
        }
        // From a trusted proxy, distinct clients have distinct budgets.
        #expect(try await statuses(proxies: "127.0.0.1") { "10.0.0.\($0)" } == [.ok, .ok, .ok, .ok])
        // A client that writes its own X-Forwarded-For in front of the proxy's gains nothing.
        #expect(try await statuses(proxies: "127.0.0.1") { "192.0.2.\($0), 10.0.0.9" }.last == .tooManyRequests)
        // Without a trusted proxy the header is ignored: the socket peer is the client.
        #expect(try await statuses(proxies: nil) { "10.0.0.\($0)" }.last == .tooManyRequests)
        // A header from a peer that is not a configured proxy is ignored too.
        #expect(try await statuses(proxies: "192.0.2.1") { "10.0.0.\($0)" }.last == .tooManyRequests)
    }

    @Test("limit state stays bounded under a flood of addresses without resetting a spent budget")
    func boundedState() {
        let limiter = RateLimiter(perMinute: 1, burst: 2, maximumKeys: 100)
        let start = ContinuousClock.now
        #expect(limiter.take("attacker", now: start) == .allowed)
        #expect(limiter.take("attacker", now: start) == .allowed)
        for i in 0..<1_000 {
            _ = limiter.take("flood-\(i)", now: start + .milliseconds(i))
            if i % 50 == 0 { _ = limiter.take("attacker", now: start + .milliseconds(i)) }  // still trying
        }
        #expect(limiter.count <= 100)
        guard case .refused(let wait) = limiter.take("attacker", now: start + .seconds(1)) else {
            Issue.record("a flood of other keys reset the attacker's spent budget")
            return
        }
        #expect(wait >= 1 && wait <= 60)
    }

    // MARK: Sizes

    /// A revision over the limit, signed by `member` (a modified client: the vault would refuse to seal it).
    static func oversized(_ member: Member, caseID: CaseID, clock: any WallClock, bytes: Int = RevisionLimits.maximumRevisionBytes + 1) throws -> SealedRevision {
        let header = RevisionHeader(recordID: .random(), recordType: .session, caseID: caseID, authorDevice: member.device,
                                    hlc: HLCTimestamp(physical: clock.nowMillis, logical: 0), keyEpoch: 0)
        var ciphertext = Data(count: bytes)
        ciphertext.withUnsafeMutableBytes { for i in $0.indices { $0[i] = UInt8.random(in: 0...255) } }
        let digest = SealedRevision.contentDigest(headerBytes: header.canonicalBytes, ciphertext: ciphertext)
        return try SealedRevision(headerBytes: header.canonicalBytes, ciphertext: ciphertext, signature: try member.identity.sign(digest))
    }

    @Test("the writing vault's sealer refuses a revision over 1 MiB")
    func sealerRefuses() throws {
        let identity = DeviceIdentity.generate(person: .random())
        let caseID = CaseID.random()
        let header = RevisionHeader(recordID: .random(), recordType: .session, caseID: caseID, authorDevice: identity.deviceID,
                                    hlc: HLCTimestamp(physical: 1, logical: 0), keyEpoch: 0)
        let big = RevisionBody(fields: ["note": .string(String(repeating: "a", count: RevisionLimits.maximumRevisionBytes))],
                               author: identity.person, policyVersion: "1")
        #expect(throws: CasebookError.self) {
            try RevisionSealer.seal(header: header, body: big, key: .generate(caseID: caseID, epoch: 0), author: identity)
        }
        let small = RevisionBody(fields: ["note": .string(String(repeating: "a", count: 900_000))], author: identity.person, policyVersion: "1")
        #expect(throws: Never.self) { try RevisionSealer.seal(header: header, body: small, key: .generate(caseID: caseID, epoch: 0), author: identity) }
    }

    @Test("the server refuses an oversized revision in a push and bounds pull pages by bytes", arguments: StoreKind.available)
    func serverSizes(kind: StoreKind) async throws {
        guard let fixture = try await Fixture.make(kind) else { return }
        try await fixture.run { api, admin in
            let sealer = Sealer(member: admin, clock: fixture.clock)
            let caseID = CaseID.random()
            let note = String(repeating: "n", count: 900_000)
            let big = try Self.oversized(admin, caseID: caseID, clock: fixture.clock)
            var batch = [try sealer.seal(case: caseID, type: .client), big]
            for i in 0..<11 { batch.append(try sealer.seal(case: caseID, fields: ["note": .string(note)], logical: UInt32(i + 1))) }
            let pushed = try await api.push(batch, as: admin)
            #expect(pushed.accepted.count == 12)
            #expect(pushed.rejected.map(\.id) == [big.id.rawValue])
            #expect(pushed.rejected.first?.error == "too-large")
            // ~10 MiB of revisions do not fit one 8 MiB page, whatever the count limit.
            let first = try await api.pull(as: admin, limit: 1000)
            #expect(first.hasMore)
            #expect(first.revisions.count < 12)
            let carried = first.revisions.reduce(0) { $0 + $1.header.count + $1.ciphertext.count + $1.signature.count }
            #expect(carried <= RevisionLimits.maximumPageBytes)
            let all = try await api.pullAll(as: admin)
            #expect(all.revisions.count == 12)
        }
    }

    @Test("a stored revision over the limit is not served and the cursor moves past it")
    func pageSkipsOversized() {
        func wire(_ seq: Int64, _ bytes: Int) -> WireRevision {
            WireRevision(id: "r\(seq)", header: Data(count: 100), ciphertext: Data(count: bytes), signature: Data(count: 64), seq: seq)
        }
        let fetched = [wire(1, 1000), wire(2, 47 << 20), wire(3, 1000)]
        let page = SyncServer.boundedPage(fetched, limit: 10)
        #expect(page.revisions.map(\.seq) == [1, 3])
        #expect(page.last == 3)
        #expect(!page.cut)
        let onlyBig = SyncServer.boundedPage([wire(7, 2 << 20)], limit: 10)
        #expect(onlyBig.revisions.isEmpty && onlyBig.last == 7, "a page of one oversized revision still advances the cursor")
        let heavy = (1...12).map { wire(Int64($0), 900_000) }
        let cut = SyncServer.boundedPage(heavy, limit: 10)
        #expect(cut.cut && cut.revisions.count == 9 && cut.last == 9)
    }
}

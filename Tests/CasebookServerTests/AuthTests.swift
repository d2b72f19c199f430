import CasebookCrypto
import CasebookModels
@testable import CasebookServer
import CasebookSync
import CasebookTestSupport
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

@Suite("Authentication")
struct AuthTests {
    static let openRoutes: Set<String> = ["/health", "/ready", "/metrics", "/v1/enrol", "/v1/auth/challenge", "/v1/auth/token"]

    /// Every authenticated route, from the router itself (as the OpenAPI test reads it), with its path
    /// parameters filled in. A 401 (not 404 or 405) also proves the router serves that method and path.
    static var protectedRoutes: [(HTTPRequest.Method, String)] {
        ((try? servedRoutes()) ?? []).filter { !openRoutes.contains($0.path) }.map { route in
            let path = route.path.replacingOccurrences(of: "{case_id}", with: "abc")
                .replacingOccurrences(of: "{person_id}", with: "def").replacingOccurrences(of: "{device_id}", with: "ghi")
            return (HTTPRequest.Method(route.method) ?? .get, path)
        }
    }

    @Test("the protected route table covers every authenticated route")
    func tableIsComplete() {
        #expect(Self.protectedRoutes.count == 16)
    }

    @Test("missing, malformed, unknown, expired and revoked tokens get 401 on every route", arguments: StoreKind.available)
    func unauthorised(kind: StoreKind) async throws {
        guard let fixture = try await Fixture.make(kind) else { return }
        try await fixture.run { api, admin in
            let expiring = try await api.login(admin.identity)
            let revoked = try await api.login(admin.identity)
            #expect(try await api.send(.post, SyncAPI.Path.logout, token: revoked).status == .noContent)
            // The live admin token still works.
            #expect(try await api.send(.get, SyncAPI.Path.organisation, token: admin.token).status == .ok)
            fixture.clock.advance(by: 16 * 60)
            let cases: [(String, String?)] = [
                ("missing", nil), ("malformed", "x"), ("unknown", SymmetricKey.randomToken()),
                ("expired", expiring), ("revoked", revoked),
            ]
            for (label, token) in cases {
                for (method, path) in Self.protectedRoutes {
                    let response = try await api.send(method, path, token: token)
                    #expect(response.status == .unauthorized, "\(label) token on \(method) \(path)")
                    let body = try? api.decode(APIErrorBody.self, response)
                    #expect(body?.error == "unauthenticated", "\(label) token on \(method) \(path)")
                }
            }
        }
    }

    @Test("a token needs a fresh challenge signed by the device's key", arguments: StoreKind.available)
    func challengeResponse(kind: StoreKind) async throws {
        guard let fixture = try await Fixture.make(kind) else { return }
        try await fixture.run { api, admin in
            let challenge = try api.decode(ChallengeResponse.self, try await api.send(
                .post, SyncAPI.Path.challenge, json: ChallengeRequest(deviceID: admin.device)))
            #expect(challenge.challenge.count == 32)
            // Signed by another key: refused, and the challenge is spent.
            let impostor = DeviceIdentity.generate(person: admin.person)
            let forged = try impostor.sign(ChallengeResponse.signedBytes(challenge: challenge.challenge, deviceID: admin.device))
            #expect(try await api.send(.post, SyncAPI.Path.token, json: TokenRequest(
                deviceID: admin.device, challenge: challenge.challenge, signature: forged)).status == .unauthorized)
            let good = try admin.identity.sign(ChallengeResponse.signedBytes(challenge: challenge.challenge, deviceID: admin.device))
            #expect(try await api.send(.post, SyncAPI.Path.token, json: TokenRequest(
                deviceID: admin.device, challenge: challenge.challenge, signature: good)).status == .unauthorized,
                "a challenge is single use")
            // Expired challenge.
            let late = try api.decode(ChallengeResponse.self, try await api.send(
                .post, SyncAPI.Path.challenge, json: ChallengeRequest(deviceID: admin.device)))
            fixture.clock.advance(by: 61)
            let lateSignature = try admin.identity.sign(ChallengeResponse.signedBytes(challenge: late.challenge, deviceID: admin.device))
            #expect(try await api.send(.post, SyncAPI.Path.token, json: TokenRequest(
                deviceID: admin.device, challenge: late.challenge, signature: lateSignature)).status == .unauthorized)
            // Tokens carry at least 128 random bits.
            let token = try await api.login(admin.identity)
            #expect(Data(base64Encoded: token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/") + "=")?.count ?? 0 >= 16)
        }
    }

    @Test("enrolment and login are rate limited (429)")
    func rateLimited() async throws {
        guard let fixture = try await Fixture.make(.sqlite) else { return }
        let app = try await buildApplication(reader: testReader(url: fixture.url, extra: [
            "auth.rate-burst": .init(.int(3), isSecret: false), "auth.rate-per-minute": .init(.int(1), isSecret: false),
        ]), clock: fixture.clock, logger: TestDatabase.logger)
        try await app.test(.router) { client in
            let api = API(client: client)
            var statuses: [HTTPResponse.Status] = []
            for _ in 0..<6 {
                statuses.append(try await api.send(.post, SyncAPI.Path.challenge, json: ChallengeRequest(deviceID: .random())).status)
            }
            #expect(statuses.filter { $0 == .ok }.count == 3)
            #expect(statuses.last == .tooManyRequests)
            let enrol = try await api.send(.post, SyncAPI.Path.enrol, json: EnrolRequest(
                code: "guess", device: DeviceRecord(deviceID: .random(), person: .random(), signing: Data(), agreement: Data())))
            #expect(enrol.status == .tooManyRequests)
        }
    }

    @Test("health, readiness and request ids")
    func operations() async throws {
        guard let fixture = try await Fixture.make(.sqlite) else { return }
        let app = try await buildApplication(reader: testReader(url: fixture.url), clock: fixture.clock, logger: TestDatabase.logger)
        try await app.test(.router) { client in
            let health = try await client.execute(uri: "/health", method: .get)
            #expect(health.status == .ok)
            #expect(health.headers[HTTPField.Name("X-Request-ID")!]?.isEmpty == false)
            let ready = try await client.execute(uri: "/ready", method: .get, headers: [HTTPField.Name("X-Request-ID")!: "abc-123"])
            #expect(ready.status == .ok)
            #expect(ready.headers[HTTPField.Name("X-Request-ID")!] == "abc-123")
            #expect(try await client.execute(uri: "/metrics", method: .get).status == .notFound, "metrics are off without metrics.token")
        }
    }

    @Test("/metrics answers only a caller presenting metrics.token")
    func metricsToken() async throws {
        guard let fixture = try await Fixture.make(.sqlite) else { return }
        let secret = SymmetricKey.randomToken()
        let app = try await buildApplication(reader: testReader(url: fixture.url, extra: ["metrics.token": .init(.string(secret), isSecret: true)]),
                                             clock: fixture.clock, logger: TestDatabase.logger)
        try await app.test(.router) { client in
            let anonymous = try await client.execute(uri: "/metrics", method: .get)
            #expect(anonymous.status == .unauthorized)
            let wrong = try await client.execute(uri: "/metrics", method: .get, headers: [.authorization: "Bearer \(SymmetricKey.randomToken())"])
            #expect(wrong.status == .unauthorized)
            let right = try await client.execute(uri: "/metrics", method: .get, headers: [.authorization: "Bearer \(secret)"])
            #expect(right.status == .ok)
        }
    }
}

@Suite("Deactivation")
struct DeactivationTests {
    @Test("a deactivated person's tokens stop working and they cannot log in", arguments: StoreKind.available)
    func deactivate(kind: StoreKind) async throws {
        guard let fixture = try await Fixture.make(kind) else { return }
        try await fixture.run { api, admin in
            let leaver = try await api.invite(by: admin, role: .practitioner)
            #expect(try await api.send(.get, SyncAPI.Path.organisation, token: leaver.token).status == .ok)
            #expect(try await api.send(.delete, SyncAPI.Path.person(admin.person), token: leaver.token).status == .forbidden)
            #expect(try await api.send(.delete, SyncAPI.Path.person(leaver.person), token: admin.token).status == .noContent)
            #expect(try await api.send(.get, SyncAPI.Path.organisation, token: leaver.token).status == .unauthorized)
            let challenge = try api.decode(ChallengeResponse.self, try await api.send(
                .post, SyncAPI.Path.challenge, json: ChallengeRequest(deviceID: leaver.device)))
            let signature = try leaver.identity.sign(ChallengeResponse.signedBytes(challenge: challenge.challenge, deviceID: leaver.device))
            // Having proved its key, the device is told plainly that it was removed (issue 13).
            let refused = try await api.send(.post, SyncAPI.Path.token, json: TokenRequest(
                deviceID: leaver.device, challenge: challenge.challenge, signature: signature))
            #expect(refused.status == .forbidden)
            #expect(try api.decode(APIErrorBody.self, refused).error == "device-removed")
            #expect(try api.decode(APIErrorBody.self, refused).message.contains("new invitation"))
            // A forged signature for the same device learns nothing: the usual refusal.
            let again = try api.decode(ChallengeResponse.self, try await api.send(
                .post, SyncAPI.Path.challenge, json: ChallengeRequest(deviceID: leaver.device)))
            let forged = try await api.send(.post, SyncAPI.Path.token, json: TokenRequest(
                deviceID: leaver.device, challenge: again.challenge, signature: signature))
            #expect(forged.status == .unauthorized)
            #expect(try api.decode(APIErrorBody.self, forged).error != "device-removed")
            #expect(try await api.send(.delete, SyncAPI.Path.person(.random()), token: admin.token).status == .notFound)
        }
    }
}

import CasebookCrypto
import CasebookModels
import CasebookSync
import Crypto
import Foundation
import Hummingbird
import Logging
import HTTPTypes

extension SyncServer {
    /// `POST /v1/enrol`: consumes a one-time code (rate-limited; codes carry ≥128 random bits).
    @Sendable func enrol(_ request: Request, context: ServerRequestContext) async throws -> Response {
        try rateLimit(request, context)
        let body = try await request.decode(as: EnrolRequest.self, context: context)
        guard (try? Curve25519.Signing.PublicKey(rawRepresentation: body.device.signing)) != nil,
              (try? Curve25519.KeyAgreement.PublicKey(rawRepresentation: body.device.agreement)) != nil,
              DeviceID(parsing: body.device.deviceID.rawValue)?.rawValue == body.device.deviceID.rawValue else {
            throw CasebookError(.invalidInput, "the device keys or id are malformed")
        }
        if let recovery = body.recoveryKey, (try? Curve25519.KeyAgreement.PublicKey(rawRepresentation: recovery)) == nil {
            throw CasebookError(.invalidInput, "the recovery key is malformed")
        }
        // `code` carries the server-auth value derived from the invitation code, never the code (ADR 0015).
        let codeHash = EnrolmentSecret.hash(serverAuth: body.code)
        let person = try await store.enrol(codeHash: codeHash, device: body.device, recoveryKey: body.recoveryKey, now: clock.now)
        guard let organisation = try await store.organisation() else { throw CasebookError(.storage, "no organisation") }
        context.logger.info("device enrolled", metadata: ["enrolled_device": .string(body.device.deviceID.rawValue),
                                                           "person": .string(person.id.rawValue)])
        return jsonResponse(EnrolResponse(person: person, organisation: organisation), status: .created)
    }

    /// `POST /v1/auth/challenge`: 32 random bytes, single use, valid for `auth.challenge-ttl`.
    /// Unknown devices get a challenge too (never stored), so the endpoint does not reveal which ids exist.
    @Sendable func challenge(_ request: Request, context: ServerRequestContext) async throws -> Response {
        let body = try await request.decode(as: ChallengeRequest.self, context: context)
        try rateLimit(request, context, device: body.deviceID.rawValue)
        let bytes = Data(SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) })
        let expires = later(settings.challengeTTL)
        if try await store.device(body.deviceID) != nil {
            try await store.insertChallenge(bytes, device: body.deviceID, expiresAt: expires)
        }
        return jsonResponse(ChallengeResponse(challenge: bytes, expiresAt: expires))
    }

    /// `POST /v1/auth/token`: the device's Ed25519 signature over `ChallengeResponse.signedBytes`
    /// buys a bearer token of 256 random bits; only its SHA-256 is stored.
    @Sendable func token(_ request: Request, context: ServerRequestContext) async throws -> Response {
        let body = try await request.decode(as: TokenRequest.self, context: context)
        try rateLimit(request, context, device: body.deviceID.rawValue)
        let refused = CasebookError(.unauthenticated, "the challenge response was not accepted")
        guard try await store.consumeChallenge(body.challenge, device: body.deviceID, now: clock.now),
              let device = try await store.device(body.deviceID),
              let person = try await store.person(device.person), person.record.active else { throw refused }
        let signed = ChallengeResponse.signedBytes(challenge: body.challenge, deviceID: body.deviceID)
        guard try device.publicKeys.signingKey().isValidSignature(body.signature, for: signed) else { throw refused }
        // The device proved it holds its key, so it may be told plainly why it is refused.
        if try await store.removal(of: device.deviceID) != nil {
            throw CasebookError(.notAuthorised,
                "this device was removed from the organisation by an administrator and can no longer sign in; enrol a new device with a new code")
        }
        let token = SymmetricKey.randomToken()
        let expires = later(settings.tokenTTL)
        try await store.insertToken(hash: AuthMiddleware.hash(token), device: device.deviceID, expiresAt: expires)
        context.logger.info("token issued", metadata: ["device": .string(device.deviceID.rawValue)])
        return jsonResponse(TokenResponse(token: token, expiresAt: expires))
    }

    /// `POST /v1/auth/logout`: revokes the presented token at once.
    @Sendable func logout(_ request: Request, context: ServerRequestContext) async throws -> Response {
        if let token = AuthMiddleware.bearerToken(request) { try await store.revokeToken(hash: AuthMiddleware.hash(token)) }
        return Response(status: .noContent)
    }
}

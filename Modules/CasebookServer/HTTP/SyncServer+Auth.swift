import CasebookCrypto
import CasebookModels
import CasebookSync
import Crypto
import Foundation
import Hummingbird
import Logging
import HTTPTypes

extension SyncServer {
    /// `POST /v1/enrol`: consumes a one-time code (codes carry ≥128 random bits). Limited per
    /// client address; a wrong code also spends the address's failure budget, and a spent budget
    /// refuses further codes from that address before any is checked.
    @Sendable func enrol(_ request: Request, context: ServerRequestContext) async throws -> Response {
        try rateLimit(request, context)
        try checkFailures(request, context)
        let body = try await request.decode(as: EnrolRequest.self, context: context)
        guard (try? Curve25519.Signing.PublicKey(rawRepresentation: body.device.signing)) != nil,
              (try? Curve25519.KeyAgreement.PublicKey(rawRepresentation: body.device.agreement)) != nil,
              DeviceID(parsing: body.device.deviceID.rawValue)?.rawValue == body.device.deviceID.rawValue else {
            throw CasebookError(.invalidInput, "the device keys or id are malformed")
        }
        if let recovery = body.recoveryKey, (try? Curve25519.KeyAgreement.PublicKey(rawRepresentation: recovery)) == nil {
            throw CasebookError(.invalidInput, "the recovery key is malformed")
        }
        // A wrong code spends the address's failure budget (ADR 0018).
        // `code` carries the server-auth value derived from the invitation code, never the code (ADR 0015).
        let codeHash = EnrolmentSecret.hash(serverAuth: body.code)
        let person: PersonRecord
        do {
            person = try await store.enrol(codeHash: codeHash, device: body.device, recoveryKey: body.recoveryKey, now: clock.now)
        } catch let error as CasebookError where error.code == .notAuthorised {
            if let wait = recordFailure(request, context) { throw RateLimitedError(retryAfter: wait) }
            throw error
        }
        guard let organisation = try await store.organisation() else { throw CasebookError(.storage, "no organisation") }
        context.logger.info("device enrolled", metadata: ["enrolled_device": .string(body.device.deviceID.rawValue),
                                                           "person": .string(person.id.rawValue)])
        return jsonResponse(EnrolResponse(person: person, organisation: organisation), status: .created)
    }

    /// `POST /v1/auth/challenge`: 32 random bytes, single use, valid for `auth.challenge-ttl`.
    /// Unknown devices get a challenge too (never stored), so the endpoint does not reveal which ids exist.
    /// Limited per client address only: a device id is public, so no budget is keyed on it here.
    @Sendable func challenge(_ request: Request, context: ServerRequestContext) async throws -> Response {
        try rateLimit(request, context)
        let body = try await request.decode(as: ChallengeRequest.self, context: context)
        let bytes = Data(SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) })
        let expires = later(settings.challengeTTL)
        _ = try await store.storeChallenge(bytes, device: body.deviceID, expiresAt: expires)
        return jsonResponse(ChallengeResponse(challenge: bytes, expiresAt: expires))
    }

    /// `POST /v1/auth/token`: the device's Ed25519 signature over `ChallengeResponse.signedBytes`
    /// buys a bearer token of 256 random bits; only its SHA-256 is stored. Limited per client
    /// address; a failed proof also spends the failure budgets of the address and the device, but
    /// a valid proof is never refused for them (a stranger who knows the id cannot lock its owner out).
    @Sendable func token(_ request: Request, context: ServerRequestContext) async throws -> Response {
        try rateLimit(request, context)
        let body = try await request.decode(as: TokenRequest.self, context: context)
        let refused = CasebookError(.unauthenticated, "the challenge response was not accepted")
        let failed: () throws -> Never = {
            if let wait = recordFailure(request, context, device: body.deviceID.rawValue) { throw RateLimitedError(retryAfter: wait) }
            throw refused
        }
        // The device, its person and its removal are read together, and the challenge is consumed
        // and the token stored in one step (ADR 0031): a login on PostgreSQL was nine sequential
        // round trips. A challenge is spent by every attempt that names it, failed or not.
        let spend = { [store, clock] in _ = try await store.consumeChallenge(body.challenge, device: body.deviceID, now: clock.now) }
        guard let facts = try await store.loginFacts(body.deviceID), let person = facts.person else {
            try await spend()
            try failed()
        }
        let signed = ChallengeResponse.signedBytes(challenge: body.challenge, deviceID: body.deviceID)
        guard try facts.device.publicKeys.signingKey().isValidSignature(body.signature, for: signed) else {
            try await spend()
            try failed()
        }
        // The device proved it holds its key, so it may be told plainly why it is refused: it
        // already knows it was a member, and learns nothing else (issue 13). Removing a person
        // removes every device of theirs, so an inactive person's device is refused the same way.
        // (A dead challenge is refused first, as before.)
        if facts.removal != nil || !person.record.active {
            guard try await store.consumeChallenge(body.challenge, device: body.deviceID, now: clock.now) else { try failed() }
            throw ServerError.deviceRemoved
        }
        let token = SymmetricKey.randomToken()
        let expires = later(settings.tokenTTL)
        guard try await store.tokenForChallenge(body.challenge, device: facts.device.deviceID, now: clock.now,
                                                tokenHash: AuthMiddleware.hash(token), expiresAt: expires) else { try failed() }
        let device = facts.device
        context.logger.info("token issued", metadata: ["device": .string(device.deviceID.rawValue)])
        return jsonResponse(TokenResponse(token: token, expiresAt: expires))
    }

    /// `POST /v1/auth/logout`: revokes the presented token at once.
    @Sendable func logout(_ request: Request, context: ServerRequestContext) async throws -> Response {
        if let token = AuthMiddleware.bearerToken(request) { try await store.revokeToken(hash: AuthMiddleware.hash(token)) }
        return Response(status: .noContent)
    }
}

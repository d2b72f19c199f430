import CasebookModels
import Crypto
import Foundation
import Synchronization
import Hummingbird
import HTTPTypes

/// Bearer-token authentication for every `/v1` route except enrolment and login.
/// Missing, malformed, unknown, expired or revoked tokens, and tokens of deactivated people, all
/// get the same 401 `unauthenticated`.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = ServerRequestContext
    let store: any ServerStore
    let clock: any WallClock

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let token = Self.bearerToken(request) else { throw ServerError.unauthenticated }
        guard let caller = try await store.caller(tokenHash: Self.hash(token), now: clock.now) else {
            throw ServerError.unauthenticated
        }
        var context = context
        context.authenticate(caller)
        return try await next(request, context)
    }

    static func bearerToken(_ request: Request) -> String? {
        guard let header = request.headers[.authorization] else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer", parts[1].count >= 22, parts[1].count <= 128 else { return nil }
        return String(parts[1])
    }

    /// Tokens are stored only as SHA-256: a copy of the database does not let anyone log in.
    static func hash(_ token: String) -> Data { Data(SHA256.hash(data: Data(token.utf8))) }
}

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

/// Token buckets keyed by client address or device id, for enrolment and login (in-process: with
/// several server processes behind a balancer each enforces its own limit).
final class RateLimiter: Sendable {
    struct Bucket { var tokens: Double; var updated: ContinuousClock.Instant }
    private let buckets = Mutex<[String: Bucket]>([:])
    let capacity: Double
    let refillPerSecond: Double

    /// - Parameters: `perMinute` sustained attempts, `burst` attempts allowed at once.
    init(perMinute: Int, burst: Int) {
        capacity = Double(max(1, burst))
        refillPerSecond = Double(max(1, perMinute)) / 60
    }

    /// Takes one token from each key's bucket; false if any is empty.
    func allow(_ keys: [String]) -> Bool {
        let now = ContinuousClock.now
        return buckets.withLock { buckets in
            if buckets.count > 100_000 { buckets.removeAll(keepingCapacity: true) }
            var refreshed: [(String, Bucket)] = []
            for key in keys {
                var bucket = buckets[key] ?? Bucket(tokens: capacity, updated: now)
                let elapsed = now - bucket.updated
                let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
                bucket.tokens = min(capacity, bucket.tokens + seconds * refillPerSecond)
                bucket.updated = now
                guard bucket.tokens >= 1 else {
                    buckets[key] = bucket
                    return false
                }
                refreshed.append((key, bucket))
            }
            for (key, var bucket) in refreshed {
                bucket.tokens -= 1
                buckets[key] = bucket
            }
            return true
        }
    }
}

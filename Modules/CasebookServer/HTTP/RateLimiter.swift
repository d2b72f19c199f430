import Foundation
import Synchronization

/// Token buckets for the unauthenticated routes (enrolment, challenge, token), in process: with
/// several server processes behind a balancer each enforces its own limit.
///
/// State is bounded without a global reset: past `maximumKeys`, buckets that have refilled (they
/// hold no state a fresh bucket would not) go first, then the least recently used, so a flood of
/// source addresses can never wipe every other key's count.
final class RateLimiter: Sendable {
    struct Bucket { var tokens: Double; var updated: ContinuousClock.Instant }

    /// Whether a request may go ahead, and if not, in how many whole seconds one token is back.
    enum Decision: Equatable {
        case allowed
        case refused(retryAfter: Int)
    }

    private let buckets = Mutex<[String: Bucket]>([:])
    let capacity: Double
    let refillPerSecond: Double
    let maximumKeys: Int

    /// - Parameters: `perMinute` sustained requests, `burst` allowed at once, `maximumKeys` buckets kept.
    init(perMinute: Int, burst: Int, maximumKeys: Int = 100_000) {
        capacity = Double(max(1, burst))
        refillPerSecond = Double(max(1, perMinute)) / 60
        self.maximumKeys = max(16, maximumKeys)
    }

    /// Takes one token from `key`'s bucket, or says when one will be there.
    func take(_ key: String, now: ContinuousClock.Instant = .now) -> Decision {
        buckets.withLock { buckets in
            var bucket = refreshed(buckets[key], now: now)
            guard bucket.tokens >= 1 else {
                buckets[key] = bucket
                return .refused(retryAfter: retryAfter(bucket))
            }
            bucket.tokens -= 1
            if buckets[key] == nil, buckets.count >= maximumKeys { evict(&buckets, now: now) }
            buckets[key] = bucket
            return .allowed
        }
    }

    /// Whether `key` has a token left, without taking it.
    func check(_ key: String, now: ContinuousClock.Instant = .now) -> Decision {
        buckets.withLock { buckets in
            let bucket = refreshed(buckets[key], now: now)
            return bucket.tokens >= 1 ? .allowed : .refused(retryAfter: retryAfter(bucket))
        }
    }

    var count: Int { buckets.withLock { $0.count } }

    private func refreshed(_ bucket: Bucket?, now: ContinuousClock.Instant) -> Bucket {
        guard var bucket else { return Bucket(tokens: capacity, updated: now) }
        let elapsed = now - bucket.updated
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        bucket.tokens = min(capacity, bucket.tokens + max(0, seconds) * refillPerSecond)
        bucket.updated = now
        return bucket
    }

    private func retryAfter(_ bucket: Bucket) -> Int {
        max(1, Int(((1 - bucket.tokens) / refillPerSecond).rounded(.up)))
    }

    /// Frees at least a tenth of the table: refilled buckets first, then the least recently used.
    private func evict(_ buckets: inout [String: Bucket], now: ContinuousClock.Instant) {
        let full = capacity / refillPerSecond
        buckets = buckets.filter { _, bucket in
            let idle = now - bucket.updated
            return Double(idle.components.seconds) < full
        }
        let target = maximumKeys - maximumKeys / 10
        guard buckets.count > target else { return }
        let oldest = buckets.sorted { $0.value.updated < $1.value.updated }.prefix(buckets.count - target)
        for (key, _) in oldest { buckets.removeValue(forKey: key) }
    }
}

/// A refused request, answered 429 with `Retry-After` (seconds) by `ErrorMapping`.
struct RateLimitedError: Error {
    let retryAfter: Int
    var message: String { "too many attempts from this network; try again in \(retryAfter) s" }
}

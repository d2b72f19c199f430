public import CasebookModels

extension CasebookError.Code {
    /// Client and server speak different sync protocols (`SyncAPI.protocolVersion`).
    public static let protocolMismatch = Self("protocol-mismatch")
    /// The sync server could not be reached at all (connection refused, no route, no such host):
    /// the CLI says "offline" and how many changes are kept for the next sync.
    public static let offline = Self("offline")
}

/// Why a sync request failed, as the engine needs to know it: whether to retry, re-authenticate
/// or stop. Converted to `CasebookError` (and from there to exit codes) only at the edge.
public struct SyncFailure: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Kind: String, Hashable, Sendable {
        /// Connection refused, reset or DNS failure: retried with backoff.
        case unreachable
        /// The request's deadline passed (a hung or half-open connection): retried with backoff.
        case timeout
        /// 401: the token expired or was revoked; re-authenticate once.
        case unauthenticated
        /// 403: this device may not do that; never retried.
        case forbidden
        /// 5xx or 429: retried with backoff.
        case server
        /// 4xx other than the above, or a malformed response: never retried.
        case rejected
        /// Client and server speak different sync protocols (`SyncAPI.protocolVersion`): never retried.
        case incompatible
        /// Connection refused, no route or unknown host: never retried within a run (offline is
        /// normal; the outbox waits for the next sync).
        case offline
        /// 429 whose `Retry-After` does not fit in the request's deadline: never retried; the
        /// message says when to try again.
        case busy
    }

    public var kind: Kind
    public var message: String
    /// The server's error code (`APIErrorBody.error`, e.g. `training-missing`), for programs; nil
    /// when the failure did not come from a server answer.
    public var code: String?

    public init(_ kind: Kind, _ message: String, code: String? = nil) {
        self.kind = kind
        self.message = message
        self.code = code
    }

    public var isRetryable: Bool { [.unreachable, .timeout, .server].contains(kind) }

    public var description: String { message }

    public var casebookError: CasebookError {
        switch kind {
        case .unreachable, .timeout, .server: CasebookError(.network, message)
        case .unauthenticated, .forbidden: CasebookError(.notAuthorised, message)
        case .rejected: CasebookError(.invalidInput, message)
        case .incompatible: CasebookError(.protocolMismatch, message)
        case .offline: CasebookError(.offline, message)
        case .busy: CasebookError(.network, message)
        }
    }

    /// Any error from a transport, as a failure the engine understands.
    public static func from(_ error: any Error) -> SyncFailure {
        if let failure = error as? SyncFailure { return failure }
        if let error = error as? CasebookError {
            switch error.code {
            case .network: return SyncFailure(.unreachable, error.message)
            case .offline: return SyncFailure(.offline, error.message)
            case .notAuthorised: return SyncFailure(.forbidden, error.message)
            default: return SyncFailure(.rejected, error.message)
            }
        }
        return SyncFailure(.unreachable, "the sync server could not be reached; it is safe to try again")
    }
}

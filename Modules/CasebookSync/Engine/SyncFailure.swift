public import CasebookModels

extension CasebookError.Code {
    /// Client and server speak different sync protocols (`SyncAPI.protocolVersion`).
    public static let protocolMismatch = Self("protocol-mismatch")
    /// The sync server could not be reached at all (connection refused, no route, no such host):
    /// the CLI says "offline" and how many changes are kept for the next sync.
    public static let offline = Self("offline")
    /// A device that proved its key at sign-in but was removed from the organisation (403).
    public static let deviceRemoved = Self("device-removed")
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
    /// What the user can do, carried to the `CasebookError` (ADR 0029).
    public var hint: CasebookError.Hint?

    public init(_ kind: Kind, _ message: String, code: String? = nil, hint: CasebookError.Hint? = nil) {
        self.kind = kind
        self.message = message
        self.code = code
        self.hint = hint
    }

    public var isRetryable: Bool { [.unreachable, .timeout, .server].contains(kind) }

    public var description: String { message }

    /// The server's codes a client takes as its own error code (ADR 0029): refusals whose meaning
    /// is the same on both sides, so the CLI's exit status and message follow what the server
    /// said (a server `training-missing` exits 3, a `not-found` exits 4). Any other code — one this
    /// build does not know, or a local one a server has no business claiming (`vault-damaged`,
    /// `wrong-passphrase`, `disk-full`) — is ignored and the transport kind decides.
    public static let serverCodes: Set<CasebookError.Code> = [
        .invalidInput, .notFound, .notAuthorised, .trainingMissing, .deviceRemoved, .tampered, .clockSkew,
        .conflict, .caseErased, .finalised, .releaseRefused, .approvalRequired, .tooLarge, .protocolMismatch,
    ]

    /// The one edge where a sync failure becomes the error every module throws: the server's code
    /// when it is one of `serverCodes`, the transport kind's otherwise. Retryable kinds (network,
    /// server busy) keep their kind's code: a 5xx is a network problem whatever its body says.
    public var casebookError: CasebookError {
        if !isRetryable, kind != .offline, kind != .busy, let code, case let known = CasebookError.Code(code),
           Self.serverCodes.contains(known) {
            return CasebookError(known, message, hint: hint)
        }
        let code: CasebookError.Code = switch kind {
        case .unreachable, .timeout, .server: .network
        case .unauthenticated, .forbidden: .notAuthorised
        case .rejected: .invalidInput
        case .incompatible: .protocolMismatch
        case .offline: .offline
        case .busy: .network
        }
        return CasebookError(code, message, hint: hint)
    }

    /// Any error from a transport, as a failure the engine understands.
    public static func from(_ error: any Error) -> SyncFailure {
        if let failure = error as? SyncFailure { return failure }
        if let error = error as? CasebookError {
            switch error.code {
            case .network: return SyncFailure(.unreachable, error.message)
            case .offline: return SyncFailure(.offline, error.message)
            case .notAuthorised: return SyncFailure(.forbidden, error.message, code: error.code.rawValue, hint: error.hint)
            default: return SyncFailure(.rejected, error.message, code: error.code.rawValue, hint: error.hint)
            }
        }
        return SyncFailure(.unreachable, "the sync server could not be reached; it is safe to try again")
    }
}

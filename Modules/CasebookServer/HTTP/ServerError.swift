public import CasebookModels
import CasebookSync
import Foundation
import Hummingbird
import Logging
import HTTPTypes

/// Server-only error codes, added beside the shared `CasebookError` codes.
extension CasebookError.Code {
    public static let unauthenticated = Self("unauthenticated")
    public static let rateLimited = Self("rate-limited")
    public static let deadlineExceeded = Self("deadline-exceeded")
    // `deviceRemoved` is a wire code the client maps too: declared in CasebookSync (SyncFailure.swift).
}

enum ServerError {
    static let unauthenticated = CasebookError(.unauthenticated, "a valid bearer token is required")
    static let forbidden = CasebookError(.notAuthorised, "not permitted")
    static let deviceRemoved = CasebookError(.deviceRemoved,
        "this device was removed from the organisation by an administrator; ask them for a new invitation to sign in again")
}

/// The one place where errors become HTTP statuses. Everything thrown inside the server is a
/// `CasebookError` or a hummingbird `HTTPError`; anything else is an internal error whose details
/// stay in the log (never client content: the stores only ever hold ciphertext).
enum ErrorMapping {
    static func status(for code: CasebookError.Code) -> HTTPResponse.Status {
        switch code {
        case .unauthenticated, .sessionExpired: .unauthorized
        case .notAuthorised, .trainingMissing, .deviceRemoved: .forbidden
        case .notFound: .notFound
        case .invalidInput, .tampered, .clockSkew: .badRequest
        case .conflict: .conflict
        case .rateLimited: .tooManyRequests
        case .deadlineExceeded: .serviceUnavailable
        case .tooLarge: .contentTooLarge
        case .protocolMismatch: .upgradeRequired
        case .storage: .serviceUnavailable
        default: .internalServerError
        }
    }

    static func response(for error: any Error, logger: Logger) -> Response {
        let status: HTTPResponse.Status
        let body: APIErrorBody
        switch error {
        case let error as RateLimitedError:
            var response = jsonResponse(APIErrorBody(error: CasebookError.Code.rateLimited.rawValue, message: error.message),
                                        status: .tooManyRequests)
            response.headers[.retryAfter] = String(error.retryAfter)
            return response
        case let error as CasebookError:
            status = Self.status(for: error.code)
            // `description`: the message and its hint in plain words (a hint does not travel on the wire).
            body = APIErrorBody(error: error.code.rawValue, message: error.description)
        case let error as HTTPError:
            status = error.status
            let code: String = switch error.status {
            case .unauthorized: CasebookError.Code.unauthenticated.rawValue
            case .notFound: CasebookError.Code.notFound.rawValue
            case .contentTooLarge: CasebookError.Code.tooLarge.rawValue
            case .badRequest: CasebookError.Code.invalidInput.rawValue
            default: "http-\(error.status.code)"
            }
            // Hummingbird's decode errors can quote the body: use the status phrase only.
            body = APIErrorBody(error: code, message: error.status.reasonPhrase.lowercased())
        default:
            logger.error("internal error", metadata: ["error.type": "\(type(of: error))"])
            status = .internalServerError
            body = APIErrorBody(error: "internal", message: "internal server error")
        }
        return jsonResponse(body, status: status)
    }
}

func jsonResponse(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
    let data = (try? SyncAPI.makeEncoder().encode(value)) ?? Data("{}".utf8)
    return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
}

enum CasebookErrorDeadline {
    static let error = CasebookError(.deadlineExceeded, "the request took too long; it is safe to retry")
}

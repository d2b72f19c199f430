import Foundation
import Hummingbird
import Logging
import Synchronization
import HTTPTypes

/// Outermost middleware: assigns the request id (or accepts a well-formed `X-Request-ID`), puts it
/// in the logger metadata as `request_id`, echoes it, converts errors to JSON at the edge and
/// writes one access-log line: method, route template, status, duration and device id.
/// Never the body, the query string or a token.
struct RequestLogMiddleware: RouterMiddleware {
    typealias Context = ServerRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let id = request.headers[.xRequestID].flatMap(Self.acceptable) ?? Self.newID()
        context.requestID = id
        context.logger[metadataKey: "request_id"] = .string(id)
        let start = ContinuousClock.now
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            response = ErrorMapping.response(for: error, logger: context.logger)
        }
        response.headers[.xRequestID] = id
        let elapsed = ContinuousClock.now - start
        let ms = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        var metadata: Logger.Metadata = [
            "http.method": .string(request.method.rawValue),
            "http.route": .string(context.endpointPath ?? "unmatched"),
            "http.status": .stringConvertible(response.status.code),
            "duration_ms": .string(String(format: "%.1f", ms)),
        ]
        if let device = context.requestInfo.device { metadata["device"] = .string(device) }
        context.logger.info("request", metadata: metadata)
        return response
    }

    /// Accepts a caller's request id only if it is short and plain (it goes into logs).
    static func acceptable(_ text: String) -> String? {
        guard !text.isEmpty, text.count <= 64,
              text.unicodeScalars.allSatisfy({ CharacterSet.alphanumerics.contains($0) || $0 == "-" || $0 == "_" }) else { return nil }
        return text
    }

    static func newID() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<2).map { _ in String(generator.next() as UInt64, radix: 16) }.joined()
    }
}

/// A small shared box so that inner middleware (authentication) can tell the access log which
/// device made the request: contexts are values, copied on the way in.
final class RequestInfo: Sendable {
    private let state = Mutex<String?>(nil)
    var device: String? {
        get { state.withLock { $0 } }
        set { state.withLock { $0 = newValue } }
    }
}

/// Every request has a deadline (`http.request-timeout`): a request stuck on a half-open
/// connection or a locked database is answered 503 `deadline-exceeded` and its work cancelled.
/// A push cut short is safe to retry: pushes are idempotent.
struct DeadlineMiddleware: RouterMiddleware {
    typealias Context = ServerRequestContext
    let timeout: Duration

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        try await withoutActuallyEscaping(next) { next in
            // The task group awaits both children before returning, so `next` never outlives this call.
            nonisolated(unsafe) let next = next
            return try await withThrowingTaskGroup(of: Response.self) { group in
                group.addTask { try await next(request, context) }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    throw CasebookErrorDeadline.error
                }
                defer { group.cancelAll() }
                guard let response = try await group.next() else { throw CasebookErrorDeadline.error }
                return response
            }
        }
    }
}

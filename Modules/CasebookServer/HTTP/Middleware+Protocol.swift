import CasebookModels
import CasebookSync
import Hummingbird
import HTTPTypes

/// Stamps every response with the sync protocol this server speaks (`Casebook-Protocol`), and
/// refuses a request from a client that says it speaks an older one (426 `protocol-mismatch`),
/// which would misread what this server sends (ADR 0011). Requests without the header (health
/// checks, monitoring, curl) pass: the header is for replicas, which always send it.
struct ProtocolMiddleware: RouterMiddleware {
    typealias Context = ServerRequestContext
    static let field = HTTPField.Name(SyncAPI.protocolHeader)!

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            if let sent = request.headers[Self.field] {
                guard let version = Int(sent), version >= SyncAPI.protocolVersion else {
                    throw CasebookError(.protocolMismatch, "this server speaks Casebook sync protocol \(SyncAPI.protocolVersion) and the client "
                                        + "an older one; upgrade casebook on this device")
                }
            }
            response = try await next(request, context)
        } catch {
            response = ErrorMapping.response(for: error, logger: context.logger)
        }
        response.headers[Self.field] = String(SyncAPI.protocolVersion)
        return response
    }
}

import CasebookSync
public import Foundation
public import Hummingbird
import NIOCore
import CasebookModels
import Logging
import HTTPTypes

/// The per-request context: who is calling (set by `AuthMiddleware`), the request id and the
/// client address for rate limiting. JSON uses the wire contract's snake_case coders.
public struct ServerRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public var caller: Caller?
    public var requestID: String = ""
    public let remoteAddress: SocketAddress?
    let requestInfo = RequestInfo()

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// Push batches can be large (up to `SyncRoutes.maximumBatch` revisions).
    public var maxUploadSize: Int { 64 * 1024 * 1024 }
    public var requestDecoder: JSONDecoder { SyncAPI.makeDecoder() }
    public var responseEncoder: JSONEncoder { SyncAPI.makeEncoder() }

    /// The authenticated caller; routes behind `AuthMiddleware` always have one.
    /// Sets the caller and tells the access log which device this is.
    mutating func authenticate(_ caller: Caller) {
        self.caller = caller
        requestInfo.device = caller.device.rawValue
        logger[metadataKey: "device"] = .string(caller.device.rawValue)
    }

    func requireCaller() throws -> Caller {
        guard let caller else { throw ServerError.unauthenticated }
        return caller
    }

    /// The client's address for rate limiting: the socket peer, unless the peer is one of the
    /// configured proxies; then the right-most `X-Forwarded-For` element that is not a trusted
    /// proxy (elements to its left were written by the client and prove nothing).
    func clientAddress(request: Request, trustedProxies: Set<String>) -> String {
        let peer = remoteAddress?.ipAddress ?? "local"
        guard !trustedProxies.isEmpty, trustedProxies.contains(peer), let forwarded = request.headers[.xForwardedFor] else {
            return peer
        }
        let hops = forwarded.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return hops.last { !trustedProxies.contains($0) }.map { String($0.prefix(64)) } ?? peer
    }
}

extension HTTPField.Name {
    // swiftlint:disable force_unwrapping
    static let xRequestID = Self("X-Request-ID")!
    static let xForwardedFor = Self("X-Forwarded-For")!
}

import CasebookModels
import HummingbirdCore
import Logging
import NIOCore
import NIOSSL
import NIOTLS

/// HTTPS child channel that logs failed TLS handshakes (ADR 0015): the client's address and the
/// TLS library's reason (e.g. an alert "unknown CA" or "certificate expired" sent by the client),
/// never a byte of what the client sent. Successful handshakes are not logged; the access log
/// covers the requests.
struct HandshakeLoggingTLSChannel: HTTPChannelHandler {
    typealias Value = HTTP1Channel.Value
    let base: HTTP1Channel
    let context: NIOSSLContext
    let logger: Logger

    init(base: HTTP1Channel, tlsConfiguration: TLSConfiguration, logger: Logger) throws {
        self.base = base
        self.context = try NIOSSLContext(configuration: tlsConfiguration)
        self.logger = logger
    }

    var responder: HTTPChannelHandler.Responder { base.responder }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let failures = self.logger
        return channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: context))
            try channel.pipeline.syncOperations.addHandler(HandshakeFailureLogger(logger: failures, remote: channel.remoteAddress))
        }.flatMap {
            base.setup(channel: channel, logger: logger)
        }
    }

    func handle(value: Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}

/// Sits right after the TLS handler until the handshake completes; logs the first error before it.
final class HandshakeFailureLogger: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny
    let logger: Logger
    let remote: SocketAddress?
    private var completed = false
    private var logged = false

    init(logger: Logger, remote: SocketAddress?) {
        self.logger = logger
        self.remote = remote
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? TLSUserEvent, case .handshakeCompleted = event {
            completed = true
            context.fireUserInboundEventTriggered(event)
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if !completed, !logged {
            logged = true
            logger.warning("TLS handshake failed", metadata: [
                "client_address": .string(remote?.ipAddress ?? "unknown"),
                "reason": .string(Self.reason(error)),
            ])
        }
        context.fireErrorCaught(error)
    }

    /// The TLS library's description of the failure (alert names, BoringSSL reason codes): no client data.
    static func reason(_ error: any Error) -> String {
        String(String(describing: error).prefix(300))
    }
}

import CasebookCrypto
import Crypto
import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import NIOTLS
import Synchronization

/// The transport's TLS check before its first request (ADR 0015): one handshake with the real
/// verification (the trusted CA, the host name, the validity dates); if it fails, a second
/// handshake that only reads the server's certificate tells the reason (expired, name mismatch,
/// untrusted issuer) so the practitioner gets one clear line within seconds instead of a timeout.
/// A pinned certificate fingerprint is compared with the certificate the server presents.
/// Connection failures (refused, no route) are left to the request itself.
enum TLSCheck {
    /// What the server presented, read without judging it.
    struct Presented: Sendable {
        var sha256: Data
        var notBefore: Date
        var notAfter: Date
        var dnsNames: [String]
        var ipAddresses: [[UInt8]]
    }

    enum Outcome: Sendable {
        case verified
        case failed(any Error)
        case notConnected
    }

    /// Throws a `SyncFailure(.rejected, …)` naming the reason when the handshake cannot be trusted.
    static func check(host: String, port: Int, configuration: TLSConfiguration, pin: Data?, baseURL: String,
                      timeout: Duration) async throws {
        let verified = await handshake(host: host, port: port, configuration: configuration, capture: false, timeout: timeout)
        switch verified.outcome {
        case .notConnected:
            return  // refused, no route, DNS: the request reports it
        case .verified:
            guard let pin else { return }
            let presented = await handshake(host: host, port: port, configuration: configuration, capture: true, timeout: timeout)
            guard let leaf = presented.leaf else {
                throw SyncFailure(.rejected, "could not read the certificate of the sync server at \(baseURL) to compare it with the pinned fingerprint; nothing was sent")
            }
            if leaf.sha256 != pin { throw pinMismatch(baseURL, leaf) }
        case .failed:
            let presented = await handshake(host: host, port: port, configuration: configuration, capture: true, timeout: timeout)
            throw SyncFailure(.rejected, reason(host: host, presented: presented.leaf, pin: pin, baseURL: baseURL))
        }
    }

    static func pinMismatch(_ baseURL: String, _ leaf: Presented) -> SyncFailure {
        SyncFailure(.rejected, "TLS pin mismatch: the sync server at \(baseURL) presented a certificate (SHA-256 \(leaf.sha256.hexString.prefix(16))…) "
                    + "other than the one pinned in your enrolment code; do not use this network or server, and tell your administrator (nothing was sent)")
    }

    /// One line: what failed and what to do.
    static func reason(host: String, presented: Presented?, pin: Data?, baseURL: String, now: Date = Date()) -> String {
        let prefix = "TLS handshake with \(baseURL) failed"
        guard let leaf = presented else {
            return "\(prefix): the server did not complete a TLS handshake (is it serving HTTPS on that port?); check the address with your administrator (nothing was sent)"
        }
        if let pin, leaf.sha256 != pin { return pinMismatch(baseURL, leaf).message }
        let day = ISO8601DateFormatter()
        if now > leaf.notAfter {
            return "\(prefix): certificate expired on \(day.string(from: leaf.notAfter)); ask your administrator to renew the server's certificate (nothing was sent)"
        }
        if now < leaf.notBefore {
            return "\(prefix): certificate not valid before \(day.string(from: leaf.notBefore)); check this computer's clock, or ask your administrator (nothing was sent)"
        }
        if !matches(host: host, leaf) {
            let names = (leaf.dnsNames + leaf.ipAddresses.map(ipText)).prefix(4).joined(separator: ", ")
            return "\(prefix): name mismatch: the certificate is for \(names.isEmpty ? "no host name" : names), not \(host); use the address the certificate names (nothing was sent)"
        }
        return "\(prefix): untrusted issuer: the certificate is not signed by a CA this device trusts; give your organisation's CA certificate with --ca-cert FILE or CASEBOOK_CA_CERT (nothing was sent)"
    }

    static func matches(host: String, _ leaf: Presented) -> Bool {
        let name = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        if let ip = ipBytes(name) { return leaf.ipAddresses.contains(ip) }
        return leaf.dnsNames.contains { pattern in
            let p = pattern.lowercased()
            if p == name { return true }
            guard p.hasPrefix("*."), let dot = name.firstIndex(of: ".") else { return false }
            return name[dot...] == p.dropFirst()
        }
    }

    static func ipBytes(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 { return withUnsafeBytes(of: &v6) { Array($0) } }
        return nil
    }

    static func ipText(_ bytes: [UInt8]) -> String {
        bytes.count == 4 ? bytes.map(String.init).joined(separator: ".") : "IPv6 " + Data(bytes).hexString
    }

    // MARK: - Handshakes

    struct Attempt: Sendable {
        var outcome: Outcome
        var leaf: Presented?
    }

    private final class Captured: Sendable {
        let leaf = Mutex<Presented?>(nil)
    }

    /// One TLS handshake on a fresh connection, closed at once; nothing but the handshake is sent.
    static func handshake(host: String, port: Int, configuration: TLSConfiguration, capture: Bool, timeout: Duration) async -> Attempt {
        let captured = Captured()
        var tls = configuration
        if capture { tls.certificateVerification = .noHostnameVerification }
        let context: NIOSSLContext
        do { context = try NIOSSLContext(configuration: tls) } catch { return Attempt(outcome: .failed(error), leaf: nil) }
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let done = loop.makePromise(of: Void.self)
        let sni = ipBytes(host.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))) == nil ? host : nil
        let seconds = max(1, min(Int64(timeout.components.seconds), 10))
        let bootstrap = ClientBootstrap(group: loop)
            .connectTimeout(.seconds(seconds))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let handler: NIOSSLClientHandler
                    if capture {
                        handler = try NIOSSLClientHandler(context: context, serverHostname: sni) { certificates, verdict in
                            captured.leaf.withLock { $0 = certificates.first.flatMap(Self.presented) }
                            verdict.succeed(.certificateVerified)
                        }
                    } else {
                        handler = try NIOSSLClientHandler(context: context, serverHostname: sni)
                    }
                    try channel.pipeline.syncOperations.addHandler(handler)
                    try channel.pipeline.syncOperations.addHandler(HandshakeWaiter(done: done))
                }
            }
        let channel: any Channel
        do {
            channel = try await bootstrap.connect(host: host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")), port: port).get()
        } catch {
            done.fail(error)
            return Attempt(outcome: .notConnected, leaf: nil)
        }
        let timer = loop.scheduleTask(in: .seconds(seconds)) { done.fail(ChannelError.connectTimeout(.seconds(seconds))) }
        let outcome: Outcome
        do {
            try await done.futureResult.get()
            outcome = .verified
        } catch {
            outcome = .failed(error)
        }
        timer.cancel()
        try? await channel.close()
        return Attempt(outcome: outcome, leaf: captured.leaf.withLock { $0 })
    }

    static func presented(_ certificate: NIOSSLCertificate) -> Presented? {
        guard let der = try? certificate.toDERBytes() else { return nil }
        var dns: [String] = []
        var ips: [[UInt8]] = []
        for name in certificate._subjectAlternativeNames() {
            let bytes = name.contents.withUnsafeBufferPointer { Array($0) }
            if name.nameType == .dnsName { dns.append(String(decoding: bytes, as: UTF8.self)) }
            if name.nameType == .ipAddress { ips.append(bytes) }
        }
        return Presented(sha256: Data(SHA256.hash(data: der)), notBefore: Date(timeIntervalSince1970: TimeInterval(certificate.notValidBefore)),
                         notAfter: Date(timeIntervalSince1970: TimeInterval(certificate.notValidAfter)), dnsNames: dns, ipAddresses: ips)
    }

    /// SHA-256 of a certificate's DER encoding (the pin carried in invitation codes).
    static func fingerprint(pem: String) -> Data? {
        guard let certificate = try? NIOSSLCertificate.fromPEMBytes(Array(pem.utf8)).first, let der = try? certificate.toDERBytes() else {
            return nil
        }
        return Data(SHA256.hash(data: der))
    }
}

/// Completes `done` when the TLS handshake completes, fails it on the first error or close.
private final class HandshakeWaiter: ChannelInboundHandler {
    typealias InboundIn = NIOAny
    let done: EventLoopPromise<Void>
    init(done: EventLoopPromise<Void>) { self.done = done }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? TLSUserEvent, case .handshakeCompleted = event { done.succeed(()) }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        done.fail(error)
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        done.fail(ChannelError.eof)
        context.fireChannelInactive()
    }
}

import AsyncHTTPClient
@testable import CasebookServer
import Configuration
import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import NIOSSL
import ServiceLifecycle
import Testing

@Suite("TLS")
struct TLSTests {
    @Test("with a certificate and key the server speaks HTTPS only")
    func servesHTTPS() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("casebook-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let cert = dir.appendingPathComponent("cert.pem").path, key = dir.appendingPathComponent("key.pem").path
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        openssl.arguments = ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                             "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=localhost"]
        openssl.standardError = FileHandle.nullDevice
        try openssl.run()
        openssl.waitUntilExit()
        guard openssl.terminationStatus == 0 else {
            Issue.record("openssl is needed to make a test certificate")
            return
        }
        let reader = testReader(url: "sqlite:" + dir.appendingPathComponent("s.db").path, extra: [
            "tls.certificate": .init(.string(cert), isSecret: false), "tls.key": .init(.string(key), isSecret: false),
        ])
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = try await buildApplication(reader: reader, logger: TestDatabase.logger) { continuation.yield($0) }
        let group = ServiceGroup(services: [app], gracefulShutdownSignals: [], logger: TestDatabase.logger)
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.certificateVerification = .none
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(tlsConfiguration: tls))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var port = 0
            for await value in ports { port = value; break }
            let https = try await client.execute(HTTPClientRequest(url: "https://127.0.0.1:\(port)/health"), timeout: .seconds(10))
            #expect(https.status == .ok)
            let plain = try? await client.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)/health"), timeout: .seconds(2))
            #expect(plain?.status != .ok, "plain HTTP is not served on the TLS port")
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        try await client.shutdown()
    }
}

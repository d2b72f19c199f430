import Foundation
import Hummingbird
import ServiceLifecycle

/// Serves `router` on a real loopback socket (an ephemeral port) for the duration of `body`, which
/// gets the base URL; then shuts it down gracefully. For stand-in servers that answer as another
/// version or a busy server would: the client under test talks real HTTP to them.
func serveOnLoopback(_ router: Router<BasicRequestContext>, _ body: (String) async throws -> Void) async throws {
    let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
    let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                          onServerRunning: { continuation.yield($0.localAddress?.port ?? 0) }, logger: TestDatabase.logger)
    let group = ServiceGroup(services: [app], gracefulShutdownSignals: [], logger: TestDatabase.logger)
    try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask { try await group.run() }
        var port = 0
        for await value in ports { port = value; break }
        try await body("http://127.0.0.1:\(port)")
        await group.triggerGracefulShutdown()
        try await tasks.waitForAll()
    }
}

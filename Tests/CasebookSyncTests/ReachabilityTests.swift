import CasebookSync
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `HTTPSyncTransport.isReachable`, the probe `concern raise` uses: false, and within its deadline, when
/// nothing listens or when a listener never answers (a half-open server).
@Suite struct ReachabilityTests {
    /// A loopback TCP socket that accepts connections into its backlog and never answers.
    final class SilentListener {
        let fd: Int32
        let port: UInt16
        init() throws {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = 0
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard bound == 0, listen(fd, 8) == 0 else { close(fd); throw POSIXError(.EADDRINUSE) }
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            _ = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
            }
            self.fd = fd
            port = UInt16(bigEndian: address.sin_port)
        }
        deinit { close(fd) }
    }

    @Test func nothingListeningIsUnreachable() async throws {
        // Bind a port, then close it: connections to it are refused.
        let port = try SilentListener().port
        let transport = try HTTPSyncTransport(baseURL: "http://127.0.0.1:\(port)", identity: nil)
        // (AsyncHTTPClient retries a refused connection until the deadline: the deadline bounds the wait.)
        let started = ContinuousClock.now
        #expect(await !transport.isReachable(timeout: .seconds(1)))
        // Without the deadline this never returns. The bound is loose on purpose: with the whole suite running,
        // blocking tests starve the cooperative pool on 2 cores and even a 1 s sleep can take ~45 s to resume.
        #expect(ContinuousClock.now - started < .seconds(180), "the probe keeps its deadline")
    }

    @Test func aListenerThatNeverAnswersIsUnreachableWithinTheDeadline() async throws {
        let silent = try SilentListener()
        let transport = try HTTPSyncTransport(baseURL: "http://127.0.0.1:\(silent.port)", identity: nil)
        let started = ContinuousClock.now
        #expect(await !transport.isReachable(timeout: .milliseconds(500)))
        // Without the deadline this never returns. The bound is loose on purpose: with the whole suite running,
        // blocking tests starve the cooperative pool on 2 cores and even a 1 s sleep can take ~45 s to resume.
        #expect(ContinuousClock.now - started < .seconds(180), "the probe keeps its deadline")
        withExtendedLifetime(silent) {}
    }
}

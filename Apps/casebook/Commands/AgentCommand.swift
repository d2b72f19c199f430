import ArgumentParser
import CasebookModels
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `casebook agent` (hidden): the unlock agent's process, started by `casebook unlock` (see
/// `UnlockAgent`). Reads the hand-over from standard input, listens, and exits at `lock` or when
/// its time is up on the boot-time clock, forgetting everything.
struct AgentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agent", abstract: "The unlock agent (started by 'casebook unlock'; not for direct use).", shouldDisplay: false)

    @Option var socket: String
    @Option var seconds: Int

    func run() throws {
        guard (1...24 * 3600).contains(seconds), socket.hasPrefix("/") else { throw ExitCode(2) }
        guard let line = Swift.readLine(strippingNewline: true) else { throw ExitCode(2) }
        var secret = Array(line.utf8)  // "<ciphertext b64> <key b64>", never written anywhere
        signal(SIGPIPE, SIG_IGN)
        signal(SIGHUP, SIG_IGN)
        _ = setsid()
        Self.notDumpable()
        let deadline = Self.bootNanos() + UInt64(seconds) * 1_000_000_000

        let listener = Glibc.socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard listener >= 0, var address = UnlockAgent.unixAddress(socket) else { throw ExitCode(1) }
        unlink(socket)
        let previous = umask(0o177)  // the socket is created 0600
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        umask(previous)
        guard bound == 0, chmod(socket, 0o600) == 0, listen(listener, 16) == 0 else { throw ExitCode(1) }
        FileHandle.standardOutput.write(Data("ready\n".utf8))
        let null = open("/dev/null", O_RDWR)
        if null >= 0 { dup2(null, STDIN_FILENO); dup2(null, STDOUT_FILENO); dup2(null, STDERR_FILENO) }

        var token: (server: String, value: String, expires: String)?
        var poller = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
        serving: while true {
            let now = Self.bootNanos()
            guard now < deadline else { break }
            let waitMillis = Int32(min((deadline - now) / 1_000_000 + 1, 60_000))
            guard poll(&poller, 1, waitMillis) > 0 else { continue }
            let client = accept(listener, nil, nil)
            guard client >= 0 else { continue }
            defer { close(client) }
            var timeout = timeval(tv_sec: 2, tv_usec: 0)
            setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            guard Self.peerIsThisUser(client), let request = UnlockAgent.readLine(client) else { continue }
            guard Self.bootNanos() < deadline else { break }  // expiry wins over a request racing it
            let parts = request.split(separator: " ").map(String.init)
            switch parts.first {
            case "HANDOVER":
                _ = UnlockAgent.sendAll(client, Data("OK ".utf8) + Data(secret) + Data("\n".utf8))
            case "TOKEN" where parts.count == 2:
                if let token, token.server == parts[1] {
                    _ = UnlockAgent.sendAll(client, Data("OK \(token.value) \(token.expires)\n".utf8))
                } else {
                    _ = UnlockAgent.sendAll(client, Data("NONE\n".utf8))
                }
            case "SETTOKEN" where parts.count == 4:
                token = (parts[1], parts[2], parts[3])
                _ = UnlockAgent.sendAll(client, Data("OK\n".utf8))
            case "STATUS":
                _ = UnlockAgent.sendAll(client, Data("OK \((deadline - Self.bootNanos()) / 1_000_000_000)\n".utf8))
            case "LOCK":
                _ = UnlockAgent.sendAll(client, Data("OK\n".utf8))
                break serving
            default:
                _ = UnlockAgent.sendAll(client, Data("ERROR\n".utf8))
            }
        }
        // Forget: the socket goes first, so no one can ask while the memory is cleared.
        unlink(socket)
        close(listener)
        for index in secret.indices { secret[index] = 0 }
        token = nil
        withExtendedLifetime(secret) {}
        throw ExitCode.success
    }

    /// prctl(PR_SET_DUMPABLE, 0): no core dump, and other processes of the user cannot ptrace the
    /// agent or read its memory through /proc. (Glibc's module map leaves out sys/prctl.h.)
    static func notDumpable() {
        var core = rlimit(rlim_cur: 0, rlim_max: 0)
        _ = setrlimit(__rlimit_resource_t(RLIMIT_CORE.rawValue), &core)
        typealias Prctl = @convention(c) (Int32, UInt, UInt, UInt, UInt) -> Int32
        guard let handle = dlopen(nil, RTLD_NOW), let symbol = dlsym(handle, "prctl") else { return }
        let prctl = unsafeBitCast(symbol, to: Prctl.self)
        _ = prctl(4 /* PR_SET_DUMPABLE */, 0, 0, 0, 0)
    }

    /// CLOCK_BOOTTIME: monotonic, and counts time asleep (a laptop closed for lunch stays locked
    /// after its minutes are up); the wall clock, which anyone can set, plays no part.
    static func bootNanos() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_BOOTTIME, &now)
        return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
    }

    /// SO_PEERCRED: only processes of this user are answered (the socket's mode says the same).
    static func peerIsThisUser(_ fd: Int32) -> Bool {
        var credentials: (pid: Int32, uid: UInt32, gid: UInt32) = (0, 0, 0)
        var length = socklen_t(MemoryLayout<(Int32, UInt32, UInt32)>.size)
        guard getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &credentials, &length) == 0 else { return false }
        return credentials.uid == getuid()
    }
}

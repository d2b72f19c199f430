import CasebookModels
import CasebookStorage
import Crypto
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The unlock agent (ADR 0018), as ssh-agent does it: `casebook unlock` starts a small process
/// that holds the unlocked identity (and the sync bearer token) in memory only, listening on a
/// Unix socket in `$XDG_RUNTIME_DIR/casebook/` (or a 0700 `/tmp/casebook-UID/` when that is unset),
/// mode 0600, answering only processes of the same user. It exits, forgetting everything, on
/// `casebook lock` or when its time is up, measured by the boot-time monotonic clock (suspend
/// counts; changing the wall clock does not). Nothing is written to the vault file, the
/// environment or the terminal that could reopen the identity afterwards.
///
/// Protocol: one request line per connection, one answer line.
///   `HANDOVER` → `OK <ciphertext b64> <key b64>`; `TOKEN <server b64>` → `OK <token> <expiry s>` or `NONE`;
///   `SETTOKEN <server b64> <token> <expiry s>` → `OK`; `LOCK` → `OK` (then the agent exits); `STATUS` → `OK <seconds left>`.
enum UnlockAgent {
    // MARK: Where

    /// The private directory for agent sockets: created 0700 if missing; refused if it is not a
    /// directory owned by this user and closed to others (a planted directory or symlink).
    static func directory() throws -> String {
        let env = ProcessInfo.processInfo.environment
        let base: String
        if let runtime = env["XDG_RUNTIME_DIR"], !runtime.isEmpty, runtime.hasPrefix("/") {
            base = runtime + "/casebook"
        } else {
            base = "/tmp/casebook-\(getuid())"
        }
        if mkdir(base, 0o700) != 0, errno != EEXIST {
            throw CasebookError(.storage, "cannot create the unlock agent's directory \(base): \(String(cString: strerror(errno)))")
        }
        // (attributesOfItem uses lstat: a symlink is seen as a symlink, not followed.)
        let attributes = try? FileManager.default.attributesOfItem(atPath: base)
        guard let attributes, attributes[.type] as? FileAttributeType == .typeDirectory,
              (attributes[.ownerAccountID] as? NSNumber)?.uint32Value == getuid(),
              let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue, mode & 0o077 == 0 else {
            throw CasebookError(.storage, "\(base) is not a private directory of this user (it must be mode 0700); remove it and run 'casebook unlock' again")
        }
        return base
    }

    /// One agent per vault: the socket is named after the vault's absolute path.
    static func socketPath(vault: String) throws -> String {
        let digest = SHA256.hash(data: Data(vault.utf8)).prefix(8).map { String(format: "%02x", $0) }.joined()
        return try directory() + "/agent-\(digest).sock"
    }

    // MARK: Client side

    /// Sends one request to the vault's agent; nil when no agent runs for it (a socket left by an
    /// agent that died is removed).
    static func request(vault: String, _ line: String) -> String? {
        guard let path = try? socketPath(vault: vault) else { return nil }
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var timeout = timeval(tv_sec: 3, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        guard var address = unixAddress(path) else { return nil }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard connected == 0 else {
            if errno == ECONNREFUSED { unlink(path) }  // the agent is gone; its socket stayed
            return nil
        }
        guard sendAll(fd, Data((line + "\n").utf8)) else { return nil }
        return readLine(fd)
    }

    /// The identity held by the vault's agent, if one runs.
    static func handOver(vault: String) -> IdentityHandOver? {
        guard let answer = request(vault: vault, "HANDOVER") else { return nil }
        let parts = answer.split(separator: " ")
        guard parts.count == 3, parts[0] == "OK", let ciphertext = Data(base64Encoded: String(parts[1])),
              let key = Data(base64Encoded: String(parts[2])) else { return nil }
        return IdentityHandOver(ciphertext: ciphertext, key: key)
    }

    /// The bearer token the agent keeps for `server`, while it is valid.
    static func token(vault: String, server: String) -> (token: String, expiresAt: Date)? {
        guard let answer = request(vault: vault, "TOKEN " + Data(server.utf8).base64EncodedString()) else { return nil }
        let parts = answer.split(separator: " ")
        guard parts.count == 3, parts[0] == "OK", let seconds = Double(parts[2]) else { return nil }
        let expires = Date(timeIntervalSince1970: seconds)
        return expires > Date() ? (String(parts[1]), expires) : nil
    }

    static func keep(token: String, expiresAt: Date, vault: String, server: String) {
        guard token.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else { return }
        _ = request(vault: vault, "SETTOKEN \(Data(server.utf8).base64EncodedString()) \(token) \(Int(expiresAt.timeIntervalSince1970))")
    }

    /// Ends the vault's agent; false when none was running.
    static func lock(vault: String) -> Bool { request(vault: vault, "LOCK") == "OK" }

    // MARK: Starting

    /// Starts an agent for `vault` holding `handOver` for `seconds`: this executable, re-run as
    /// the hidden `casebook agent` command in its own session, reads the identity from a pipe
    /// (never argv or the environment) and says `ready` once its socket listens.
    static func start(vault: String, handOver: IdentityHandOver, seconds: Int) throws {
        let path = try socketPath(vault: vault)
        _ = lock(vault: vault)
        let process = Process()
        // This very binary, by its real path (so `ps` shows `…/casebook agent`).
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? "/proc/self/exe"
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["agent", "--socket", path, "--seconds", String(seconds)]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        var environment = ProcessInfo.processInfo.environment
        environment["CASEBOOK_PASSPHRASE"] = nil
        process.environment = environment
        do { try process.run() } catch {
            throw CasebookError(.storage, "could not start the unlock agent: \(error.localizedDescription)")
        }
        input.fileHandleForWriting.write(Data("\(handOver.ciphertext.base64EncodedString()) \(handOver.key.base64EncodedString())\n".utf8))
        try? input.fileHandleForWriting.close()
        let ready = output.fileHandleForReading.readData(ofLength: 6)
        guard String(decoding: ready, as: UTF8.self).hasPrefix("ready") else {
            throw CasebookError(.storage, "the unlock agent did not start; the vault stays locked")
        }
    }

    // MARK: Plumbing

    static func unixAddress(_ path: String) -> sockaddr_un? {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { return nil }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in bytes.enumerated() { raw[index] = byte }
            raw[bytes.count] = 0
        }
        return address
    }

    static func sendAll(_ fd: Int32, _ data: Data) -> Bool {
        data.withUnsafeBytes { buffer in
            guard let base = buffer.baseAddress else { return true }
            var offset = 0
            while offset < buffer.count {
                let sent = send(fd, base + offset, buffer.count - offset, Int32(MSG_NOSIGNAL))
                if sent < 0 { if errno == EINTR { continue }; return false }
                offset += sent
            }
            return true
        }
    }

    /// One line of at most 4 KiB, without its newline.
    static func readLine(_ fd: Int32) -> String? {
        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        while bytes.count < 4096 {
            let got = recv(fd, &byte, 1, 0)
            if got < 0, errno == EINTR { continue }
            guard got == 1 else { break }
            if byte == 0x0A { return String(decoding: bytes, as: UTF8.self) }
            bytes.append(byte)
        }
        return bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self)
    }
}

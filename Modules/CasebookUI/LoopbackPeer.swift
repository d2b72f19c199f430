import Foundation
import NIOCore

/// Which local user owns the other end of a loopback TCP connection (Linux: `/proc/net/tcp`).
///
/// Cookies are not scoped by port: a browser that visits another local user's server on
/// `127.0.0.1:OTHER` sends it Casebook's session cookie too. So the cookie alone must not open the
/// app to that user: the guard also asks the kernel who owns the connecting socket, and answers
/// only this process's own user (ADR 0023).
enum LoopbackPeer {
    /// The uid owning the socket at `remote` that is connected to `local`; nil if it cannot be told.
    static func uid(remote: SocketAddress, local: SocketAddress) -> UInt32? {
        guard let remotePort = remote.port, let localPort = local.port, let remoteHex = hex(remote), let localHex = hex(local),
              let table = readProcFile("/proc/net/tcp") else { return nil }
        // The peer's row: its local address is our remote one, and the other way round.
        let peer = "\(remoteHex):\(hex(remotePort, width: 4))"
        let us = "\(localHex):\(hex(localPort, width: 4))"
        for line in table.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count > 7, fields[1] == peer, fields[2] == us else { continue }
            return UInt32(fields[7])
        }
        return nil
    }

    /// An IPv4 address as `/proc/net/tcp` prints it: the in-memory (network-order) value as a native integer.
    static func hex(_ address: SocketAddress) -> String? {
        guard case .v4(let v4) = address else { return nil }
        return hex(Int(v4.address.sin_addr.s_addr), width: 8)
    }

    /// Reads a /proc file to its end (they report size 0, so nothing that trusts the size will do).
    static func readProcFile(_ path: String) -> String? {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 { return nil }
            if n == 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func hex(_ value: Int, width: Int) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}

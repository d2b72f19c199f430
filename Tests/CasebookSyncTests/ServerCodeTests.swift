import CasebookCrypto
import CasebookModels
@_spi(Testing) import CasebookStorage
import CasebookSync
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// One error model (ADR 0029): the server's error code travels through the transport to the
/// `CasebookError` the CLI turns into its exit status, and a hostile server's code and message
/// reach the user's terminal only cleaned and capped.
@Suite struct ServerCodeTests {
    /// A loopback HTTP server that answers `/health` with this build's protocol and every other
    /// request with one canned answer: a server that says whatever a test (or an attacker) wants.
    final class CannedServer: @unchecked Sendable {
        let fd: Int32
        let port: UInt16

        init(status: Int, body: Data) throws {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = 0
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard bound == 0, listen(fd, 16) == 0 else { close(fd); throw POSIXError(.EADDRINUSE) }
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            _ = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
            }
            self.fd = fd
            port = UInt16(bigEndian: address.sin_port)
            let health = Self.response(status: 200, body: Data("{\"status\":\"ok\"}".utf8))
            let canned = Self.response(status: status, body: body)
            Thread.detachNewThread {
                while true {
                    let client = accept(fd, nil, nil)
                    if client < 0 { return }  // the listener was closed
                    // Read the head and the body (its Content-Length) before answering: closing with
                    // unread bytes would reset the connection.
                    var request = Data()
                    var buffer = [UInt8](repeating: 0, count: 4096)
                    var needed = Int.max
                    while request.count < needed {
                        let n = read(client, &buffer, buffer.count)
                        if n <= 0 { break }
                        request.append(contentsOf: buffer[0..<n])
                        if needed == .max, let end = request.range(of: Data("\r\n\r\n".utf8)) {
                            let head = String(decoding: request[..<end.lowerBound], as: UTF8.self).lowercased()
                            let length = head.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
                                .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
                            needed = end.upperBound - request.startIndex + length
                        }
                    }
                    let line = String(decoding: request.prefix { $0 != 13 }, as: UTF8.self)
                    let answer = line.contains(" \(SyncAPI.Path.health)") ? health : canned
                    answer.withUnsafeBytes { _ = write(client, $0.baseAddress, $0.count) }
                    close(client)
                }
            }
        }

        deinit {
            shutdown(fd, Int32(SHUT_RDWR))
            close(fd)
        }

        static func response(status: Int, body: Data) -> Data {
            Data(("HTTP/1.1 \(status) Canned\r\nContent-Type: application/json\r\nContent-Length: \(body.count)\r\n"
                  + "\(SyncAPI.protocolHeader): \(SyncAPI.protocolVersion)\r\nConnection: close\r\n\r\n").utf8) + body
        }

        static func errorBody(code: String, message: String) throws -> Data {
            try SyncAPI.makeEncoder().encode(APIErrorBody(error: code, message: message))
        }
    }

    /// What the client makes of one canned refusal, through the real transport and the one edge.
    static func refusal(status: Int, code: String, message: String = "refused by the canned server") async throws -> CasebookError {
        let server = try CannedServer(status: status, body: try CannedServer.errorBody(code: code, message: message))
        // Signing in is the first call of every sync: the canned server refuses the challenge.
        let identity = DeviceIdentity.generate(person: PersonID(rawValue: "0c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f"))
        let transport = try HTTPSyncTransport(baseURL: "http://127.0.0.1:\(server.port)", identity: identity)
        do {
            try await transport.authenticate(timeout: .seconds(20))
        } catch {
            withExtendedLifetime(server) {}
            return SyncFailure.from(error).casebookError
        }
        Issue.record("the canned refusal was taken as an answer")
        return CasebookError(.storage, "unreachable")
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var status: Int
        var code: String
        var expected: CasebookError.Code
        var testDescription: String { "HTTP \(status) \(code) → \(expected)" }
    }

    @Test("the server's code becomes the error's code when it is a refusal both sides know; the transport kind decides otherwise",
          arguments: [
              Case(status: 403, code: "training-missing", expected: .trainingMissing),  // by kind it was not-authorised
              Case(status: 404, code: "not-found", expected: .notFound),                // by kind it was invalid-input
              Case(status: 403, code: "device-removed", expected: .deviceRemoved),
              Case(status: 409, code: "conflict", expected: .conflict),
              Case(status: 400, code: "clock-skew", expected: .clockSkew),
              // Codes a server may not claim: local conditions of this device, or unknown to this build.
              Case(status: 403, code: "vault-damaged", expected: .notAuthorised),
              Case(status: 400, code: "wrong-passphrase", expected: .invalidInput),
              Case(status: 400, code: "disk-full", expected: .invalidInput),
              Case(status: 400, code: "a-code-from-the-future", expected: .invalidInput),
              // A server failure is a network problem whatever its body claims.
              Case(status: 500, code: "not-found", expected: .network),
          ])
    func serverCodeTravels(_ c: Case) async throws {
        let error = try await Self.refusal(status: c.status, code: c.code)
        #expect(error.code == c.expected)
        #expect(error.message.contains("refused by the canned server"))
    }

    @Test("a hostile server cannot write control sequences or pages of text to the user's terminal")
    func hostileTextIsCleanedAndCapped() async throws {
        let escape = "\u{1B}]0;casebook: all clear\u{07}\u{1B}[2J\u{1B}[1;1H"
        let message = "you are fine\r\n\(escape)\u{202E}desrever\u{9B}31m" + String(repeating: "spam ", count: 40_000)
        let error = try await Self.refusal(status: 403, code: "training-missing\u{1B}[31m", message: message)
        // The code is not code-shaped: ignored, the kind decides (403 → not authorised).
        #expect(error.code == .notAuthorised)
        let controls = error.message.unicodeScalars.filter {
            $0.value < 0x20 || (0x7F...0x9F).contains($0.value) || $0.properties.generalCategory == .format
        }
        #expect(controls.isEmpty, "control or format characters reached the message: \(controls.map(\.value))")
        #expect(error.message.count <= UntrustedText.messageLimit + 100, "the message is capped (\(error.message.count) characters)")
        #expect(error.message.contains("you are fine"))
        #expect(error.message.hasSuffix("…"))
    }

    @Test("a removed device's sync fails with the server's device-removed code, through the real routes")
    func removedDeviceSyncCarriesTheServersCode() async throws {
        let org = try await TestOrganisation.make()
        let owner = try await org.join("Olu Owner", role: .practitioner)
        try await owner.sync()
        _ = try await org.admin.client().removeDevice(owner.vault.device)
        let error = await #expect(throws: CasebookError.self) { try await owner.sync() }
        #expect(error?.code == .deviceRemoved, "by transport kind alone this was not-authorised")
        #expect(error?.message.hasPrefix("this device was removed from the organisation by an administrator") == true)
    }

    @Test("the server's push refusals reach the report as typed reasons, their text cleaned")
    func pushRefusalReasonsAreTyped() throws {
        #expect(RefusalReason(CasebookError.Code.tampered) == .tampered)
        #expect(RefusalReason(RuleReason.finalised).rawValue == "record-finalised")
        // Wire compatible: a plain JSON string both ways.
        let encoded = try JSONEncoder().encode(PushRejection(id: "r1", error: .unknownEpoch, message: "m"))
        #expect(String(decoding: encoded, as: UTF8.self).contains("\"error\":\"unknown-epoch\""))
        let decoded = try JSONDecoder().decode(PushRejection.self, from: Data(#"{"id":"r1","error":"clock-skew","message":"m"}"#.utf8))
        #expect(decoded.error == .clockSkew)
    }
}

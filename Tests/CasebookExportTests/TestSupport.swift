import CasebookExport
import Crypto
import Foundation
import Testing
import ZIPFoundation

/// Fixtures and helpers for the bundle tests.
enum Fixture {
    static let password = "correct horse battery staple"

    static func contents(sessions: Int = 3) -> [BundleContent] {
        var records = "{\"sessions\":["
        records += (0..<sessions).map { "{\"id\":\"s\($0)\",\"topics\":\"general wellbeing\"}" }.joined(separator: ",")
        records += "]}\n"
        return [
            BundleContent(path: "README.txt", data: Data("Your records.\n".utf8)),
            BundleContent(path: "records.json", data: Data(records.utf8)),
            BundleContent(path: "schema.json", data: Data("{\"type\":\"object\"}\n".utf8)),
            BundleContent(path: "report.html", data: Data("<!doctype html><title>Records</title>\n".utf8)),
        ]
    }

    static let metadata = BundleMetadata(
        caseID: "C-0042", requestID: "SAR-7", createdAt: Date(timeIntervalSince1970: 1_790_000_000), softwareVersion: "0.1.0-test")

    static func bundle(key: Curve25519.Signing.PrivateKey = Curve25519.Signing.PrivateKey(), password: String? = nil) throws -> Data {
        try BundleWriter(signingKey: key).archiveData(contents(), metadata: metadata, password: password.map { try BundlePassword($0) }).archive
    }

    /// Every entry of a plain zip, in order.
    static func entries(of zip: Data) throws -> [(String, Data)] {
        let archive = try Archive(data: zip, accessMode: .read)
        var result: [(String, Data)] = []
        for entry in archive {
            var data = Data()
            _ = try archive.extract(entry) { data.append($0) }
            result.append((entry.path, data))
        }
        return result
    }

    /// A plain zip holding exactly `entries` (duplicates and hostile names allowed), built with ZIPFoundation.
    static func zip(_ entries: [(String, Data)]) throws -> Data {
        let archive = try Archive(data: Data(), accessMode: .create)
        for (path, data) in entries {
            try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) {
                position, size in data.subdata(in: Int(position)..<(Int(position) + size))
            }
        }
        return try #require(archive.data)
    }
}

/// Runs real command-line tools.
enum Tool {
    static func path(_ name: String) -> String? {
        let directories = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        for directory in directories + ["/usr/bin", "/usr/local/bin", "/bin"] {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Runs `name` with `arguments`; nil (and an issue recorded) when the tool is not installed.
    static func run(_ name: String, _ arguments: [String], in directory: URL? = nil) throws -> (status: Int32, output: String)? {
        guard let executable = path(name) else {
            Issue.record("\(name) is not installed: the bundle must be checked with it (apt-get install p7zip-full unzip openssl)")
            return nil
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }
}

// ExportBench: times writing and verifying a subject-access bundle for a client with 1,000 sessions.
// Called from main.swift (owned by the lead); returns the lines to print.

import CasebookExport
import Crypto
import Foundation

/// Builds 1,000 synthetic session records (records.json, report.html, schema.json, README.txt),
/// then times `BundleWriter.write` and `BundleVerifier.verify`, plain and with a password.
/// Goal (issue 5): under one second each.
func runExportBenchmark() throws -> [String] {
    let sessions = 1_000
    let contents = syntheticBundleContents(sessions: sessions)
    let bytes = contents.reduce(0) { $0 + $1.data.count }
    let key = Curve25519.Signing.PrivateKey()
    let writer = BundleWriter(signingKey: key)
    let verifier = BundleVerifier(trustedKey: key.publicKey)
    let metadata = BundleMetadata(caseID: "C-BENCH", requestID: "SAR-BENCH", createdAt: Date(), softwareVersion: "bench")
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("casebook-export-bench-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }

    var lines = ["export: \(sessions) sessions, \(bytes / 1024) KiB of content"]
    for password in [nil, try BundlePassword("bench-password-not-secret")] {
        let label = password == nil ? "plain" : "aes-256"
        let url = directory.appendingPathComponent("bundle-\(label).zip")
        let writeStart = ContinuousClock.now
        try writer.write(contents, metadata: metadata, to: url, password: password)
        let writeSeconds = seconds(ContinuousClock.now - writeStart)
        let verifyStart = ContinuousClock.now
        let report = verifier.verify(archiveAt: url, password: password)
        let verifySeconds = seconds(ContinuousClock.now - verifyStart)
        guard report.isValid else { throw report.problems[0] }
        let size = (try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? NSNumber)?.intValue ?? 0
        lines.append(String(format: "export %@: write %.3f s, verify %.3f s, bundle %d KiB", label, writeSeconds, verifySeconds, size / 1024))
    }
    return lines
}

private func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

/// Synthetic content shaped like a real bundle: one JSON object and one HTML section per session.
private func syntheticBundleContents(sessions: Int) -> [BundleContent] {
    var json = "{\n  \"sessions\": [\n"
    var html = "<!doctype html><html><head><meta charset=\"utf-8\"><title>Records</title></head><body>\n"
    for index in 0..<sessions {
        let day = 1 + index % 28
        let month = 1 + (index / 28) % 12
        let date = String(format: "2025-%02d-%02d", month, day)
        json += """
                {"id": "session-\(index)", "date": "\(date)", "durationMinutes": \(30 + index % 60), "platform": "Microsoft Teams",
                 "topics": "general wellbeing, study pressure, sleep routine \(index % 17)",
                 "progress": "client reports steadier mood; practising the breathing exercise \(index % 11) times a week",
                 "followUp": "review sleep diary next session; share leaflet \(index % 5)",
                 "amendments": [{"at": "\(date)T12:00:00Z", "reason": "typo corrected", "by": "practitioner-\(index % 4)"}]}
            """
        json += index == sessions - 1 ? "\n" : ",\n"
        html += "<section><h2>Session \(index + 1): \(date)</h2><p>Topics: general wellbeing, study pressure</p>"
        html += "<p>Progress: steadier mood \(index % 11)</p><p>Follow-up: review sleep diary</p></section>\n"
    }
    json += "  ]\n}\n"
    html += "</body></html>\n"
    return [
        BundleContent(path: "README.txt", data: Data(String(repeating: "About your records.\n", count: 100).utf8)),
        BundleContent(path: "records.json", data: Data(json.utf8)),
        BundleContent(path: "schema.json", data: Data("{\"$schema\": \"https://json-schema.org/draft/2020-12/schema\"}\n".utf8)),
        BundleContent(path: "report.html", data: Data(html.utf8)),
    ]
}

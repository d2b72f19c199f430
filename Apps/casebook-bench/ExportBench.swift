// ExportBench: times writing and verifying a subject-access bundle for a client with 1,000 sessions.
// Called from main.swift (owned by the lead); returns the lines to print.

import CasebookExport
import CasebookModels
import Crypto
import Foundation

/// Builds a client with 1,000 session records (plus amendments, concerns, disclosures), then times
/// (median of 5) `SubjectAccessExporter.export` (mask → records.json, report.html, README → sign → zip → atomic
/// write) and `BundleVerifier.verify`, plain and with a password. Goal (issue 5): under one second each.
func runExportBenchmark() throws -> [String] {
    let sessions = 1_000
    let records = syntheticRecords(sessions: sessions)
    let key = Curve25519.Signing.PrivateKey()
    let exporter = SubjectAccessExporter(
        writer: BundleWriter(signingKey: key),
        notice: AccessResponseNotice(organisationName: "Bench Mentoring", contact: "records@example.org"),
        softwareVersion: "bench")
    let verifier = BundleVerifier(trustedKey: key.publicKey)
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("casebook-export-bench-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }

    // Baseline: write the same content bytes to a file and read them back (no masking, no zip, no crypto).
    let plainContent = try exporter.contents(records, requestID: "sar-bench", createdAt: Date(), encrypted: false).contents
    let baselineURL = directory.appendingPathComponent("baseline.bin")
    let baseline = try Harness.median(runs: 5, warmup: 1) {
        for content in plainContent { try content.data.write(to: baselineURL) }
        for _ in plainContent { _ = try Data(contentsOf: baselineURL) }
    }

    var lines: [String] = []
    for password in [nil, try BundlePassword("bench-password-not-secret")] {
        let label = password == nil ? "plain" : "aes-256"
        let url = directory.appendingPathComponent("bundle-\(label).zip")
        var result: SubjectAccessExport?
        let exportTime = try Harness.median(runs: 5, warmup: 1) {
            try? FileManager.default.removeItem(at: url)
            result = try exporter.export(records, requestID: "sar-bench", to: url, password: password)
        }
        var report = BundleVerificationReport()
        let verifyTime = Harness.median(runs: 5, warmup: 1) { report = verifier.verify(archiveAt: url, password: password) }
        guard report.isValid, let result else { throw report.problems.first ?? ExportError(.ioFailure, "no export") }
        let size = (try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? NSNumber)?.intValue ?? 0
        let content = result.manifest.files.reduce(0) { $0 + $1.size }
        lines.append(Harness.row("export sar \(label), \(result.counts["sessions"] ?? 0) sessions", exportTime,
                                 baselineName: "write+read content", baseline, goal: "< 1 s"))
        lines.append(Harness.row("export verify \(label)", verifyTime, baselineName: "write+read content", baseline, goal: "< 1 s"))
        lines.append("  content \(content / 1024) KiB, bundle \(size / 1024) KiB, \(result.redactionLog.count) identifiers withheld")
    }
    return lines
}


/// A client with `sessions` finalised sessions whose notes mention a sibling and a practitioner.
private func syntheticRecords(sessions: Int) -> SubjectAccessRecords {
    let clientID = ClientID(rawValue: "case-bench")
    let start = LocalDate(year: 2020, month: 1, day: 6) ?? LocalDate(Date())
    let client = Client(
        id: clientID, name: "Bench Client", bornOn: LocalDate(year: 2001, month: 2, day: 3),
        related: [RelatedPerson(name: "Sibling Person", relation: "sister")], contacts: ["client@example.org"])
    let practitioner = PersonID(rawValue: "staff-bench")
    var sessionRecords: [SessionRecord] = []
    var amendments: [Amendment] = []
    for index in 0..<sessions {
        let id = RecordID(rawValue: "session-\(index)")
        sessionRecords.append(
            SessionRecord(
                id: id, clientID: clientID, practitioner: practitioner, on: start.addingDays(index * 2), minutes: 30 + index % 60,
                platform: "Microsoft Teams", practitionerPrivate: true, clientPrivate: true,
                topics: "general wellbeing, study pressure, sleep routine; talked about Sibling Person (\(index % 17))",
                progress: "steadier mood; practising the breathing exercise \(index % 11) times a week",
                followUp: "review sleep diary next session with Pat Practitioner; share leaflet \(index % 5)", status: .finalised))
        if index % 10 == 0 {
            amendments.append(
                Amendment(
                    id: RecordID(rawValue: "amendment-\(index)"), sessionID: id, clientID: clientID, text: "typo corrected",
                    author: practitioner, on: start.addingDays(index * 2 + 1)))
        }
    }
    let concerns = (0..<5).map { index in
        SafeguardingConcern(
            id: RecordID(rawValue: "concern-\(index)"), clientID: clientID, category: .riskToSelf,
            details: "low mood reported by Sibling Person", raisedBy: practitioner, raisedOn: start.addingDays(index * 100),
            status: .closed, outcome: "referred to GP")
    }
    let disclosures = [
        Disclosure(
            id: RecordID(rawValue: "disclosure-1"), clientID: clientID, recipient: "Family Court", purpose: "court order",
            basis: .courtOrder, reference: "CO-1", requestedBy: practitioner, requestedOn: start.addingDays(400), status: .released,
            approvedOn: start.addingDays(401))
    ]
    return SubjectAccessRecords(
        client: client, sessions: sessionRecords, amendments: amendments, concerns: concerns, disclosures: disclosures,
        accessRequests: [AccessRequest(id: RecordID(rawValue: "sar-bench"), clientID: clientID, receivedOn: start.addingDays(2000))],
        staffNames: ["Pat Practitioner"], otherClientNames: ["Other Client"])
}

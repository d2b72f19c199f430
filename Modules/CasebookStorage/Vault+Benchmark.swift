import CasebookCrypto
import CasebookModels
import Foundation
import GRDB

/// Access for the benchmark's floor measurement only: `@_spi(Benchmarks)`, so only a module that
/// says `@_spi(Benchmarks) import CasebookStorage` (casebook-bench) sees these unwrapped keys;
/// `Scripts/check-layering` keeps them out of casebook and casebook-server (ADR 0026).
extension Vault {
    @_spi(Benchmarks) public func sealedRevisionsForBenchmark() throws(CasebookError) -> [SealedRevision] {
        return try read("reading revisions") { db in try sealedRevisions(db) }
    }

    @_spi(Benchmarks) public func authorKeysForBenchmark() throws(CasebookError) -> [DeviceID: DevicePublicKeys] {
        return try read("reading devices") { db in
            var out: [DeviceID: DevicePublicKeys] = [:]
            for id in try String.fetchAll(db, sql: "SELECT device_id FROM devices") {
                if let keys = try devicePublicKeys(db, DeviceID(rawValue: id)) { out[keys.deviceID] = keys }
            }
            return out
        }
    }

    @_spi(Benchmarks) public func caseKeysForBenchmark() throws(CasebookError) -> [String: CaseKey] {
        return try read("reading keys") { db in
            var out: [String: CaseKey] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT case_id, epoch FROM case_keys WHERE recipient = ?", arguments: [device.rawValue]) {
                let caseID = CaseID(rawValue: row["case_id"]), epoch = UInt32(row["epoch"] as Int64)
                if let key = try caseKey(db, caseID: caseID, epoch: epoch) { out["\(caseID.rawValue)#\(epoch)"] = key }
            }
            return out
        }
    }

    /// The sync apply path's overlap of verification (on `concurrency` threads) with in-order
    /// consumption on this thread, for the floor: `consume(i, verdict)` runs as results arrive.
    @_spi(Benchmarks) public static func verifyStreamingForBenchmark(_ items: [SealedRevision], concurrency: Int,
                                                    _ check: @escaping @Sendable (SealedRevision) -> Bool,
                                                    consume: (Int, Bool) throws -> Void) rethrows {
        let results = verifyStreaming(items, concurrency: concurrency, check)
        for i in items.indices { try consume(i, results.wait(i)) }
    }
}

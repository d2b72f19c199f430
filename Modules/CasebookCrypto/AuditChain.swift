public import CasebookModels
public import Crypto
public import Foundation

/// The audit log's hash chain: each entry's MAC covers the previous entry's MAC and the entry's
/// canonical text. Keyed with the device's audit key, so an attacker with the file but without
/// the passphrase cannot rewrite the chain after editing, inserting, reordering or deleting entries.
public enum AuditChain {
    public static let genesis = Data(repeating: 0, count: 32)

    public static func link(previous: Data, entry: AuditEntry, key: SymmetricKey) -> Data {
        var mac = HMAC<SHA256>(key: key)
        mac.update(data: Data("casebook/audit/v1".utf8))
        mac.update(data: previous)
        mac.update(data: Data(entry.canonicalText.utf8))
        return Data(mac.finalize())
    }

    /// Verification result: the first sequence number whose link does not hold, if any.
    public static func firstBrokenLink(_ entries: [(entry: AuditEntry, mac: Data)], key: SymmetricKey,
                                       head: (sequence: Int64, mac: Data)?) -> Int64? {
        var previous = genesis
        var expectedSequence: Int64 = 1
        for (entry, mac) in entries {
            guard entry.sequence == expectedSequence else { return expectedSequence }
            let computed = link(previous: previous, entry: entry, key: key)
            guard computed == mac else { return entry.sequence }
            previous = mac
            expectedSequence += 1
        }
        if let head {
            guard head.sequence == expectedSequence - 1, head.mac == previous else { return expectedSequence }
        }
        return nil
    }

    /// MAC of the chain's head, stored separately so that deleting the newest entries is detected.
    public static func headMAC(sequence: Int64, mac: Data, key: SymmetricKey) -> Data {
        var h = HMAC<SHA256>(key: key)
        h.update(data: Data("casebook/audit-head/v1|\(sequence)|".utf8))
        h.update(data: mac)
        return Data(h.finalize())
    }
}

public import CasebookCrypto
public import CasebookModels
import Foundation

/// What the server knows about a case's key epochs (ADR 0013): the newest epoch it holds a key of
/// and, per epoch above 0, the rotation statement that created it (the first one stored wins).
public struct KeyEpochFacts: Sendable, Hashable {
    public var newest: UInt32?
    public var rotations: [UInt32: KeyRotationStatement]

    public init(newest: UInt32?, rotations: [UInt32: KeyRotationStatement]) {
        self.newest = newest
        self.rotations = rotations
    }
}

/// The `wrapped_keys.rotation` column: a rotation statement as JSON (sorted keys), NULL for epoch 0
/// and for rows stored before statements existed.
enum RotationColumn {
    static func encode(_ statement: KeyRotationStatement?) -> Data? {
        guard let statement else { return nil }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return try? encoder.encode(statement)
    }

    static func decode(_ data: Data?) -> KeyRotationStatement? {
        data.flatMap { try? JSONDecoder().decode(KeyRotationStatement.self, from: $0) }
    }

    /// Inside a store's key transaction: refuses a key whose epoch already has another statement.
    static func requireSame(_ stored: Data?, as key: WrappedCaseKey) throws(CasebookError) {
        try requireSame(decode(stored), as: key)
    }

    /// The rule itself, for stores that keep statements decoded (`InMemoryServerStore`).
    static func requireSame(_ stored: KeyRotationStatement?, as key: WrappedCaseKey) throws(CasebookError) {
        guard let stored, stored != key.rotation else { return }
        throw CasebookError(.conflict, "epoch \(key.epoch) of case \(key.caseID) was created by another rotation statement")
    }
}

/// The clear header of a revision. Everything else is in the encrypted body.
///
/// Invariant: nothing here is client content. The header is the associated data of the body's
/// AEAD encryption, so it cannot be re-labelled (moved to another case, record or type) undetected.
public struct RevisionHeader: Hashable, Sendable, Codable {
    public static let currentFormat: UInt8 = 1

    public var format: UInt8
    public var recordID: RecordID
    public var recordType: RecordType
    public var caseID: CaseID
    public var authorDevice: DeviceID
    public var hlc: HLCTimestamp
    public var keyEpoch: UInt32

    public init(format: UInt8 = RevisionHeader.currentFormat, recordID: RecordID, recordType: RecordType, caseID: CaseID,
                authorDevice: DeviceID, hlc: HLCTimestamp, keyEpoch: UInt32) {
        self.format = format
        self.recordID = recordID
        self.recordType = recordType
        self.caseID = caseID
        self.authorDevice = authorDevice
        self.hlc = hlc
        self.keyEpoch = keyEpoch
    }
}

/// The decrypted body of a revision: the fields it sets (a patch), who wrote it, under which policy.
public struct RevisionBody: Hashable, Sendable, Codable {
    public var fields: [String: JSONValue]
    public var author: PersonID
    public var policyVersion: String?

    public init(fields: [String: JSONValue], author: PersonID, policyVersion: String?) {
        self.fields = fields
        self.author = author
        self.policyVersion = policyVersion
    }
}

/// A verified, decrypted revision.
public struct Revision: Hashable, Sendable {
    public var id: RevisionID
    public var header: RevisionHeader
    public var body: RevisionBody

    public init(id: RevisionID, header: RevisionHeader, body: RevisionBody) {
        self.id = id
        self.header = header
        self.body = body
    }
}

extension Revision: CustomStringConvertible {
    /// Never prints the body: field values may be client content.
    public var description: String {
        "Revision(\(id.rawValue.prefix(12)), \(header.recordType.rawValue) \(header.recordID), case \(header.caseID), \(header.hlc))"
    }
}

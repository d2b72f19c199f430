/// The clear header of a revision. Everything else is in the encrypted body.
///
/// Invariant: nothing here is client content. The header is the associated data of the body's
/// AEAD encryption, so it cannot be re-labelled (moved to another case, record or type) undetected.
public struct RevisionHeader: Hashable, Sendable, Codable {
    /// Format 2 adds `deviceSeq`; format 1 (no number) is still read, so older revisions keep their content address.
    public static let currentFormat: UInt8 = 2
    public static let unnumberedFormat: UInt8 = 1

    public var format: UInt8
    public var recordID: RecordID
    public var recordType: RecordType
    public var caseID: CaseID
    public var authorDevice: DeviceID
    public var hlc: HLCTimestamp
    public var keyEpoch: UInt32
    /// The writing device's own number for this revision in this case: 1, 2, 3… per (device, case),
    /// signed with the header. A receiver that holds numbers on both sides of a gap knows the server
    /// has not served it the revisions in between (ADR 0014). Nil in format-1 headers.
    public var deviceSeq: UInt64?

    /// `format` defaults to 2 when `deviceSeq` is given, else 1.
    public init(format: UInt8? = nil, recordID: RecordID, recordType: RecordType, caseID: CaseID,
                authorDevice: DeviceID, hlc: HLCTimestamp, keyEpoch: UInt32, deviceSeq: UInt64? = nil) {
        self.format = format ?? (deviceSeq == nil ? Self.unnumberedFormat : Self.currentFormat)
        self.recordID = recordID
        self.recordType = recordType
        self.caseID = caseID
        self.authorDevice = authorDevice
        self.hlc = hlc
        self.keyEpoch = keyEpoch
        self.deviceSeq = deviceSeq
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

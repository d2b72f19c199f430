/// The current state of one record, merged from all its revisions.
public struct MergedRecord: Hashable, Sendable {
    public var recordID: RecordID
    public var recordType: RecordType
    public var caseID: CaseID
    public var fields: [String: JSONValue]
    public var createdAt: HLCTimestamp
    public var createdBy: PersonID
    public var updatedAt: HLCTimestamp
    public var updatedBy: PersonID
    /// Revisions that took effect, in merge order.
    public var applied: [RevisionID]
    /// Revisions that were received but ignored by the merge rule (e.g. edits after finalisation).
    public var ignored: [RevisionID]
    /// Policy version in force when the record was last changed.
    public var policyVersion: String?

    public func decode<T: Decodable>(_ type: T.Type) throws(CasebookError) -> T {
        try FieldCoding.decode(type, from: fields)
    }
}

/// Deterministic merge of a record's revisions.
///
/// Invariant: the result depends only on the *set* of revisions, never on the order they arrived
/// in, so every replica that holds the same revisions shows the same record (no conflicted copies).
/// Revisions are totally ordered by `(hlc, authorDevice, id)`; ties on HLC are broken by device id,
/// then by content address.
public enum RecordMerge {
    public static func order(_ a: Revision, _ b: Revision) -> Bool {
        if a.header.hlc != b.header.hlc { return a.header.hlc < b.header.hlc }
        if a.header.authorDevice != b.header.authorDevice { return a.header.authorDevice < b.header.authorDevice }
        return a.id < b.id
    }

    /// Merges revisions of one record. Revisions whose record id, type or case differ from the
    /// earliest revision's are ignored (a header cannot move a record).
    public static func merge(_ revisions: some Sequence<Revision>) -> MergedRecord? {
        var unique: [RevisionID: Revision] = [:]
        for r in revisions { unique[r.id] = r }
        let sorted = unique.values.sorted(by: order)
        guard let first = sorted.first else { return nil }
        var record = MergedRecord(
            recordID: first.header.recordID, recordType: first.header.recordType, caseID: first.header.caseID,
            fields: [:], createdAt: first.header.hlc, createdBy: first.body.author,
            updatedAt: first.header.hlc, updatedBy: first.body.author, applied: [], ignored: [],
            policyVersion: first.body.policyVersion)
        var closed = false
        for r in sorted {
            let sameRecord = r.header.recordID == record.recordID && r.header.recordType == record.recordType
                && r.header.caseID == record.caseID
            guard sameRecord, !closed else {
                record.ignored.append(r.id)
                continue
            }
            for (key, value) in r.body.fields { record.fields[key] = value }
            record.applied.append(r.id)
            record.updatedAt = r.header.hlc
            record.updatedBy = r.body.author
            if let v = r.body.policyVersion { record.policyVersion = v }
            switch record.recordType.mergeRule {
            case .appendOnly: closed = true
            case .lastWriterWinsUntilFinalised: closed = record.fields["status"] == .string(SessionStatus.finalised.rawValue)
            case .lastWriterWinsPerField: break
            }
        }
        record.fields = record.fields.filter { $0.value != .null }
        return record
    }
}

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
    /// Revisions that were received but refused by the rulebook (e.g. edits after finalisation), sorted.
    public var ignored: [RevisionID]
    /// Policy version in force when the record was last changed.
    public var policyVersion: String?
    /// Why each ignored revision was kept out of state (the rulebook's reason).
    public var violations: [RevisionID: RuleViolation] = [:]

    public func decode<T: Decodable>(_ type: T.Type) throws(CasebookError) -> T {
        try FieldCoding.decode(type, from: fields)
    }
}

/// Deterministic merge of a record's revisions, through the rulebook.
///
/// Invariant: the result depends only on the *set* of revisions and the signer of each (from the
/// receiver's trusted device set), never on the order they arrived in, so every replica that holds
/// the same revisions shows the same record (no conflicted copies). Revisions are totally ordered
/// by `(hlc, authorDevice, id)`; ties on HLC are broken by device id, then by content address.
/// Each revision, in that order, must pass `Rulebook.transition` against the state before it;
/// one that does not is kept out of state and listed in `ignored` with its violation.
public enum RecordMerge {
    public static func order(_ a: Revision, _ b: Revision) -> Bool {
        if a.header.hlc != b.header.hlc { return a.header.hlc < b.header.hlc }
        if a.header.authorDevice != b.header.authorDevice { return a.header.authorDevice < b.header.authorDevice }
        return a.id < b.id
    }

    /// Merges revisions of one record. `signers` gives the receiver's view of each signing device
    /// (nil: not trusted, so its revisions are ignored). Nil when no revision is admitted.
    public static func merge(_ revisions: some Sequence<Revision>, signers: (DeviceID) -> Signer?) -> MergedRecord? {
        evaluate(revisions, signers: signers).record
    }

    /// The merged record (nil if no revision is admitted) and every revision kept out of it, with why.
    public static func evaluate(_ revisions: some Sequence<Revision>,
                                signers: (DeviceID) -> Signer?) -> (record: MergedRecord?, refused: [RevisionID: RuleViolation]) {
        var unique: [RevisionID: Revision] = [:]
        for r in revisions { unique[r.id] = r }
        var record: MergedRecord?
        var refused: [RevisionID: RuleViolation] = [:]
        for r in unique.values.sorted(by: order) {
            let violation: RuleViolation? = if let signer = signers(r.header.authorDevice) {
                Rulebook.transition(prior: record, revision: r, signer: signer)
            } else {
                RuleViolation(.unknownDevice, "device \(r.header.authorDevice) is not certified by the organisation")
            }
            if let violation {
                refused[r.id] = violation
                continue
            }
            if record == nil {
                record = MergedRecord(
                    recordID: r.header.recordID, recordType: r.header.recordType, caseID: r.header.caseID, fields: [:],
                    createdAt: r.header.hlc, createdBy: r.body.author, updatedAt: r.header.hlc, updatedBy: r.body.author,
                    applied: [], ignored: [], policyVersion: r.body.policyVersion)
            }
            apply(r, to: &record!)
        }
        guard var merged = record else { return (nil, refused) }
        merged.fields = merged.fields.filter { $0.value != .null }
        merged.ignored = refused.keys.sorted()
        merged.violations = refused
        return (merged, refused)
    }

    static func apply(_ r: Revision, to record: inout MergedRecord) {
        // A finalising revision that carries the whole note replaces the state: nothing stamped
        // before it (a backdated edit included) can win a field by per-field last-writer-wins.
        if record.recordType == .session, r.body.fields["status"] == .string(SessionStatus.finalised.rawValue),
           SessionRecord.fieldNames.allSatisfy({ r.body.fields[$0] != nil }) {
            record.fields = r.body.fields
        } else {
            for (key, value) in r.body.fields { record.fields[key] = value }
        }
        record.applied.append(r.id)
        record.updatedAt = r.header.hlc
        record.updatedBy = r.body.author
        if let v = r.body.policyVersion { record.policyVersion = v }
    }
}

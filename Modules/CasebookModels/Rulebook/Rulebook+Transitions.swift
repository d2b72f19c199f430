extension Rulebook {
    /// Decides whether `revision`, signed by `signer`, may change a record whose state before it
    /// (in merge order) is `prior` (nil: the revision creates the record). Includes `admit`.
    ///
    /// `RecordMerge.merge` calls this for each revision in merge order, so every replica holding
    /// the same revisions keeps the same ones out of state, whatever order they arrived in.
    public static func transition(prior: MergedRecord?, revision: Revision, signer: Signer) -> RuleViolation? {
        let header = revision.header
        if let violation = admit(header: header, body: revision.body, signer: signer) { return violation }
        let fields = revision.body.fields
        guard let prior else { return creation(header, fields, signer) }
        guard header.recordID == prior.recordID, header.recordType == prior.recordType, header.caseID == prior.caseID else {
            return RuleViolation(.moved, "the revision names record \(header.recordID) of type \(header.recordType.rawValue) in case \(header.caseID), but the record is a \(prior.recordType.rawValue) in case \(prior.caseID)")
        }
        let record = "\(prior.recordType.rawValue) \(prior.recordID)"
        if prior.recordType.mergeRule == .appendOnly {
            return RuleViolation(.appendOnly, "\(record) is append-only and already written")
        }
        if let key = creatorField(of: prior.recordType), fields.isSet(key), prior.fields.value(key) != fields[key] {
            return RuleViolation(.historyRewrite, "the revision rewrites \(key) of \(record)")
        }
        switch prior.recordType {
        case .session: return sessionChange(prior, fields, signer, record)
        case .concern: return concernChange(prior, fields, signer, record)
        case .disclosure: return disclosureChange(prior, fields, signer, record)
        case .breach: return breachChange(prior, fields, record)
        default: return nil
        }
    }

    static let breachOpenFields = ["id", "device", "cause", "openedBy", "openedAt", "deadline", "status"]
    static let breachDecisionFields = ["status", "decidedBy", "decidedAt", "reference", "assessment"]

    /// A breach is decided once (reported to the ICO, or assessed as no risk, ADR 0022); what it
    /// records about the device and the clock never changes, so nobody moves the deadline.
    static func breachChange(_ prior: MergedRecord, _ fields: [String: JSONValue], _ record: String) -> RuleViolation? {
        if prior.fields.value("status") != .string(BreachStatus.open.rawValue) {
            return RuleViolation(.finalised, "\(record) is already decided; open a new breach for a new incident")
        }
        for (key, value) in fields where !breachDecisionFields.contains(key) && prior.fields.value(key) != value.nonNull {
            return RuleViolation(.historyRewrite, "the revision changes \(key) of \(record), fixed when it was opened")
        }
        if let status = fields.string("status"), status != BreachStatus.open.rawValue,
           !(fields.isSet("decidedBy") && fields.isSet("decidedAt")) {
            return RuleViolation(.invalidCreation, "the revision decides \(record) without saying who decided and when")
        }
        return nil
    }

    static func creation(_ header: RevisionHeader, _ fields: [String: JSONValue], _ signer: Signer) -> RuleViolation? {
        let record = "\(header.recordType.rawValue) \(header.recordID)"
        switch header.recordType {
        case .concern:
            guard concernRaiseFields.allSatisfy({ fields.isSet($0) }), fields.string("status") == ConcernStatus.open.rawValue,
                  !concernDSLFields.contains(where: { fields.isSet($0) }) else {
                return RuleViolation(.invalidCreation, "the first revision of \(record) does not raise it (every concern starts open, with who raised it, when and why)")
            }
        case .breach:
            guard breachOpenFields.allSatisfy({ fields.isSet($0) }), fields.string("status") == BreachStatus.open.rawValue,
                  !["decidedBy", "decidedAt"].contains(where: { fields.isSet($0) }) else {
                return RuleViolation(.invalidCreation, "the first revision of \(record) does not open it (every breach starts open, with its device, cause, who opened it and its clock)")
            }
        case .disclosure:
            guard disclosureRequestFields.allSatisfy({ fields.isSet($0) }) else {
                return RuleViolation(.invalidCreation, "the first revision of \(record) does not request it")
            }
        default: break
        }
        return nil
    }

    /// A finalised session never changes (only a linked amendment corrects it); a session is its
    /// practitioner's note, changed and finalised by them alone.
    static func sessionChange(_ prior: MergedRecord, _ fields: [String: JSONValue], _ signer: Signer, _ record: String) -> RuleViolation? {
        if prior.fields.value("status") == .string(SessionStatus.finalised.rawValue) {
            return RuleViolation(.finalised, "\(record) is finalised; it is corrected only by an amendment")
        }
        if prior.fields.value("status") == .string(SessionStatus.discarded.rawValue) {
            return RuleViolation(.finalised, "\(record) was discarded; it never changes again")
        }
        if let practitioner = prior.fields.value("practitioner")?.stringValue, practitioner != signer.person.rawValue {
            return RuleViolation(.notOwner, "\(record) is the note of \(practitioner); only they may change or finalise it")
        }
        return nil
    }

    static let concernStatusOrder: [String] = ConcernStatus.allCases.map(\.rawValue)  // open, acknowledged, closed

    static func concernChange(_ prior: MergedRecord, _ fields: [String: JSONValue], _ signer: Signer, _ record: String) -> RuleViolation? {
        let priorStatus = prior.fields.value("status")?.stringValue ?? ConcernStatus.open.rawValue
        if priorStatus == ConcernStatus.closed.rawValue {
            return RuleViolation(.finalised, "\(record) is closed; raise a new concern for a new worry")
        }
        guard signer.isDSL else {
            return RuleViolation(.dslOnly, "only the Designated Safeguarding Lead may change \(record) once it is raised")
        }
        for (key, value) in fields where key != "status" && prior.fields.value(key) != nil && prior.fields.value(key) != value.nonNull {
            return RuleViolation(.historyRewrite, "the revision rewrites \(key) of \(record), which is history")
        }
        for (key, value) in fields where !concernDSLFields.contains(key) && key != "status" && prior.fields.value(key) != value.nonNull {
            return RuleViolation(.historyRewrite, "the revision changes \(key) of \(record), fixed when it was raised")
        }
        let status = fields.string("status") ?? priorStatus
        guard let from = concernStatusOrder.firstIndex(of: priorStatus), let to = concernStatusOrder.firstIndex(of: status) else {
            return RuleViolation(.invalidCreation, "the revision gives \(record) an unknown status")
        }
        if to < from { return RuleViolation(.statusBackwards, "\(record) cannot go back from \(priorStatus) to \(status)") }
        func after(_ key: String) -> JSONValue? { fields[key].map(\.nonNull) ?? prior.fields.value(key) }
        if to >= 1, after("acknowledgedBy") == nil {
            return RuleViolation(.impersonation, "acknowledging \(record) must name the DSL who acknowledges it")
        }
        if to == 2, after("closedBy") == nil || after("outcome") == nil {
            return RuleViolation(.impersonation, "closing \(record) must name the DSL who closes it and the outcome")
        }
        if to < 2, concernDSLFields.filter({ $0.hasPrefix("closed") || $0 == "outcome" }).contains(where: { fields.isSet($0) }) {
            return RuleViolation(.historyRewrite, "the revision records a closure of \(record) without closing it")
        }
        return nil
    }

    static let disclosureApprovalFields = ["status", "approvedBy", "approvedOn"]

    static func disclosureChange(_ prior: MergedRecord, _ fields: [String: JSONValue], _ signer: Signer, _ record: String) -> RuleViolation? {
        guard signer.isDSL else {
            return RuleViolation(.dslOnly, "only the Designated Safeguarding Lead may change \(record) once it is requested")
        }
        for (key, value) in fields where prior.fields.value(key) != value.nonNull {
            if !disclosureApprovalFields.contains(key) {
                return RuleViolation(.historyRewrite, "the revision changes \(key) of \(record), which is the disclosure log")
            }
            if key != "status", prior.fields.value(key) != nil {
                return RuleViolation(.historyRewrite, "the revision rewrites \(key) of \(record), which is the disclosure log")
            }
        }
        let priorStatus = prior.fields.value("status")?.stringValue
        let status = fields.string("status") ?? priorStatus
        if priorStatus == DisclosureStatus.released.rawValue, status != priorStatus {
            return RuleViolation(.statusBackwards, "\(record) was released; a release cannot be taken back")
        }
        let basis = prior.fields.value("basis")?.stringValue.flatMap(DisclosureBasis.init(rawValue:))
        if status == DisclosureStatus.released.rawValue, basis?.needsApproval != false,
           (fields["approvedBy"]?.nonNull ?? prior.fields.value("approvedBy")) == nil {
            return RuleViolation(.impersonation, "releasing \(record) must name the DSL who approved it")
        }
        return nil
    }
}

extension JSONValue {
    /// nil for `.null` (a field set to null is a field removed).
    var nonNull: JSONValue? { self == .null ? nil : self }
}

extension [String: JSONValue] {
    /// A field's value, with null meaning absent.
    func value(_ key: String) -> JSONValue? { self[key]?.nonNull }
}

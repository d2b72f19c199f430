/// One rulebook, run by every party that receives a revision (CouchDB's `validate_doc_update` is
/// the model): the writing client before it seals, every receiving replica before it stores and
/// again whenever it merges, and the server for what it can see in clear headers.
///
/// Pure: it decides from the revision, the signer (built by the receiver from its own trusted
/// device set, never from the revision) and, for transitions, the record's state before it.
///
/// - `admitHeader`: what the server can check (record type vs the signer's certified roles,
///   stamp vs the signer's removal, record type vs kind of case).
/// - `admit`: plus the decrypted body, still without state: the body's author is the signer's
///   person; fields naming who acted name the signer; acknowledging, closing and approving are
///   the DSL's alone; anyone else may only create a concern or disclosure, never change one.
/// - `transition`: plus the record's prior state (ADR 0012): append-only records are written
///   once; a closed concern and a finalised session never change; a session changes only by its
///   practitioner; concern and disclosure history is append-only (fields fixed at creation or once
///   set are not rewritten, statuses only move forward).
public enum Rulebook {
    // MARK: - Header (the server runs this part too)

    /// Roles that may write a record type; nil: any certified member holding the case key.
    public static func permittedRoles(for type: RecordType) -> Set<Role>? {
        switch type {
        case .person, .training, .policyVersion, .settings: [.admin]
        case .destructionCertificate, .retentionHold, .breach: [.admin, .dsl]
        case .accessRequest: [.dsl, .recordsOfficer]
        default: nil
        }
    }

    public static func admitHeader(_ header: RevisionHeader, signer: Signer) -> RuleViolation? {
        guard signer.device == header.authorDevice else {
            return RuleViolation(.unknownDevice, "the revision is not signed by device \(header.authorDevice)")
        }
        if let removedAt = signer.removedAt, header.hlc > removedAt {
            return RuleViolation(.deviceRemoved, "device \(header.authorDevice) wrote the revision after an administrator removed it")
        }
        if header.recordType.isOrganisationWide != (header.caseID == .organisation) {
            return RuleViolation(.misplaced, "a \(header.recordType.rawValue) record does not belong in case \(header.caseID)")
        }
        if let roles = permittedRoles(for: header.recordType), !roles.contains(where: signer.has) {
            let names = roles.map(\.rawValue).sorted().joined(separator: " or ")
            return RuleViolation(.notAuthorised,
                                 "only \(names) may write \(header.recordType.rawValue) records; device \(header.authorDevice) is not certified for that")
        }
        return nil
    }

    // MARK: - Body, without state

    /// The field naming who created a record; when a revision carries it, it must name the signer.
    static func creatorField(of type: RecordType) -> String? {
        switch type {
        case .concern: "raisedBy"
        case .disclosure: "requestedBy"
        case .session: "practitioner"
        case .amendment: "author"
        case .concernAction: "by"
        case .releaseWithdrawal: "recordedBy"
        case .destructionCertificate: "erasedBy"
        case .breach: "openedBy"
        default: nil
        }
    }

    public static func admit(header: RevisionHeader, body: RevisionBody, signer: Signer) -> RuleViolation? {
        if let violation = admitHeader(header, signer: signer) { return violation }
        let fields = body.fields
        guard body.author == signer.person else {
            return RuleViolation(.authorMismatch, "the revision claims author \(body.author) but device \(signer.device) belongs to \(signer.person)")
        }
        if let key = creatorField(of: header.recordType), let named = fields.person(key), named != signer.person {
            return RuleViolation(.impersonation, "the revision's \(key) names \(named), not its signer \(signer.person)")
        }
        if header.recordType == .destructionCertificate, let device = fields.string("device"), device != signer.device.rawValue {
            return RuleViolation(.impersonation, "the destruction certificate names device \(device), not its signer \(signer.device)")
        }
        if header.recordType == .breach, let named = fields.person("decidedBy"), named != signer.person {
            return RuleViolation(.impersonation, "the revision's decidedBy on breach \(header.recordID) names \(named), not its signer \(signer.person)")
        }
        switch header.recordType {
        case .concern: return admitConcern(header, fields, signer)
        case .disclosure: return admitDisclosure(header, fields, signer)
        default: return nil
        }
    }

    static let concernRaiseFields = ["id", "clientID", "category", "details", "raisedBy", "raisedOn", "status"]
    static let concernDSLFields = ["acknowledgedBy", "acknowledgedOn", "closedBy", "closedOn", "outcome"]

    static func admitConcern(_ header: RevisionHeader, _ fields: [String: JSONValue], _ signer: Signer) -> RuleViolation? {
        let concern = "concern \(header.recordID)"
        let setsDSLField = concernDSLFields.contains { fields.isSet($0) }
        let status = fields.string("status")
        if !signer.isDSL {
            if setsDSLField || (status != nil && status != ConcernStatus.open.rawValue) {
                return RuleViolation(.dslOnly, "only the Designated Safeguarding Lead may acknowledge or close \(concern)")
            }
            // Anyone holding the case may raise a concern; only the DSL changes one once raised.
            guard concernRaiseFields.allSatisfy({ fields.isSet($0) }) else {
                return RuleViolation(.dslOnly, "only the Designated Safeguarding Lead may change \(concern) once it is raised")
            }
        }
        for key in ["acknowledgedBy", "closedBy"] {
            if let named = fields.person(key), named != signer.person {
                return RuleViolation(.impersonation, "the revision's \(key) on \(concern) names \(named), not its signer \(signer.person)")
            }
        }
        if let id = fields.string("id"), id != header.recordID.rawValue {
            return RuleViolation(.moved, "the revision's id field does not match \(concern)")
        }
        return nil
    }

    static let disclosureRequestFields = ["id", "clientID", "recipient", "purpose", "basis", "requestedBy", "requestedOn", "status"]

    static func admitDisclosure(_ header: RevisionHeader, _ fields: [String: JSONValue], _ signer: Signer) -> RuleViolation? {
        let disclosure = "disclosure \(header.recordID)"
        if fields.isSet("approvedBy") || fields.isSet("approvedOn") {
            guard signer.isDSL else {
                return RuleViolation(.dslOnly, "only the Designated Safeguarding Lead may approve \(disclosure)")
            }
            if let named = fields.person("approvedBy"), named != signer.person {
                return RuleViolation(.impersonation, "the revision's approvedBy on \(disclosure) names \(named), not its signer \(signer.person)")
            }
        }
        if !signer.isDSL {
            guard disclosureRequestFields.allSatisfy({ fields.isSet($0) }) else {
                return RuleViolation(.dslOnly, "only the Designated Safeguarding Lead may change \(disclosure) once it is requested")
            }
            let basis = fields.string("basis").flatMap(DisclosureBasis.init(rawValue:))
            if fields.string("status") == DisclosureStatus.released.rawValue, basis?.needsApproval != false {
                return RuleViolation(.dslOnly, "\(disclosure) needs the Designated Safeguarding Lead's approval before it is released")
            }
        }
        if let id = fields.string("id"), id != header.recordID.rawValue {
            return RuleViolation(.moved, "the revision's id field does not match \(disclosure)")
        }
        return nil
    }
}

extension [String: JSONValue] {
    /// Set to something other than null.
    func isSet(_ key: String) -> Bool { self[key].map { $0 != .null } ?? false }

    func string(_ key: String) -> String? {
        if case .string(let value)? = self[key] { return value }
        return nil
    }

    func person(_ key: String) -> PersonID? { string(key).map(PersonID.init(rawValue:)) }
}

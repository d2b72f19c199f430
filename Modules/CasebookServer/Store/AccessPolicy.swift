public import CasebookModels
import CasebookCrypto

/// Who may read and write which case, decided from the clear header and stored facts only.
/// Pure: the stores read the facts inside their transaction and ask this type.
///
/// - The organisation case: every active member reads it; only administrators write it.
/// - A client case: readable by people with an active, unexpired grant, and by the Designated
///   Safeguarding Lead (P7/P8: the DSL is the recipient of every case).
/// - Creating a case (its first revision): practitioners, DSLs and administrators; the creator
///   becomes its owner and receives a grant.
/// - Writing an existing case: a grant, or the DSL role.
public enum AccessPolicy {
    static let creatorRoles: Set<Role> = [.practitioner, .dsl, .admin]

    public static func canRead(_ caseID: CaseID, caller: Caller, facts: CaseFacts) -> Bool {
        guard caller.active else { return false }
        if caseID == .organisation || caller.role == .dsl { return true }
        return facts.granted
    }

    public static func canWrite(_ caseID: CaseID, caller: Caller, facts: CaseFacts) -> Bool {
        guard caller.active else { return false }
        if caseID == .organisation { return caller.role == .admin }
        if !facts.exists { return creatorRoles.contains(caller.role) }
        return facts.granted || caller.role == .dsl
    }

    /// Granting and revoking: the case owner, the DSL or an administrator.
    public static func canManageGrants(_ caseID: CaseID, caller: Caller, facts: CaseFacts) -> Bool {
        guard caller.active, caseID != .organisation else { return false }
        if caller.role == .dsl || caller.role == .admin { return true }
        return facts.owner == caller.person
    }

    /// Uploading wrapped keys: anyone who may read the case, or a DSL or administrator.
    public static func canUploadKeys(_ caseID: CaseID, caller: Caller, facts: CaseFacts) -> Bool {
        guard caller.active else { return false }
        if caller.role == .dsl || caller.role == .admin { return true }
        return canRead(caseID, caller: caller, facts: facts) || !facts.exists && creatorRoles.contains(caller.role)
    }

    /// The per-revision decision used inside the push transaction. Nil means accept.
    public static func pushDecision(_ revision: IncomingRevision, caller: Caller, facts: CaseFacts) -> PushOutcome? {
        let header = revision.sealed.header
        if header.recordType.isOrganisationWide != (header.caseID == .organisation) {
            return .rejected(code: .invalidInput,
                             message: "record type \(header.recordType.rawValue) does not belong in case \(header.caseID)")
        }
        guard canWrite(header.caseID, caller: caller, facts: facts) else {
            return .rejected(code: .notAuthorised, message: "not permitted to write this case")
        }
        return nil
    }
}

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
/// - An erased case (tombstone): nobody writes it, uploads its keys or manages its grants again.
/// - Erasing a case: the DSL or an administrator; the DSL may also write destruction certificates
///   to the organisation case (the record an erasure leaves behind).
public enum AccessPolicy {
    static let creatorRoles: Set<Role> = [.practitioner, .dsl, .admin]

    public static func canRead(_ caseID: CaseID, caller: Caller, facts: CaseFacts) -> Bool {
        guard caller.active else { return false }
        if caseID == .organisation || caller.role == .dsl { return true }
        return facts.granted
    }

    public static func canWrite(_ caseID: CaseID, caller: Caller, facts: CaseFacts) -> Bool {
        guard caller.active, !facts.erased else { return false }
        if caseID == .organisation { return caller.role == .admin }
        if !facts.exists { return creatorRoles.contains(caller.role) }
        return facts.granted || caller.role == .dsl
    }

    /// Granting and revoking: the case owner, the DSL or an administrator.
    public static func canManageGrants(_ caseID: CaseID, caller: Caller, facts: CaseFacts) -> Bool {
        guard caller.active, caseID != .organisation, !facts.erased else { return false }
        if caller.role == .dsl || caller.role == .admin { return true }
        return facts.owner == caller.person
    }

    /// Erasing a client case on the server: the DSL or an administrator (as on the replica).
    public static func canErase(_ caseID: CaseID, caller: Caller) -> Bool {
        caller.active && caseID != .organisation && (caller.role == .dsl || caller.role == .admin)
    }

    /// Uploading wrapped keys: anyone who may read a client case, or a DSL or administrator
    /// (ADR 0013 narrows this, in `SyncServer.checkKeyEpochs`: once a case exists, only those who
    /// may rotate it, `canRotate`);
    /// the organisation key only by administrators (every member reads that case, so any member
    /// could otherwise occupy a new device's key slot with a bogus key).
    public static func canUploadKeys(_ caseID: CaseID, caller: Caller, facts: CaseFacts) -> Bool {
        guard caller.active, !facts.erased else { return false }
        if caseID == .organisation { return caller.role == .admin }
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
        if facts.erased {
            return .rejected(code: .caseErased, message: "case \(header.caseID) was erased; its revisions are not accepted again")
        }
        // The DSL writes these two organisation records (destruction certificates; breaches, ADR 0022).
        if header.caseID == .organisation, header.recordType == .destructionCertificate || header.recordType == .breach, caller.active,
           caller.role == .dsl || caller.role == .admin {
            return nil
        }
        guard canWrite(header.caseID, caller: caller, facts: facts) else {
            return .rejected(code: .notAuthorised, message: "not permitted to write this case")
        }
        return nil
    }
}

extension AccessPolicy {
    /// Creating a new key epoch of a case, or uploading copies of an epoch above 0 (ADR 0013): the
    /// case's owner, a DSL or an administrator; the organisation case's only by administrators.
    /// Replicas apply the same rule to the rotation statement's signer (`Vault.mayRotate`).
    public static func canRotate(_ caseID: CaseID, caller: Caller, facts: CaseFacts) -> Bool {
        guard caller.active, !facts.erased else { return false }
        if caseID == .organisation { return caller.role == .admin }
        if caller.role == .dsl || caller.role == .admin { return true }
        return facts.owner == caller.person
    }
}

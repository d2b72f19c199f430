public import CasebookModels
public import CasebookRedaction
import Foundation

extension Vault {
    /// Live redaction preview for a client's session note (issue 14, the local web app): what
    /// `logSession` / `editDraft` would mask in each text, with the same redactor (the client's known
    /// identifiers plus every other name in the vault). Nothing is stored; the read of the client's
    /// identifiers is audited like any other read of the case.
    public func previewRedaction(_ texts: [String], client id: ClientID) throws(CasebookError) -> [RedactionResult] {
        return try write("previewing redaction") { db in
            try requireCaseAccess(db, id)
            let redactor = try redactor(db, for: id)
            try appendAudit(db, action: .read, recordType: .client, recordID: id.clientRecordID, caseID: id)
            return texts.map { redactor.preview($0) }
        }
    }
}

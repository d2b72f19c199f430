/// Proof that a case was crypto-shredded on a replica: ids, date, who, counts. Never content.
/// Stored in the organisation case (so it outlives the case) and in the audit log.
public struct DestructionCertificate: Hashable, Codable, Sendable {
    public var id: RecordID
    public var caseID: CaseID
    public var erasedOn: LocalDate
    public var erasedBy: PersonID
    public var device: DeviceID
    public var revisionsDestroyed: Int
    public var wrappedKeysDestroyed: Int
    /// The server copy is erased by `DELETE /v1/cases/{id}` at the next sync; true until then.
    public var serverErasurePending: Bool

    public init(id: RecordID, caseID: CaseID, erasedOn: LocalDate, erasedBy: PersonID, device: DeviceID,
                revisionsDestroyed: Int, wrappedKeysDestroyed: Int, serverErasurePending: Bool) {
        self.id = id
        self.caseID = caseID
        self.erasedOn = erasedOn
        self.erasedBy = erasedBy
        self.device = device
        self.revisionsDestroyed = revisionsDestroyed
        self.wrappedKeysDestroyed = wrappedKeysDestroyed
        self.serverErasurePending = serverErasurePending
    }
}

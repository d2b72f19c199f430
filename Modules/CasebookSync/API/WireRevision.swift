public import CasebookCrypto
public import CasebookModels
public import Foundation

/// A sealed revision on the wire (JSON). Byte fields are base64; `id` is the hex content address.
/// The server parses `header` (canonical bytes) for routing and access control and never sees a key.
public struct WireRevision: Codable, Hashable, Sendable {
    public var id: String
    public var header: Data
    public var ciphertext: Data
    public var signature: Data
    /// Server sequence number; set by the server on pull responses, absent on push.
    public var seq: Int64?

    public init(id: String, header: Data, ciphertext: Data, signature: Data, seq: Int64? = nil) {
        self.id = id
        self.header = header
        self.ciphertext = ciphertext
        self.signature = signature
        self.seq = seq
    }

    public init(_ sealed: SealedRevision, seq: Int64? = nil) {
        self.init(id: sealed.id.rawValue, header: sealed.headerBytes, ciphertext: sealed.ciphertext,
                  signature: sealed.signature, seq: seq)
    }

    /// Structural check and content address; signature and decryption are the replica's job.
    public func sealed() throws(CasebookError) -> SealedRevision {
        try SealedRevision(headerBytes: header, ciphertext: ciphertext, signature: signature, claimedID: RevisionID(rawValue: id))
    }
}

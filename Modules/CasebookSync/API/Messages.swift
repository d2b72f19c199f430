public import CasebookCrypto
public import CasebookModels
public import Foundation

public struct ChallengeRequest: Codable, Sendable, Hashable {
    public var deviceID: DeviceID
    public init(deviceID: DeviceID) { self.deviceID = deviceID }
}

public struct ChallengeResponse: Codable, Sendable, Hashable {
    /// 32 random bytes; valid for one use within `expiresAt`.
    public var challenge: Data
    public var expiresAt: Date
    public init(challenge: Data, expiresAt: Date) {
        self.challenge = challenge
        self.expiresAt = expiresAt
    }

    /// What the device signs: domain-separated so a challenge signature is never a revision signature.
    /// The format is `SignedStatement.authChallenge`.
    public static func signedBytes(challenge: Data, deviceID: DeviceID) -> Data {
        SignedStatement.authChallenge(challenge: challenge, deviceID: deviceID)
    }
}

public struct TokenRequest: Codable, Sendable, Hashable {
    public var deviceID: DeviceID
    public var challenge: Data
    public var signature: Data
    public init(deviceID: DeviceID, challenge: Data, signature: Data) {
        self.deviceID = deviceID
        self.challenge = challenge
        self.signature = signature
    }
}

public struct TokenResponse: Codable, Sendable, Hashable {
    /// At least 128 random bits, base64url. The server stores only its hash.
    public var token: String
    public var expiresAt: Date
    public init(token: String, expiresAt: Date) {
        self.token = token
        self.expiresAt = expiresAt
    }
}

/// `POST /v1/revisions`.
public struct PushRequest: Codable, Sendable, Hashable {
    public var revisions: [WireRevision]
    public init(revisions: [WireRevision]) { self.revisions = revisions }
}

public struct PushAck: Codable, Sendable, Hashable {
    public var id: String
    public var seq: Int64
    public init(id: String, seq: Int64) {
        self.id = id
        self.seq = seq
    }
}

public struct PushRejection: Codable, Sendable, Hashable {
    public var id: String
    /// Why the server refused it (ADR 0029): the same codes a receiving replica gives.
    public var error: RefusalReason
    public var message: String
    public init(id: String, error: RefusalReason, message: String) {
        self.id = id
        self.error = error
        self.message = message
    }
}

/// Idempotent: a revision already stored is acknowledged again with its original `seq`.
public struct PushResponse: Codable, Sendable, Hashable {
    public var accepted: [PushAck]
    public var rejected: [PushRejection]
    public init(accepted: [PushAck], rejected: [PushRejection]) {
        self.accepted = accepted
        self.rejected = rejected
    }
}

/// `GET /v1/revisions?after=CURSOR&limit=N`: revisions the caller may read, in commit order.
public struct PullResponse: Codable, Sendable, Hashable {
    public var revisions: [WireRevision]
    /// Opaque; pass back as `after`. Unchanged when there is nothing new.
    public var cursor: String
    public var hasMore: Bool
    public init(revisions: [WireRevision], cursor: String, hasMore: Bool) {
        self.revisions = revisions
        self.cursor = cursor
        self.hasMore = hasMore
    }
}

/// `PUT /v1/cases/{case}/keys`.
public struct KeyUpload: Codable, Sendable, Hashable {
    public var keys: [WrappedCaseKey]
    public init(keys: [WrappedCaseKey]) { self.keys = keys }
}

/// `GET /v1/keys`: wrapped keys for the caller's device, of cases the caller is granted.
public struct KeyList: Codable, Sendable, Hashable {
    public var keys: [WrappedCaseKey]
    public init(keys: [WrappedCaseKey]) { self.keys = keys }
}

public struct GrantRequest: Codable, Sendable, Hashable {
    public var person: PersonID
    /// Time-limited grants (volunteers, external practitioners) lapse on their own.
    public var until: LocalDate?
    public init(person: PersonID, until: LocalDate? = nil) {
        self.person = person
        self.until = until
    }
}

public import CasebookModels
public import Foundation

/// The sync server's HTTP API, version 1. JSON bodies, snake_case keys, base64 for bytes.
/// Authenticated endpoints take `Authorization: Bearer TOKEN`. The OpenAPI document
/// (`docs/openapi.yaml`) describes the same shapes and is checked against these types in tests.
public enum SyncAPI {
    public static let version = "v1"

    /// The sync protocol this build speaks, sent by both sides in the `Casebook-Protocol` header:
    /// 2 added batch seals (ADR 0011); 3, device numbers in revision headers (format 2, ADR 0014),
    /// which older builds cannot parse. A server refuses requests from an older client (426,
    /// `protocol-mismatch`); a client checks the server's `/health` once per transport and refuses
    /// to talk to an older server, before it sends anything that changes state.
    public static let protocolVersion = 3
    public static let protocolHeader = "Casebook-Protocol"

    public enum Path {
        public static let health = "/health"
        public static let ready = "/ready"
        public static let metrics = "/metrics"
        public static let enrol = "/v1/enrol"
        public static let challenge = "/v1/auth/challenge"
        public static let token = "/v1/auth/token"
        public static let logout = "/v1/auth/logout"
        public static let organisation = "/v1/organisation"
        public static let people = "/v1/people"
        /// `DELETE /v1/people/{person_id}` (administrators): deactivates a person and revokes their tokens.
        public static func person(_ person: PersonID) -> String { "/v1/people/\(person.rawValue)" }
        /// `PUT /v1/people/{person_id}/training` (administrators): the person's training summary (P10).
        public static func training(_ person: PersonID) -> String { "/v1/people/\(person.rawValue)/training" }
        /// `POST /v1/devices/{device_id}/certification`
        public static func certification(_ device: DeviceID) -> String { "/v1/devices/\(device.rawValue)/certification" }
        public static let revisions = "/v1/revisions"
        /// `GET /v1/cases/{case_id}/revisions?after=SEQ&limit=N`: backfill of one case after a new grant.
        public static func caseRevisions(_ caseID: CaseID) -> String { "/v1/cases/\(caseID.rawValue)/revisions" }
        /// `PUT` wrapped keys for a case; `GET /v1/keys` lists the caller's wrapped keys.
        public static func caseKeys(_ caseID: CaseID) -> String { "/v1/cases/\(caseID.rawValue)/keys" }
        public static let keys = "/v1/keys"
        /// `POST` grant (body `GrantRequest`), `DELETE .../grants/{person_id}` revoke.
        public static func grants(_ caseID: CaseID) -> String { "/v1/cases/\(caseID.rawValue)/grants" }
        public static func grant(_ caseID: CaseID, _ person: PersonID) -> String {
            "/v1/cases/\(caseID.rawValue)/grants/\(person.rawValue)"
        }
        /// `DELETE` erases a case on the server (crypto-shredding: wrapped keys and revisions).
        public static func caseErase(_ caseID: CaseID) -> String { "/v1/cases/\(caseID.rawValue)" }
    }

    /// Snake-case JSON coders shared by client and server.
    public static func makeEncoder() -> JSONEncoder {
        let e = JSONEncoder()
        e.keyEncodingStrategy = .convertToSnakeCase
        e.dateEncodingStrategy = .iso8601
        e.outputFormatting = [.sortedKeys]
        return e
    }

    /// Not `.convertFromSnakeCase`: that turns `device_id` into `deviceId`, which never matches a
    /// `deviceID` property, so every id-bearing body failed to decode. `_id` maps back to `ID`.
    public static func makeDecoder() -> JSONDecoder {
        let d = JSONDecoder()
        d.keyDecodingStrategy = .custom { path in
            WireKey(stringValue: camelCase(path.last?.stringValue ?? ""))
        }
        d.dateDecodingStrategy = .iso8601
        return d
    }

    /// `device_id` → `deviceID`, `has_more` → `hasMore`, `cursor` → `cursor`.
    public static func camelCase(_ snake: String) -> String {
        guard snake.utf8.contains(UInt8(ascii: "_")) else { return snake }
        let parts = snake.split(separator: "_", omittingEmptySubsequences: true)
        guard parts.count > 1 else { return snake }
        return parts.enumerated().map { index, part in
            if index == 0 { return String(part) }
            if part == "id" { return "ID" }
            return part.prefix(1).uppercased() + part.dropFirst()
        }.joined()
    }

    struct WireKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}

/// Error body of every non-2xx response. `message` never contains client content.
public struct APIErrorBody: Codable, Sendable, Hashable {
    public var error: String
    public var message: String
    public init(error: String, message: String) {
        self.error = error
        self.message = message
    }
}

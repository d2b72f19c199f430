// libFuzzer target: the sync protocol's JSON bodies in both directions (every wire DTO, decoded
// as client and server decode them: `SyncAPI.makeDecoder`), a pushed revision's structure and
// content address (`WireRevision.sealed`), enrolment and invitation codes, a training update.
// A crash, a sanitizer report or a failed invariant (`fuzzCheck`) is a finding. Built only by
// Scripts/fuzz (see docs/fuzzing.md).
import CasebookCrypto
import CasebookModels
import CasebookStorage
import CasebookSync
import Foundation

/// Traps with a message that names the broken invariant (never the input, which could be anything).
func fuzzCheck(_ condition: Bool, _ what: @autoclosure () -> String) {
    if !condition { fatalError("fuzz invariant broken: \(what())") }
}

/// Decodes `T` as the other side would; what decodes must encode, and decode again to the same value.
@discardableResult
func roundTrip<T: Codable & Hashable>(_ type: T.Type, _ data: Data) -> T? {
    guard let value = try? SyncAPI.makeDecoder().decode(T.self, from: data) else { return nil }
    let encoded: Data
    do { encoded = try SyncAPI.makeEncoder().encode(value) } catch { fuzzCheck(false, "\(T.self) encodes"); return nil }
    let again = try? SyncAPI.makeDecoder().decode(T.self, from: encoded)
    fuzzCheck(again == value, "\(T.self) round trip")
    return value
}

/// Every revision in a pushed or pulled page goes through the same structural check as the server's.
func checkRevisions(_ revisions: [WireRevision]) {
    for wire in revisions {
        guard let sealed = try? wire.sealed() else { continue }
        // What the check accepts is the content address it claims, and re-wires to the same bytes.
        fuzzCheck(sealed.id.rawValue == wire.id, "content address")
        fuzzCheck(WireRevision(sealed, seq: wire.seq) == wire, "WireRevision re-wires")
    }
}

public func fuzzSync(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let start, count > 0 else { return 0 }
    let data = Data(bytes: start, count: count)
    let selector = data[data.startIndex]
    let body = Data(data.dropFirst())
    switch selector % 24 {
    case 0: roundTrip(ChallengeRequest.self, body)
    case 1: roundTrip(ChallengeResponse.self, body)
    case 2: roundTrip(TokenRequest.self, body)
    case 3: roundTrip(TokenResponse.self, body)
    case 4: if let push = roundTrip(PushRequest.self, body) { checkRevisions(push.revisions) }
    case 5: roundTrip(PushResponse.self, body)
    case 6: if let pull = roundTrip(PullResponse.self, body) { checkRevisions(pull.revisions) }
    case 7: roundTrip(KeyUpload.self, body)
    case 8: roundTrip(KeyList.self, body)
    case 9: roundTrip(GrantRequest.self, body)
    case 10: roundTrip(OrganisationInfo.self, body)
    case 11: roundTrip(EnrolRequest.self, body)
    case 12: roundTrip(EnrolResponse.self, body)
    case 13: roundTrip(InviteRequest.self, body)
    case 14: roundTrip(CertificationRequest.self, body)
    case 15: roundTrip(DeviceRemovalRequest.self, body)
    case 16: roundTrip(DeviceRemoval.self, body)
    case 17:
        if let update = roundTrip(TrainingUpdate.self, body), let summary = try? update.summary(for: PersonID.random()) {
            // A summary re-described is the same summary.
            fuzzCheck((try? TrainingUpdate(summary).summary(for: summary.person)) == summary, "training summary round trip")
        }
    case 18: roundTrip(APIErrorBody.self, body)
    case 19: roundTrip(WrappedCaseKey.self, body)
    case 20: roundTrip(KeyRotationStatement.self, body)
    case 21:
        // Enrolment and invitation codes as typed by an invitee.
        let text = String(decoding: body, as: UTF8.self)
        if let code = try? EnrolmentCode(parsing: text) {
            let printed: String
            if let person = code.person, let fingerprint = code.rootFingerprint {
                printed = EnrolmentCode.invitation(person: person, secret: code.secret, rootFingerprint: fingerprint,
                                                   serverPin: code.serverCertificatePin)
            } else {
                printed = code.secret.bootstrapCode
            }
            fuzzCheck((try? EnrolmentCode(parsing: printed)) == code, "enrolment code round trip")
        }
        _ = EnrolmentSecret.serverAuth(ofCode: text)
    case 22:
        // Key names of any JSON body pass through the snake-case mapping.
        let text = String(decoding: body, as: UTF8.self)
        _ = SyncAPI.camelCase(text)
    default:
        // Any DTO from the same bytes: what one type refuses must not crash another.
        for type in [PushRequest.self, PullResponse.self, OrganisationInfo.self, KeyList.self] as [any Decodable.Type] {
            _ = try? SyncAPI.makeDecoder().decode(type, from: body)
        }
    }
    return 0
}

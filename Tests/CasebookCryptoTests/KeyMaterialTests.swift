@testable import CasebookCrypto
import CasebookModels
import Foundation
import Testing

/// Key material is never `Codable` (so no encoder can write it into JSON, a log or the server) and
/// its description never prints the secret (docs/threat-model.md, "Confidentiality rules").
@Suite struct KeyMaterialTests {
    @Test func keyMaterialTypesAreNeitherEncodableNorDecodable() {
        let types: [(String, Any.Type)] = [
            ("CaseKey", CaseKey.self), ("DeviceIdentity", DeviceIdentity.self),
            ("RecoveryKey", RecoveryKey.self), ("EnrolmentSecret", EnrolmentSecret.self),
        ]
        for (name, type) in types {
            #expect(!(type is any Encodable.Type), "\(name) must not be Encodable")
            #expect(!(type is any Decodable.Type), "\(name) must not be Decodable")
        }
    }

    @Test func descriptionsNeverCarryTheSecret() {
        let key = CaseKey.generate(caseID: CaseID(rawValue: "case-1"), epoch: 3)
        let secret = key.rawBytes
        for text in [String(describing: key), String(reflecting: key), "\(key)"] {
            #expect(!text.contains(secret.base64EncodedString()))
            #expect(!text.contains(secret.map { String(format: "%02x", $0) }.joined()))
            #expect(text.contains("<secret>"))
        }
        let identity = DeviceIdentity.generate(person: PersonID(rawValue: "person-1"))
        #expect(String(describing: identity).contains("<secret>"))
    }
}

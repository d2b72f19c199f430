import CasebookCrypto
import CasebookModels
@testable import CasebookServer
import CasebookSync
import Foundation
import Testing
import HTTPTypes
import Configuration
import Crypto
import NIOCore
import NIOFoundationEssentialsCompat
import Logging

/// `docs/openapi.json` (also reachable as `docs/openapi.yaml`: JSON is YAML) is the API's
/// description; these tests keep it and the implementation in step.
@Suite("OpenAPI document")
struct OpenAPITests {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func document() throws -> [String: Any] {
        let data = try Data(contentsOf: packageRoot.appendingPathComponent("docs/openapi.json"))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test("every route the router serves is documented with its method, and nothing else is")
    func routesMatch() throws {
        let doc = try Self.document()
        #expect(doc["openapi"] as? String == "3.1.0")
        let paths = try #require(doc["paths"] as? [String: [String: Any]])
        var documented: Set<String> = []
        for (path, operations) in paths {
            for method in operations.keys { documented.insert("\(method.uppercased()) \(path)") }
        }
        // The routes the real router serves (hummingbird's `Router.routes`), not a hand-kept list.
        let served = Set(try servedRoutes().map { "\($0.method) \($0.path)" })
        #expect(served.count > 20 && served.contains("GET /v1/cases/{case_id}/revisions"))
        #expect(documented == served, "only documented: \(documented.subtracting(served)); only served: \(served.subtracting(documented))")
        // The wire contract's path helpers agree with the templates.
        #expect(SyncAPI.Path.caseRevisions(CaseID(rawValue: "{case_id}")) == "/v1/cases/{case_id}/revisions")
        #expect(SyncAPI.Path.grant(CaseID(rawValue: "{case_id}"), PersonID(rawValue: "{person_id}")) == "/v1/cases/{case_id}/grants/{person_id}")
        #expect(SyncAPI.Path.certification(DeviceID(rawValue: "{device_id}")) == "/v1/devices/{device_id}/certification")
        #expect(SyncAPI.Path.training(PersonID(rawValue: "{person_id}")) == "/v1/people/{person_id}/training")
        #expect(SyncAPI.Path.device(DeviceID(rawValue: "{device_id}")) == "/v1/devices/{device_id}")
    }

    /// One instance of each DTO with every optional field set, so every key is encoded.
    static func samples() throws -> [(String, any Encodable)] {
        let device = DeviceRecord(deviceID: .random(), person: .random(), signing: Data([1]), agreement: Data([2]),
                                  certifiedBy: .random(), certification: Data([3]), certifiedRoles: [.admin], enrolmentProof: Data([4]))
        let person = PersonRecord(id: .random(), role: .practitioner, type: .staff, active: true, pending: false)
        let removal = DeviceRemoval(deviceID: .random(), removedBy: .random(), removedAt: "1.0", signature: Data([6]))
        let org = OrganisationInfo(organisationID: .random(), name: "n", rootDevice: .random(), people: [person], devices: [device],
                                   recoveryKey: Data([5]), removedDevices: [removal])
        let wire = WireRevision(id: "a", header: Data([1]), ciphertext: Data([2]), signature: Data([3]), seq: 1)
        let rotation = KeyRotationStatement(caseID: .random(), epoch: 1, previousEpoch: 0, reason: .revoke, subject: "p", rotatedBy: .random(),
                                            stamp: "1.0", keyCommitment: Data([4]), signature: Data([5]))
        let key = WrappedCaseKey(caseID: .random(), epoch: 1, recipient: .random(), encapsulatedKey: Data([1]), ciphertext: Data([2]),
                                 wrappedBy: .random(), signature: Data([3]), rotation: rotation)
        return [
            ("APIErrorBody", APIErrorBody(error: "e", message: "m")),
            ("ChallengeRequest", ChallengeRequest(deviceID: .random())),
            ("ChallengeResponse", ChallengeResponse(challenge: Data([1]), expiresAt: Date())),
            ("TokenRequest", TokenRequest(deviceID: .random(), challenge: Data([1]), signature: Data([2]))),
            ("TokenResponse", TokenResponse(token: "t", expiresAt: Date())),
            ("WireRevision", wire),
            ("PushRequest", PushRequest(revisions: [wire])),
            ("PushAck", PushAck(id: "a", seq: 1)),
            ("PushRejection", PushRejection(id: "a", error: "e", message: "m")),
            ("PushResponse", PushResponse(accepted: [], rejected: [])),
            ("PullResponse", PullResponse(revisions: [wire], cursor: "c", hasMore: false)),
            ("WrappedCaseKey", key),
            ("KeyRotationStatement", rotation),
            ("KeyUpload", KeyUpload(keys: [key])),
            ("KeyList", KeyList(keys: [key])),
            ("GrantRequest", GrantRequest(person: .random(), until: LocalDate(year: 2030, month: 1, day: 1))),
            ("DeviceRecord", device),
            ("PersonRecord", person),
            ("OrganisationInfo", org),
            ("EnrolRequest", EnrolRequest(code: "c", device: device, recoveryKey: Data([1]))),
            ("EnrolResponse", EnrolResponse(person: person, organisation: org)),
            ("InviteRequest", InviteRequest(person: .random(), role: .dsl, type: .volunteer, codeHash: Data([1]), newDevice: true)),
            ("CertificationRequest", CertificationRequest(certifiedBy: .random(), certification: Data([1]), roles: [.dsl])),
            ("TrainingCourseStatus", TrainingCourseStatus(course: .dataProtection, validUntil: LocalDate(year: 2030, month: 1, day: 1))),
            ("TrainingUpdate", TrainingUpdate(courses: [TrainingCourseStatus(course: .confidentiality, validUntil: nil)])),
            ("DeviceRemoval", removal),
            ("DeviceRemovalRequest", DeviceRemovalRequest(removedBy: .random(), removedAt: "1.0", signature: Data([1]))),
        ]
    }

    @Test("every DTO's snake_case fields are exactly the schema's properties, required ones included")
    func schemasMatchDTOs() throws {
        let doc = try Self.document()
        let schemas = try #require((doc["components"] as? [String: Any])?["schemas"] as? [String: [String: Any]])
        for (name, sample) in try Self.samples() {
            let schema = try #require(schemas[name], "schema \(name) is missing")
            let properties = Set((schema["properties"] as? [String: Any])?.keys.map { $0 } ?? [])
            let data = try SyncAPI.makeEncoder().encode(sample)
            let encoded = Set((try JSONSerialization.jsonObject(with: data) as? [String: Any])?.keys.map { $0 } ?? [])
            #expect(encoded == properties, "\(name): encoded \(encoded.sorted()) vs documented \(properties.sorted())")
            let required = Set(schema["required"] as? [String] ?? [])
            #expect(required.isSubset(of: properties), "\(name): required fields must be properties")
        }
        // Enumerations match the model.
        #expect(Set((schemas["Role"]?["enum"] as? [String]) ?? []) == Set(Role.allCases.map(\.rawValue)))
        #expect(Set((schemas["PersonType"]?["enum"] as? [String]) ?? []) == Set(PersonType.allCases.map(\.rawValue)))
        #expect(Set((schemas["TrainingCourse"]?["enum"] as? [String]) ?? []) == Set(TrainingCourse.allCases.map(\.rawValue)))
    }
}

import CasebookCrypto
import CasebookModels
import Foundation
import Testing

/// Pins the bytes of every signed statement (`SignedStatement`, ADR 0016). The expected values
/// were computed outside Swift from the formats written in the doc comments; a change to any
/// format turns its test red, because it would invalidate every signature already made.
@Suite struct SignedStatementTests {
    static let keys = DevicePublicKeys(deviceID: DeviceID(rawValue: "dev-A"), person: PersonID(rawValue: "person-1"),
                                       signing: Data(repeating: 0x22, count: 32), agreement: Data(repeating: 0x33, count: 32))
    static let deviceKeysHex = "63617365626f6f6b2f6465766963652d6b6579732f76317c6465762d417c706572736f6e2d317c"
        + String(repeating: "22", count: 32) + String(repeating: "33", count: 32)

    @Test func revisionDigest() {
        let digest = SignedStatement.revisionDigest(headerBytes: Data([1, 2, 3]), ciphertext: Data([0xaa, 0xbb]))
        #expect(digest.hexString == "25d31e8b1054392d079d86e898d40522c728011be5e8b1f08fe65458fc4bcdad")
        #expect(SealedRevision.contentDigest(headerBytes: Data([1, 2, 3]), ciphertext: Data([0xaa, 0xbb])) == digest)
    }

    @Test func batchRoot() {
        let bytes = SignedStatement.batchRoot(author: DeviceID(rawValue: "dev-A"), root: Data(repeating: 0x11, count: 32), count: 3)
        #expect(bytes.hexString == "63617365626f6f6b2f7265766973696f6e2d62617463682f7631056465762d4100000003"
                + String(repeating: "11", count: 32))
        #expect(BatchRoot.signedBytes(author: DeviceID(rawValue: "dev-A"), root: Data(repeating: 0x11, count: 32), count: 3) == bytes)
    }

    @Test func wrappedKey() {
        let key = WrappedCaseKey(caseID: CaseID(rawValue: "case-1"), epoch: 7, recipient: DeviceID(rawValue: "dev-R"),
                                 encapsulatedKey: Data([1, 2]), ciphertext: Data([3]), wrappedBy: DeviceID(rawValue: "dev-W"),
                                 signature: Data())
        #expect(key.signedBytes.hexString == "63617365626f6f6b2f777261707065642d6b65792f763100000006636173652d3100000004000000070000"
                + "00056465762d52000000056465762d570000000201020000000103")
        #expect(key.signedBytes == SignedStatement.wrappedKey(caseID: key.caseID, epoch: 7, recipient: key.recipient,
                                                              wrappedBy: key.wrappedBy, encapsulatedKey: Data([1, 2]), ciphertext: Data([3])))
    }

    @Test func deviceKeysAndCertification() {
        #expect(SignedStatement.deviceKeys(Self.keys).hexString == Self.deviceKeysHex)
        #expect(Self.keys.certificationBytes == SignedStatement.deviceKeys(Self.keys))
        let certification = SignedStatement.deviceCertification(keys: Self.keys, roles: [.dsl, .admin])
        #expect(certification.hexString == "63617365626f6f6b2f6465766963652d63657274696669636174652f76317c" + Self.deviceKeysHex
                + "7c726f6c65737c61646d696e2c64736c")
        #expect(SignedStatement.deviceCertification(keys: Self.keys, roles: [.admin, .dsl]) == certification, "roles are sorted")
    }

    @Test func enrolmentProofMessage() {
        // "casebook/enrolment-proof/v2|" then the device keys (ADR 0015); keyed by the HKDF proof key.
        #expect(SignedStatement.enrolmentProofMessage(keys: Self.keys).hexString
                == "63617365626f6f6b2f656e726f6c6d656e742d70726f6f662f76327c" + Self.deviceKeysHex)
    }

    @Test func deviceRemoval() {
        let bytes = SignedStatement.deviceRemoval(device: DeviceID(rawValue: "dev-B"), removedAt: "0000018c2e3f4a00-0000")
        #expect(bytes == Data("casebook/device-removal/v1|dev-B|0000018c2e3f4a00-0000".utf8))
        #expect(DeviceRemovalStatement.signedBytes(device: DeviceID(rawValue: "dev-B"), removedAt: "0000018c2e3f4a00-0000") == bytes)
    }

    @Test func authChallenge() {
        #expect(SignedStatement.authChallenge(challenge: Data(repeating: 0x44, count: 32), deviceID: DeviceID(rawValue: "dev-A")).hexString
                == "63617365626f6f6b2f617574682f76317c6465762d417c" + String(repeating: "44", count: 32))
    }

    @Test func everyStatementHasItsOwnTag() {
        let tags = [
            SignedStatement.batchRoot(author: DeviceID(rawValue: "d"), root: Data(), count: 0),
            SignedStatement.wrappedKey(caseID: CaseID(rawValue: "c"), epoch: 0, recipient: DeviceID(rawValue: "r"),
                                       wrappedBy: DeviceID(rawValue: "w"), encapsulatedKey: Data(), ciphertext: Data()),
            SignedStatement.deviceKeys(Self.keys), SignedStatement.deviceCertification(keys: Self.keys, roles: []),
            SignedStatement.deviceRemoval(device: DeviceID(rawValue: "d"), removedAt: ""),
            SignedStatement.authChallenge(challenge: Data(), deviceID: DeviceID(rawValue: "d")),
        ].map { String(decoding: $0.prefix { $0 != UInt8(ascii: "|") && $0 >= 0x2d && $0 < 0x7b }, as: UTF8.self) }
        #expect(Set(tags).count == tags.count, "\(tags)")
    }
}

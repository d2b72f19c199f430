import CasebookCrypto
import CasebookModels
import CasebookTestSupport
import Foundation
import PropertyBased
import Testing

@Suite struct SealedRevisionTests {
    let author = DeviceIdentity.generate(person: .random())
    let caseID = CaseID.random()
    var key: CaseKey { CaseKey.generate(caseID: caseID, epoch: 0) }

    func header(type: RecordType = .session, caseID: CaseID? = nil) -> RevisionHeader {
        RevisionHeader(recordID: .random(), recordType: type, caseID: caseID ?? self.caseID, authorDevice: author.deviceID,
                       hlc: HLCTimestamp(physical: 1_790_000_000_000, logical: 2), keyEpoch: 0)
    }

    func body(_ topics: String = Synthetic.topicCanary) -> RevisionBody {
        RevisionBody(fields: ["topics": .string(topics)], author: author.person, policyVersion: "1")
    }

    @Test func sealOpenRoundTrip() async throws {
        let key = self.key
        await propertyCheck(count: 50, input: Gen.letterOrNumber.string(of: 0...200)) { text in
            let h = header()
            let sealed = try RevisionSealer.seal(header: h, body: body(text), key: key, author: author)
            let opened = try RevisionSealer.open(sealed, key: key, author: author.publicKeys)
            #expect(opened.body.fields["topics"] == .string(text))
            #expect(opened.header == h)
        }
    }

    @Test func ciphertextHidesTheBodyAndHeaderBytesAreCanonical() throws {
        let sealed = try RevisionSealer.seal(header: header(), body: body(), key: key, author: author)
        #expect(sealed.ciphertext.range(of: Data(Synthetic.topicCanary.utf8)) == nil)
        #expect(try RevisionHeader(canonicalBytes: sealed.headerBytes) == sealed.header)
        var trailing = sealed.headerBytes
        trailing.append(0)
        #expect(throws: CasebookError.self) { try RevisionHeader(canonicalBytes: trailing) }
    }

    @Test func headerSwapIsDetected() throws {
        let key = self.key
        let sealed = try RevisionSealer.seal(header: header(), body: body(), key: key, author: author)
        for var forged in [sealed.header] {
            forged.recordType = .concern
            let bytes = forged.canonicalBytes
            // Re-labelled header with the old ciphertext: the content address changes, and even a
            // consistent re-hash fails the signature and the AEAD.
            #expect(throws: CasebookError.self) {
                try SealedRevision(headerBytes: bytes, ciphertext: sealed.ciphertext, signature: sealed.signature, claimedID: sealed.id)
            }
            let rehashed = try SealedRevision(headerBytes: bytes, ciphertext: sealed.ciphertext, signature: sealed.signature)
            #expect(throws: CasebookError.self) { try RevisionSealer.verifySignature(rehashed, author: author.publicKeys) }
            #expect(throws: CasebookError.self) { try RevisionSealer.decrypt(rehashed, key: key) }
        }
    }

    @Test func movingToAnotherCaseFailsEvenWithThatCasesKey() throws {
        let sealed = try RevisionSealer.seal(header: header(), body: body(), key: key, author: author)
        let other = CaseID.random()
        var moved = sealed.header
        moved.caseID = other
        let forged = try SealedRevision(headerBytes: moved.canonicalBytes, ciphertext: sealed.ciphertext, signature: sealed.signature)
        #expect(throws: CasebookError.self) { try RevisionSealer.decrypt(forged, key: CaseKey.generate(caseID: other, epoch: 0)) }
    }

    @Test func flippedCiphertextBitIsDetected() throws {
        let key = self.key
        let sealed = try RevisionSealer.seal(header: header(), body: body(), key: key, author: author)
        for index in [0, 12, sealed.ciphertext.count / 2, sealed.ciphertext.count - 1] {
            var bytes = sealed.ciphertext
            bytes[bytes.startIndex + index] ^= 0x01
            let flipped = try SealedRevision(headerBytes: sealed.headerBytes, ciphertext: bytes, signature: sealed.signature)
            #expect(throws: CasebookError.self) { try RevisionSealer.verifySignature(flipped, author: author.publicKeys) }
            #expect(throws: CasebookError.self) { try RevisionSealer.decrypt(flipped, key: key) }
        }
    }

    @Test func forgedSignatureIsRejected() throws {
        let sealed = try RevisionSealer.seal(header: header(), body: body(), key: key, author: author)
        let mallory = DeviceIdentity.generate(person: .random())
        let digest = SealedRevision.contentDigest(headerBytes: sealed.headerBytes, ciphertext: sealed.ciphertext)
        let forged = try SealedRevision(headerBytes: sealed.headerBytes, ciphertext: sealed.ciphertext, signature: try mallory.sign(digest))
        #expect(throws: CasebookError.self) { try RevisionSealer.verifySignature(forged, author: author.publicKeys) }
    }

    @Test func sameContentSameAddress() throws {
        let sealed = try RevisionSealer.seal(header: header(), body: body(), key: key, author: author)
        let again = try SealedRevision(headerBytes: sealed.headerBytes, ciphertext: sealed.ciphertext, signature: sealed.signature)
        #expect(again.id == sealed.id)
        #expect(sealed.id.rawValue.count == 64)
    }
}

@Suite struct KeyWrapTests {
    @Test func wrapsForTheRecipientOnly() throws {
        let alice = DeviceIdentity.generate(person: .random()), bob = DeviceIdentity.generate(person: .random())
        let key = CaseKey.generate(caseID: .random(), epoch: 3)
        let wrapped = try KeyWrap.wrap(key, for: alice.publicKeys, by: alice)
        let unwrapped = try KeyWrap.unwrap(wrapped, with: alice)
        #expect(unwrapped.epoch == 3 && unwrapped.caseID == key.caseID)
        #expect(throws: CasebookError.self) { try KeyWrap.unwrap(wrapped, with: bob) }
        // Re-addressing the wrapped key to bob does not help him: HPKE info binds the recipient.
        var readdressed = wrapped
        readdressed.recipient = bob.deviceID
        #expect(throws: CasebookError.self) { try KeyWrap.unwrap(readdressed, with: bob) }
        // Moving it to another case or epoch fails.
        var moved = wrapped
        moved.epoch = 4
        #expect(throws: CasebookError.self) { try KeyWrap.unwrap(moved, with: alice) }
    }

    @Test func wrappedKeyIsSignedByItsWrapper() throws {
        let wrapper = DeviceIdentity.generate(person: .random()), recipient = DeviceIdentity.generate(person: .random())
        let wrapped = try KeyWrap.wrap(CaseKey.generate(caseID: .random(), epoch: 1), for: recipient.publicKeys, by: wrapper)
        #expect(wrapped.wrappedBy == wrapper.deviceID)
        #expect(wrapped.isSigned(by: wrapper.publicKeys))
        // Another device's keys (even the recipient's) do not verify it.
        #expect(!wrapped.isSigned(by: recipient.publicKeys))
        // A rogue identity reusing the wrapper's device id signs with another key: refused.
        let rogue = DeviceIdentity.generate(person: wrapper.person)
        var forged = wrapped
        forged.signature = try rogue.sign(wrapped.signedBytes)
        #expect(!forged.isSigned(by: wrapper.publicKeys))
    }

    @Test func everySignedFieldIsCovered() throws {
        let wrapper = DeviceIdentity.generate(person: .random()), recipient = DeviceIdentity.generate(person: .random())
        let wrapped = try KeyWrap.wrap(CaseKey.generate(caseID: .random(), epoch: 1), for: recipient.publicKeys, by: wrapper)
        func flip(_ data: Data) -> Data {
            var d = data
            d[d.startIndex] ^= 0x01
            return d
        }
        let tampered: [(String, (inout WrappedCaseKey) -> Void)] = [
            ("case", { $0.caseID = .random() }),
            ("epoch", { $0.epoch += 1 }),
            ("recipient", { $0.recipient = .random() }),
            ("wrapped_by", { $0.wrappedBy = .random() }),
            ("encapsulated key", { $0.encapsulatedKey = flip($0.encapsulatedKey) }),
            ("ciphertext", { $0.ciphertext = flip($0.ciphertext) }),
            ("signature", { $0.signature = flip($0.signature) }),
            ("empty signature", { $0.signature = Data() }),
        ]
        for (field, change) in tampered {
            var copy = wrapped
            change(&copy)
            #expect(!copy.isSigned(by: wrapper.publicKeys), "changing the \(field) must break the signature")
        }
        // Length prefixes: moving bytes between adjacent fields changes the signed bytes.
        var shifted = wrapped
        shifted.ciphertext = shifted.encapsulatedKey.suffix(1) + shifted.ciphertext
        shifted.encapsulatedKey = shifted.encapsulatedKey.dropLast()
        #expect(shifted.signedBytes != wrapped.signedBytes)
        #expect(wrapped.signedBytes.starts(with: Data("casebook/wrapped-key/v1".utf8)))
    }

    @Test func wireFormCarriesWrapperAndSignature() throws {
        let wrapper = DeviceIdentity.generate(person: .random())
        let wrapped = try KeyWrap.wrap(CaseKey.generate(caseID: .random(), epoch: 0), for: wrapper.publicKeys, by: wrapper)
        let decoded = try JSONDecoder().decode(WrappedCaseKey.self, from: try JSONEncoder().encode(wrapped))
        #expect(decoded == wrapped && decoded.isSigned(by: wrapper.publicKeys))
    }

    @Test func keyMaterialIsNeverPrinted() {
        let identity = DeviceIdentity.generate(person: .random())
        #expect(String(describing: identity).contains("<secret>"))
        #expect(String(describing: CaseKey.generate(caseID: .random(), epoch: 0)).contains("<secret>"))
    }
}

@Suite struct PassphraseKDFTests {
    @Test(arguments: [(16, 8, 1), (23, 8, 1), (17, 4, 1), (17, 8, 5)])
    func refusesParametersOutsideFloorAndCeiling(_ logN: Int, _ r: Int, _ p: Int) {
        let params = KDFParameters(logN: logN, r: r, p: p, salt: Data(repeating: 7, count: 16))
        #expect(throws: CasebookError.self) { try params.validate() }
        #expect(throws: CasebookError.self) { try PassphraseKDF.deriveKey(passphrase: "x", parameters: params) }
    }

    @Test func standardParametersMeetTheOWASPFloor() throws {
        let params = KDFParameters.standard()
        #expect(params.logN >= 17 && params.r == 8 && params.p == 1 && params.salt.count == 16)
        try params.validate()
    }

    @Test func sealedIdentityOpensOnlyWithTheRightKeyAndContext() throws {
        let params = KDFParameters(salt: Data(repeating: 1, count: 16))
        let key = try PassphraseKDF.deriveKey(passphrase: Synthetic.passphrase, parameters: params)
        let identity = DeviceIdentity.generate(person: .random())
        let context = SealedIdentity.passphraseContext(params)
        let sealed = try SealedIdentity.seal(identity, key: key, context: context)
        let failure = CasebookError(.wrongPassphrase, "wrong")
        #expect(try sealed.open(key: key, context: context, failure: failure).deviceID == identity.deviceID)
        let wrong = try PassphraseKDF.deriveKey(passphrase: "not the passphrase", parameters: params)
        #expect(throws: failure) { try sealed.open(key: wrong, context: context, failure: failure) }
        // Lowering the stored parameters (a downgrade) breaks the binding.
        var weaker = params
        weaker.logN = 18
        #expect(throws: failure) { try sealed.open(key: key, context: SealedIdentity.passphraseContext(weaker), failure: failure) }
    }
}

@Suite struct Base64URLTests {
    @Test(arguments: [0, 1, 2, 3, 31, 32, 33])
    func roundTripsWithAndWithoutPadding(_ count: Int) throws {
        let data = Data((0..<count).map { UInt8(truncatingIfNeeded: $0 &* 97 &+ 251) })
        let text = data.base64URLEncodedString()
        #expect(!text.contains("=") && !text.contains("+") && !text.contains("/"))
        #expect(Data(base64URLEncoded: text) == data)
        let padded = data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        #expect(Data(base64URLEncoded: padded) == data)
        #expect(Data(base64URLEncoded: "not*base64") == nil)
    }
}

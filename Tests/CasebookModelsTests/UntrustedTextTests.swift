import CasebookModels
import Testing

/// `UntrustedText` (ADR 0029): what a server or peer says reaches a terminal as one clean line.
@Suite struct UntrustedTextTests {
    @Test("control and format characters become '?', line breaks spaces; plain text is kept")
    func cleansOneLine() {
        #expect(UntrustedText.line("plain words, ids 0a1b and dates 2026-12-03") == "plain words, ids 0a1b and dates 2026-12-03")
        #expect(UntrustedText.line("a\u{1B}[2Jb") == "a?[2Jb")
        #expect(UntrustedText.line("one\ntwo\r\tthree") == "one two  three")
        #expect(UntrustedText.line("x\u{7F}\u{9B}\u{0}y") == "x???y")
        #expect(UntrustedText.line("left\u{202E}right\u{200B}") == "left?right?")
        #expect(UntrustedText.line("Zoë café ✓") == "Zoë café ✓")
    }

    @Test("long text is capped, with an ellipsis")
    func capsLength() {
        let long = String(repeating: "a", count: 10_000)
        let line = UntrustedText.line(long, limit: 50)
        #expect(line == String(repeating: "a", count: 50) + "…")
        #expect(UntrustedText.line(String(repeating: "b", count: 50), limit: 50) == String(repeating: "b", count: 50))
    }

    @Test("a code is lower-case letters, digits and hyphens, starting with a letter, at most 40 characters")
    func codeShape() {
        #expect(UntrustedText.code("training-missing") == "training-missing")
        #expect(UntrustedText.code("http-418") == "http-418")
        for bad in ["", "Training", "-x", "9x", "a b", "a\u{1B}[31m", "a_b", String(repeating: "a", count: 41)] {
            #expect(UntrustedText.code(bad) == nil, "\(bad.debugDescription)")
        }
    }

    @Test("an error with a hint says it in plain words in its description, and names no command")
    func hintWords() {
        let error = CasebookError(.notFound, "no client 0a1b", hint: .list(.clients))
        #expect(error.message == "no client 0a1b")
        #expect(error.description == "no client 0a1b; check the list of clients")
        let hints: [CasebookError.Hint] = [
            .sync, .enrol, .unlockAgain, .createVault, .chooseAnotherVaultPath, .recoverDamagedVault(enrolled: nil),
            .recoverDamagedVault(enrolled: true), .recoverDamagedVault(enrolled: false), .makeBackup, .confirmReplace,
            .recordConsent, .recordReleaseConsent, .recordTraining(person: nil, course: .confidentiality), .liftRetentionHold,
            .amendSession(RecordID(rawValue: "0a1b")), .inviteExistingPerson(PersonID(rawValue: "0c2d")), .invitePerson,
            .enrolNewDeviceThenSync, .giveCACertificate,
        ] + CasebookError.Hint.Listing.allCases.map { .list($0) }
        for hint in hints {
            #expect(!hint.words.contains("casebook") && !hint.words.contains("--"), "\(hint): \(hint.words)")
        }
    }
}

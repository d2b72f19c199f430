import Testing
@testable import CasebookRedaction

/// Names that are also ordinary words: masked as names, left as words.
@Suite struct WordsThatAreAlsoNamesTests {
    @Test(arguments: [
        ("Hope said she would come back.", "Hope"),
        ("Will said the meeting was fine.", "Will"),
        ("Her friend Grace has been a support.", "Grace"),
        ("Talked with Mark about exams.", "Mark"),
        ("Her sister May rang the office.", "May"),
        ("May told staff about the fight.", "May"),
        ("Rose Turner came to the session.", "Rose Turner"),
        ("Client's cousin Sunny was there.", "Sunny"),
        ("His uncle Frank texted twice.", "Frank"),
        ("Summer said the new school is better.", "Summer"),
        ("Mr Bill Green attended.", "Mr Bill Green"),
        ("Pat told us about the move.", "Pat"),
    ])
    func maskedWhenUsedAsName(text: String, name: String) {
        #expect(found(text).contains { $0.0 == name && $0.1 == .name }, "\(found(text))")
    }

    @Test(arguments: [
        "I hope so.",
        "She will try again and we will mark progress.",
        "The grace period ends soon.",
        "Exams are in May and June this year.",
        "Will review next week.",
        "Hope this helps.",
        "May need a letter for school.",
        "Mark as complete.",
        "Dawn is the worst time of day, she said.",
        "Faith is a big source of strength.",
        "It was a sunny and frank conversation about summer plans.",
        "She felt joy at the rose garden.",
    ])
    func leftAloneAsWords(text: String) {
        #expect(found(text).isEmpty, "\(found(text))")
    }
}

@Suite struct NameDetectionTests {
    @Test func possessiveSpanExcludesApostropheS() {
        #expect(found("Amira's mum called.").map(\.0) == ["Amira"])
        #expect(masked("Amira’s mood improved.") == "[PERSON 1]’s mood improved.")
    }

    @Test func lowerCaseGazetteerNameIsMasked() {
        #expect(found("spoke with amira about the week").map(\.1) == [.name])
    }

    @Test func fullNamesAreOneSpan() {
        #expect(found("Met with Priya Okonkwo-Smith today.").map(\.0) == ["Priya Okonkwo-Smith"])
    }

    @Test func unknownNamesFromContext() {
        #expect(found("Her brother Tayoluwa came along.").map(\.0) == ["Tayoluwa"])
        #expect(found("Zephyrine said it went well.").map(\.0) == ["Zephyrine"])
        #expect(found("Talked about Nevaeh and Carys falling out.").map(\.0) == ["Nevaeh", "Carys"])
    }

    @Test func placesAfterPrepositionsAreNotNames() {
        #expect(found("She moved to Swindon in the summer.").isEmpty)
        #expect(found("The family live in Preston.").isEmpty)
    }

    @Test func titlesCount() {
        #expect(found("Letter from Dr Lee.").map(\.0) == ["Dr Lee"])
    }
}

@Suite struct KnownIdentifierTests {
    let redactor = Redactor(known: KnownIdentifiers(
        names: ["Zorawar Quillfeather", "Hope Zanetti"], dates: ["2011-04-09"], contacts: ["zq.private@example.org", "07700 900461"]))

    @Test func clientNameInLowerCase() {
        let hits = found("zorawar said quillfeather is his dad's name too", redactor)
        #expect(hits.map(\.0) == ["zorawar", "quillfeather"])
        #expect(redactor.detect("zorawar said").first?.source == .knownIdentifier)
    }

    @Test func possessiveOfKnownName() {
        #expect(found("Quillfeather's case", redactor).map(\.0) == ["Quillfeather"])
        #expect(found("Zorawar’s mood", redactor).map(\.0) == ["Zorawar"])
    }

    @Test func knownWordLikeNameStillNeedsCapital() {
        #expect(found("I hope so", redactor).isEmpty)
        #expect(found("We met Hope today", redactor).map(\.0) == ["Hope"])
    }

    /// Regression (found by the demo): a client called Robin, a note starting "Robin talked…".
    /// A known name that is also a word is masked at the start of a sentence too.
    @Test func knownWordLikeNameAtSentenceStart() {
        let robin = Redactor(known: KnownIdentifiers(names: ["Robin Example", "Casey Example"]))
        #expect(found("Robin talked about arguments with Casey.", robin).map(\.0) == ["Robin", "Casey"])
        #expect(found("Hope was quieter today.", redactor).map(\.0) == ["Hope"])
        #expect(found("I hope so. We hope to meet.", redactor).isEmpty)
    }

    @Test func knownContacts() {
        #expect(found("write to ZQ.Private@example.org", redactor).map(\.1) == [.email])
        #expect(found("ring 07700 900461", redactor).map(\.1) == [.phone])
    }

    @Test func withoutKnowledgeTheRareNameIsMissed() {
        // Documents why the vault matters: a rare surname alone, lower case, is invisible to the gazetteer.
        #expect(found("quillfeather is his dad's name too").isEmpty)
    }
}

@Suite struct ExtraFormTests {
    @Test func initialsJoinTheName() {
        #expect(found("Met Amira K. today.").map(\.0) == ["Amira K."])
        #expect(found("Letter from J. Okafor.").map(\.0) == ["J. Okafor"])
    }

    @Test func lowerCaseTitleWithListedName() {
        #expect(found("spoke to mr smith after school").map(\.0) == ["mr smith"])
    }

    @Test func handlesWithoutAt() {
        #expect(found("Her snap is lilz_xo and she posts at night.").map(\.1) == [.handle])
        #expect(found("Instagram: megz.2009").map(\.0) == ["megz.2009"])
        #expect(found("Snapchat is where it started.").isEmpty)
    }

    @Test func postcodeDistrictWithCue() {
        #expect(found("Family moved to the LS6 area.").map(\.1) == [.postcode])
        #expect(found("Lives in BS5 now.").map(\.1) == [.postcode])
    }

    @Test func ageWithSlashForm() {
        #expect(found("A 15 y/o from Filton was referred.").map(\.1) == [.ageLocation])
    }

    @Test func highSchoolShortForm() {
        #expect(found("She goes to Fairfield High now.").map(\.0) == ["Fairfield High"])
        #expect(found("Shops on Knowle High Street were shut.").allSatisfy { $0.1 != .organisation })
    }
}

/// Subject-access exports: the requester's own identifiers stay, third parties' are masked.
@Suite struct SubjectExemptionTests {
    let redactor = Redactor(known: KnownIdentifiers(
        names: ["Tayo Adeyemi"], subject: ["Amira Okonkwo", "07700 900461", "amira.o@example.com"]))

    @Test func subjectKeptThirdPartiesMasked() {
        let text = "Amira Okonkwo said Tayo Adeyemi rang her on 07700 900461 and 07700 900999; amira.o@example.com"
        #expect(masked(text, redactor) == "Amira Okonkwo said [PERSON 1] rang her on 07700 900461 and [PHONE]; amira.o@example.com")
    }

    @Test func mixedSpanStillMasked() {
        // A span holding the subject's first name and someone else's surname is not the subject.
        #expect(masked("Met Amira Smith.", redactor) == "Met [PERSON 1].")
    }

    @Test func idempotentWithSubject() {
        let once = masked("Amira rang Tayo on 07700 900999.", redactor)
        #expect(masked(once, redactor) == once)
    }
}

@Suite struct NoteStyleTests {
    @Test func nameWithBareAgeAndPlace() {
        let hits = found("Marisol, 9, from Wrexham, self-referred.")
        #expect(hits.map(\.1) == [.name, .ageLocation])
        #expect(hits.last?.0 == "9, from Wrexham")
    }

    @Test func roleInBrackets() {
        #expect(found("Present: Elowen (key worker) and client.").map(\.0) == ["Elowen"])
    }

    @Test func lowerCaseFullName() {
        #expect(found("femi corrigan came in late").map(\.0) == ["femi corrigan"])
    }
}

@Suite struct PlaceVersusPersonTests {
    @Test func unknownPlaceAfterFromIsNotAName() {
        #expect(found("The referral came from Cheddarford last week.").isEmpty)
        #expect(found("Spoke about Mencap and StepChange.").isEmpty)
        #expect(found("She is a Jehovah's Witness.").isEmpty)
    }

    @Test func unknownNameWithInitialAfterFrom() {
        #expect(found("Email from Lorcan T. re: housing.").map(\.0) == ["Lorcan T."])
    }
}

import Testing
@testable import CasebookRedaction

/// Every label, found in a realistic sentence, with the exact substring.
@Suite struct LabelTests {
    static let cases: [(String, String, RedactionLabel)] = [
        ("Amira said she was tired.", "Amira", .name),
        ("Spoke with Mrs Okafor today.", "Mrs Okafor", .name),
        ("Mum can be reached on 07957 239820 after 5pm.", "07957 239820", .phone),
        ("Call +44 7957 239820.", "+44 7957 239820", .phone),
        ("Office line 020 7946 0018.", "020 7946 0018", .phone),
        ("Ring (0117) 496 0123 please.", "(0117) 496 0123", .phone),
        ("Try +44 (0)20 7946 0018 or later.", "+44 (0)20 7946 0018", .phone),
        ("Mobile 07957.239.820 works.", "07957.239.820", .phone),
        ("Email amira.k22@gmail.com please.", "amira.k22@gmail.com", .email),
        ("See https://www.facebook.com/amira.k for it.", "https://www.facebook.com/amira.k", .url),
        ("Page at justgiving.com/amira-run today.", "justgiving.com/amira-run", .url),
        ("Blocked @kez_22 on Snapchat.", "@kez_22", .handle),
        ("Postcode BS1 4DJ confirmed.", "BS1 4DJ", .postcode),
        ("Postcode sw1a1aa confirmed.", "sw1a1aa", .postcode),
        ("Lives at 12 Acacia Avenue, Bristol now.", "12 Acacia Avenue, Bristol", .address),
        ("Moved to Flat 3, 27b Station Road.", "Flat 3, 27b Station Road", .address),
        ("NHS number 943 476 5919.", "943 476 5919", .nhsNumber),
        ("NI number AB 12 34 56 C.", "AB 12 34 56 C", .niNumber),
        ("DOB 12/03/2014.", "12/03/2014", .date),
        ("Hearing on 3rd of March 2024.", "3rd of March 2024", .date),
        ("Birthday is March 12th.", "March 12th", .date),
        ("Client attends St Mary's Primary.", "St Mary's Primary", .organisation),
        ("Seen at Bristol Royal Infirmary.", "Bristol Royal Infirmary", .organisation),
        ("Goes to Oakfield Academy since Year 7.", "Oakfield Academy", .organisation),
        ("Referral for a 15-year-old from Hartcliffe.", "15-year-old from Hartcliffe", .ageLocation),
    ]

    @Test(arguments: cases)
    func detectsLabel(text: String, expected: String, label: RedactionLabel) {
        let hits = found(text)
        #expect(hits.contains { $0.0 == expected && $0.1 == label }, "expected \(label) \(expected) in \(hits)")
    }

    @Test func everyLabelIsCovered() {
        let covered = Set(Self.cases.map(\.2))
        #expect(covered == Set(RedactionLabel.allCases))
    }

    @Test func placeholdersAreTyped() {
        #expect(masked("Amira rang 07957 239820.") == "[PERSON 1] rang [PHONE].")
        #expect(RedactionLabel.nhsNumber.placeholder == "[NHS_NUMBER]")
    }

    @Test func postcodeStaysSeparateFromAddress() {
        let hits = found("New address: 12 Acacia Avenue, Bristol BS1 4DJ.")
        #expect(hits.map(\.1) == [.address, .postcode])
    }

    /// Words that identify nobody stay.
    @Test(arguments: [
        "Session on Tuesday in March, after Christmas and before Eid and Diwali.",
        "Mum and Dad came; the GP referred to CAMHS; we met on Teams.",
        "Autism assessment pending; ADHD diagnosed; English is fine in Year 9.",
        "I hope she will mark the grace period on the chart.",
        "Will review next week. Hope this helps. May need a letter. Mark as done.",
        "He rated his mood 6/10 at 4pm, 20 minutes in, Session 4 of 8.",
        "Mondays are hard; Saturdays are better.",
        "Attendance 85 percent, reference 943 476 5910 (not a valid NHS number).",
    ])
    func leavesNonIdentifiersAlone(text: String) {
        #expect(found(text).isEmpty, "unexpected: \(found(text))")
    }
}

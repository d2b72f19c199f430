import Testing
@testable import CasebookRedaction

@Suite struct NHSNumberTests {
    @Test(arguments: ["9434765919", "4010232137", "4857773457", "6401570164", "943 476 5919", "943-476-5919"])
    func validCheckDigit(number: String) {
        #expect(NHSNumber.isValid(number))
        #expect(labels("NHS number \(number).") == [.nhsNumber])
    }

    @Test(arguments: ["9434765918", "9434765910", "4010232138", "1234567890", "943 476 591", "94347659199"])
    func invalidIsNotAnNHSNumber(number: String) {
        #expect(!NHSNumber.isValid(number))
        #expect(!labels("NHS number \(number).").contains(.nhsNumber))
    }

    @Test func checkDigitTenIsInvalid() {
        // 123456789 gives check value 10: no valid NHS number starts with these nine digits.
        for last in 0...9 { #expect(!NHSNumber.isValid("123456789\(last)")) }
    }
}

@Suite struct NINumberTests {
    @Test(arguments: ["AB123456C", "AB 12 34 56 C", "JG103759A", "NE123456", "ab123456c", "PA 123456 D"])
    func validNumbers(number: String) {
        #expect(NINumber.isValid(number), "\(number)")
    }

    @Test(arguments: ["BG", "GB", "NK", "KN", "TN", "NT", "ZZ"])
    func invalidPrefixes(prefix: String) {
        #expect(!NINumber.isValidPrefix(prefix))
        #expect(!NINumber.isValid("\(prefix)123456C"))
        #expect(labels("NI \(prefix)123456C.").isEmpty)
    }

    @Test(arguments: ["D", "F", "I", "Q", "U", "V"])
    func invalidFirstAndSecondLetters(letter: String) {
        #expect(!NINumber.isValid("\(letter)A123456C"))
        #expect(!NINumber.isValid("A\(letter)123456C"))
    }

    @Test func secondLetterOIsInvalid() {
        #expect(!NINumber.isValid("AO123456C"))
        #expect(NINumber.isValid("OA123456C"))
    }

    @Test func suffixMustBeAToD() {
        #expect(!NINumber.isValid("AB123456E"))
        #expect(!NINumber.isValid("AB12345C"))
    }
}

@Suite struct PostcodeTests {
    @Test(arguments: ["BS1 4DJ", "M1 1AE", "B33 8TH", "CR2 6XH", "DN55 1PT", "W1A 0AX", "EC1A 1BB", "SW1A 1AA", "LS62QT", "bs1 4dj"])
    func valid(code: String) {
        #expect(Postcode.isValid(code), "\(code)")
        #expect(labels("Postcode \(code) here.") == [.postcode])
    }

    @Test(arguments: ["QA1 1AA", "XA1 1AA", "AI1 1AA", "BS1 4CJ", "BS1 4DI", "BS14 DJ1", "B1", "BS1 4D", "Bs1 4dj", "ABC 1AA", "W1I 1AA"])
    func invalid(code: String) {
        #expect(!Postcode.isValid(code), "\(code)")
    }
}

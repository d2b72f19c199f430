import Testing
@Test func placeholder_CasebookCryptoTests() { #expect(Bool(true)) }

import Testing
@Test func placeholder_CasebookRedactionTests() { #expect(Bool(true)) }

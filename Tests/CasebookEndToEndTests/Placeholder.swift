import Testing
@Test func placeholder_CasebookEndToEndTests() { #expect(Bool(true)) }

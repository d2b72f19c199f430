import Testing
@Test func placeholder_CasebookServerTests() { #expect(Bool(true)) }

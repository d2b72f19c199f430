import Testing
@Test func placeholder_CasebookStorageTests() { #expect(Bool(true)) }

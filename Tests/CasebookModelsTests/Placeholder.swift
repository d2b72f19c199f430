import Testing
@Test func placeholder_CasebookModelsTests() { #expect(Bool(true)) }

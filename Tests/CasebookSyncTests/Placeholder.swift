import Testing
@Test func placeholder_CasebookSyncTests() { #expect(Bool(true)) }

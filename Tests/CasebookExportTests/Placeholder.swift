import Testing
@Test func placeholder_CasebookExportTests() { #expect(Bool(true)) }

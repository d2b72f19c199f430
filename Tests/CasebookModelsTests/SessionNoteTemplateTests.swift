import CasebookModels
import Testing

@Suite struct SessionNoteTemplateTests {
    @Test func renderedTemplateParsesBackToTheSameNote() throws {
        let note = SessionNoteTemplate(on: LocalDate(iso: "2026-12-03"), minutes: 45, platform: "Microsoft Teams",
                                       topics: "Exams and sleep.\nFriendships.", progress: "Calmer.", followUp: "Next week.")
        #expect(try SessionNoteTemplate.parse(note.render(guidance: ["a comment: with a colon"])) == note)
    }

    @Test(arguments: [
        ("Topics: a\nProgress: b\nFollow-up: c", "a", "b", "c"),
        ("# comment\ntopics:\n  line one\nline two\nPROGRESS: b\nFollow-up:\nc\n", "line one\nline two", "b", "c"),
        ("Topics: O'Neill's gran: visited\nProgress: b\nFollow-up: c", "O'Neill's gran: visited", "b", "c"),
        ("\n\nTopics:\nProgress:\nFollow-up:\n", "", "", ""),
    ])
    func sections(text: String, topics: String, progress: String, followUp: String) throws {
        let note = try SessionNoteTemplate.parse(text)
        #expect(note.topics == topics && note.progress == progress && note.followUp == followUp)
    }

    @Test func emptyNoteCancels() throws {
        #expect(try SessionNoteTemplate.parse(SessionNoteTemplate().render(guidance: ["x"])).isEmpty)
    }

    @Test(arguments: ["stray text\nTopics: a", "Topics: a\nTopics: b", "Date: 3 Dec\nTopics: a", "Minutes: fifty\nTopics: a"])
    func refusals(text: String) {
        #expect(throws: CasebookError.self) { try SessionNoteTemplate.parse(text) }
    }

    @Test func refusalsNameTheLineNotItsText() {
        do { _ = try SessionNoteTemplate.parse("Synthetic secret words\nTopics: a"); Issue.record("parsed") } catch {
            #expect(error.message.contains("line 1") && !error.message.contains("secret"))
        }
    }
}

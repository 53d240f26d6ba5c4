import Foundation
import QualKit
import QualKitRender
import QualKitTestSupport
import Testing

/// The HTML of every SampleForms test and of the fixtures, compared with `Goldens/` (regenerate with
/// `QUALKIT_UPDATE_GOLDEN=1`). Three pages each: the plain preview, the preview with the key and one attempt, and
/// the worker form as the portal shows it after a submission with problems.
struct GoldenTests {
    /// The pages of one test: (golden name, html, diagnostics).
    static func pages(form: QuestionForm, key: AnswerKey?, answers: QuestionFormAnswers?, answersLabel: String?,
                      name: String) -> [(String, RenderedPage)] {
        var pages: [(String, RenderedPage)] = []
        pages.append(("\(name)-preview.html", FormRenderer.render(form)))
        if let key {
            pages.append(("\(name)-key-answers.html", FormRenderer.render(form, options: RenderOptions(
                key: key, answers: answers, answersLabel: answersLabel))))
        }
        // The portal's page after a submission with nothing answered: the required questions carry messages.
        let errors = AnswerValidator.validate(.empty, form: form)
        let worker = WorkerForm(action: "/worker/types/3QK/submit", hiddenFields: [("csrf", "token-123"), ("attempt", "A1")],
                                answers: answers, errors: errors,
                                summary: errors.isEmpty ? nil : "\(errors.count) questions need attention.")
        pages.append(("\(name)-worker.html", FormRenderer.render(form, options: RenderOptions(mode: .workerForm(worker)))))
        return pages
    }

    @Test(arguments: RenderFixtures.sampleTests)
    func sampleTest(_ test: String) throws {
        let dir = "SampleForms/\(test)"
        let form = try RenderFixtures.form("\(dir)/form.xml")
        let key = try RenderFixtures.key("\(dir)/answer-key.xml")
        let answerFile = try #require(RenderFixtures.answerFiles(test).first, "\(dir) has no answers")
        let answers = try RenderFixtures.answers(answerFile)
        for (name, page) in Self.pages(form: form, key: key, answers: answers,
                                       answersLabel: (answerFile as NSString).lastPathComponent, name: test) {
            try RenderFixtures.assertGolden(page.html, name)
            #expect(InertCheck.problems(in: page.html, formAction: "/worker/types/3QK/submit").isEmpty)
            // The sample tests are valid forms: nothing is dropped.
            #expect(page.diagnostics.isEmpty, "\(name): \(page.diagnostics.map(\.description))")
        }
    }

    @Test func everyElement() throws {
        let f = RenderFixtures.fixtures
        let form = try RenderFixtures.form("\(f)/every-element.xml")
        let key = try RenderFixtures.key("\(f)/every-element-key.xml")
        let answers = try RenderFixtures.answers("\(f)/every-element-answers.xml")
        for (name, page) in Self.pages(form: form, key: key, answers: answers, answersLabel: "every-element-answers.xml",
                                       name: "every-element") {
            try RenderFixtures.assertGolden(page.html, name)
            #expect(InertCheck.problems(in: page.html, formAction: "/worker/types/3QK/submit").isEmpty)
        }
    }

    @Test func plainPreviewLeavesInputsUsable() throws {
        let form = try RenderFixtures.form("\(RenderFixtures.fixtures)/every-element.xml")
        let page = FormRenderer.render(form, options: RenderOptions(disableInputs: false))
        try RenderFixtures.assertGolden(page.html, "every-element-usable.html")
        let tags = HTMLTokens(page.html).tags
        #expect(!tags.contains { $0.attribute("disabled") != nil })
        #expect(!tags.contains { $0.name == "form" })
        #expect(FormRenderer.render(form).html.contains(" disabled=\"\""))
    }

    @Test func fragmentWithoutDocument() throws {
        let form = try RenderFixtures.form("SampleForms/en-fr-meaning/form.xml")
        let page = FormRenderer.render(form, options: RenderOptions(fullDocument: false))
        #expect(page.html.hasPrefix("<main "))
        #expect(!page.html.contains("<style>"))
        #expect(FormRenderer.stylesheet.contains(".qk-question"))
    }
}

import Foundation
import QualKit
import QualKitRender
import QualKitTestSupport
import Testing

/// A real browser opens every page: headless Chromium (Debian package `chromium`) renders it to PNG and must log no
/// console message (a blocked script, a CSP violation, a JavaScript error). Screenshots are kept in
/// `$TMPDIR/qualkit-render-browser/` to look at. Skipped, with the reason, only when Chromium is not installed.
@Suite(.enabled(if: Chromium.available, "Chromium is not installed: apt-get install chromium (Debian) to run the browser checks"))
struct BrowserTests {
    struct Page: Sendable, CustomTestStringConvertible {
        var name: String
        var html: String
        var testDescription: String { name }
    }

    static func pages() throws -> [Page] {
        var pages: [Page] = []
        for test in RenderFixtures.sampleTests {
            let dir = "SampleForms/\(test)"
            let form = try RenderFixtures.form("\(dir)/form.xml")
            let key = try RenderFixtures.key("\(dir)/answer-key.xml")
            let answers = try RenderFixtures.answerFiles(test).first.map { try RenderFixtures.answers($0) }
            pages.append(Page(name: "\(test)-preview", html: FormRenderer.render(form, options: RenderOptions(key: key, answers: answers)).html))
            let worker = WorkerForm(action: "/submit", hiddenFields: [("csrf", "t")], errors: AnswerValidator.validate(.empty, form: form),
                                    summary: "Some questions need attention.")
            pages.append(Page(name: "\(test)-worker", html: FormRenderer.render(form, options: RenderOptions(mode: .workerForm(worker))).html))
        }
        let f = RenderFixtures.fixtures
        let every = try RenderFixtures.form("\(f)/every-element.xml")
        pages.append(Page(name: "every-element-preview", html: FormRenderer.render(every, options: RenderOptions(
            key: try RenderFixtures.key("\(f)/every-element-key.xml"),
            answers: try RenderFixtures.answers("\(f)/every-element-answers.xml"))).html))
        for (name, page) in try InjectionTests.pages() where ["key-answers", "worker"].contains(name) || name.hasPrefix("DataURL javascript") {
            pages.append(Page(name: "injection-" + name.replacingOccurrences(of: " ", with: "-")
                .filter { $0.isLetter || $0.isNumber || $0 == "-" }, html: page.html))
        }
        return pages
    }

    static let allPages: [Page] = (try? pages()) ?? []

    @Test func thereArePagesToOpen() {
        #expect(Self.allPages.count >= 2 * RenderFixtures.sampleTests.count + 3)
        #expect(RenderFixtures.sampleTests.count >= 3, "SampleForms should hold at least three tests")
    }

    @Test(arguments: allPages)
    func loadsWithoutConsoleErrors(_ page: Page) throws {
        let folder = Chromium.outputFolder
        let htmlURL = folder.appendingPathComponent("\(page.name).html")
        let pngURL = folder.appendingPathComponent("\(page.name).png")
        try Data(page.html.utf8).write(to: htmlURL, options: .atomic)
        try? FileManager.default.removeItem(at: pngURL)

        let shot = try Chromium.run(htmlURL, ["--screenshot=\(pngURL.path)"], width: 412, height: 1400)
        #expect(shot.exitCode == 0, "chromium exited \(shot.exitCode): \(shot.stderr.suffix(2000))")
        #expect(shot.consoleMessages.isEmpty, "console messages in \(page.name): \(shot.consoleMessages)")
        let png = try Data(contentsOf: pngURL)
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]), "\(pngURL.path) is not a PNG")
        #expect(png.count > 10_000, "\(pngURL.path) is suspiciously small (\(png.count) bytes): an empty page?")

        // The DOM the browser built: still inert, and it holds the page's questions (the parser did not swallow them).
        let dom = try Chromium.run(htmlURL, ["--dump-dom"])
        #expect(dom.exitCode == 0)
        #expect(dom.consoleMessages.isEmpty, "console messages in \(page.name): \(dom.consoleMessages)")
        let problems = InertCheck.problems(in: dom.stdout, formAction: HTMLTokens(page.html).tags.first { $0.name == "form" }?.attribute("action"))
        #expect(problems.isEmpty, "\(page.name) as parsed by Chromium: \(problems)")
        let ours = HTMLTokens(page.html).tags.filter { $0.name == "fieldset" }.count
        let theirs = HTMLTokens(dom.stdout).tags.filter { $0.name == "fieldset" }.count
        #expect(ours > 0 && ours == theirs, "\(page.name): \(ours) questions written, \(theirs) in the browser's DOM")
        #expect(HTMLTokens(dom.stdout).tags.filter { $0.name == "script" }.isEmpty)
    }
}

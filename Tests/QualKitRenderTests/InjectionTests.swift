import Foundation
import QualKit
import QualKitRender
import QualKitTestSupport
import Testing

/// The injection corpus (`Fixtures/injection*.xml`): a script tag, event attributes, `javascript:` URLs and
/// `</textarea>`, `</title>`, quote breakouts in every field. Every page made from it must be inert.
struct InjectionTests {
    static let payload = "\"'><script>console.error('XSS')</script><img src=x onerror=\"console.error('XSS')\"></textarea></title></style></select></option><!--"
    static let action = "/worker/types/3QK/submit"

    static func corpus() throws -> (QuestionForm, AnswerKey, QuestionFormAnswers) {
        let f = RenderFixtures.fixtures
        return (try RenderFixtures.form("\(f)/injection.xml"), try RenderFixtures.key("\(f)/injection-key.xml"),
                try RenderFixtures.answers("\(f)/injection-answers.xml"))
    }

    /// The form with every DataURL (Binary, EmbeddedBinary, selection pictures) replaced: the schema refuses these
    /// URLs, but a form value can be built in code, so the renderer must not trust the loader.
    static func withDataURL(_ form: QuestionForm, _ url: String) -> QuestionForm {
        func content(_ items: [ContentItem]) -> [ContentItem] {
            items.map { item in
                switch item {
                case .binary(var b): b.dataURL = url; return .binary(b)
                case .embeddedBinary(var b): b.dataURL = url; return .embeddedBinary(b)
                case .application(.flash(_, let w, let h, let p)): return .application(.flash(movieURL: url, width: w, height: h, parameters: p))
                default: return item
                }
            }
        }
        var form = form
        form.items = form.items.map { item in
            switch item {
            case .overview(let c, let o): return .overview(content(c) + [.application(.flash(movieURL: url, width: "1", height: "1", parameters: []))], o)
            case .question(var q):
                q.content = content(q.content)
                if case .selection(var s) = q.answer {
                    s.selections = s.selections.map { sel in
                        var sel = sel
                        if case .binary(var b) = sel.label { b.dataURL = url; sel.label = .binary(b) }
                        return sel
                    }
                    q.answer = .selection(s)
                }
                return .question(q)
            }
        }
        return form
    }

    static let hostileURLs = [
        "javascript:console.error('XSS')", " JavaScript:console.error('XSS')", "java\tscript:console.error('XSS')",
        "data:text/html,<script>console.error('XSS')</script>", "vbscript:msgbox(1)", "//evil.example/x.png",
        "https://example.com/x.png\" onerror=\"console.error('XSS')",
    ]

    /// Every page the corpus makes: previews with and without overlays, worker forms with hostile options.
    static func pages() throws -> [(String, RenderedPage)] {
        let (form, key, answers) = try corpus()
        var pages: [(String, RenderedPage)] = [
            ("preview", FormRenderer.render(form)),
            ("key-answers", FormRenderer.render(form, options: RenderOptions(key: key, answers: answers, answersLabel: payload,
                                                                               pageTitle: payload))),
            ("usable", FormRenderer.render(form, options: RenderOptions(disableInputs: false))),
        ]
        var errors = AnswerValidator.validate(answers, form: form)
        errors[form.questions[0].identifier, default: []].append("Error " + payload)
        let worker = WorkerForm(action: action, hiddenFields: [("csrf" + payload, "v" + payload), ("attempt", payload)],
                                answers: answers, errors: errors, summary: "Summary " + payload, submitLabel: "Submit " + payload)
        pages.append(("worker", FormRenderer.render(form, options: RenderOptions(mode: .workerForm(worker), pageTitle: payload))))
        for hostile in ["javascript:console.error('XSS')", " JAVASCRIPT:alert(1)", "data:text/html,x"] {
            var w = worker
            w.action = hostile
            pages.append(("worker action \(hostile)", FormRenderer.render(form, options: RenderOptions(mode: .workerForm(w)))))
        }
        for url in hostileURLs {
            pages.append(("DataURL \(url)", FormRenderer.render(withDataURL(form, url), options: RenderOptions(key: key, answers: answers))))
        }
        return pages
    }

    @Test func everyPageIsInert() throws {
        for (name, page) in try Self.pages() {
            let problems = InertCheck.problems(in: page.html, formAction: name.hasPrefix("worker action") ? "" : Self.action)
            #expect(problems.isEmpty, "\(name): \(problems)")
        }
    }

    /// The payloads are shown as text, whole, rather than dropped or run.
    @Test func payloadsAreShownAsText() throws {
        let pages = Dictionary(try Self.pages(), uniquingKeysWith: { a, _ in a })
        // The plain preview shows the DefaultTexts, the overlay the answers.
        let preview = HTMLTokens(try #require(pages["key-answers"]).html + #require(pages["preview"]).html)
        for field in ["Title ", "Text ", "ListItem ", "DisplayName ", "Question text ", "Selection text ", "AltText ",
                      "Selection alt ", "Embedded ", "q1", "s1", "unknown", "ghost", "Ghost answer ", "Other answer ", "keyonly",
                      "Other DefaultText ", "DefaultText ", "Input DefaultText "] {
            #expect(preview.text.contains(field + Self.payload) || preview.tags.contains { $0.attributes.contains { $0.value == field + Self.payload } },
                    "\(field) is not shown verbatim")
        }
        let worker = HTMLTokens(try #require(pages["worker"]).html)
        for field in ["Error ", "Summary ", "Submit ", "Free answer ", "Line answer "] {
            #expect(worker.text.contains(field + Self.payload) || worker.tags.contains { $0.attribute("value") == field + Self.payload },
                    "\(field) is not shown verbatim")
        }
        #expect(worker.tags.contains { $0.name == "input" && $0.attribute("name") == "csrf" + Self.payload
                    && $0.attribute("value") == "v" + Self.payload })
    }

    /// `</textarea>` and `</title>` inside values cannot end those elements early.
    @Test func rawTextElementsHoldTheirWholeValue() throws {
        let (form, _, answers) = try Self.corpus()
        let worker = WorkerForm(action: Self.action, answers: answers)
        let page = FormRenderer.render(form, options: RenderOptions(mode: .workerForm(worker), pageTitle: "T" + Self.payload))
        let tokens = HTMLTokens(page.html).tokens
        var contents: [String: [String]] = [:]
        for (i, token) in tokens.enumerated() {
            guard case .tag(let tag) = token, !tag.isEnd, tag.name == "textarea" || tag.name == "title" else { continue }
            var text = ""
            if i + 1 < tokens.count, case .text(let t) = tokens[i + 1] { text = t }
            contents[tag.name, default: []].append(text)
        }
        #expect(contents["title"] == ["T" + Self.payload])
        #expect(contents["textarea"] == ["Free answer " + Self.payload])
    }

    /// Everything the sanitiser leaves out is reported.
    @Test func droppedMarkupIsReported() throws {
        let (form, _, _) = try Self.corpus()
        let messages = FormRenderer.render(form).diagnostics.map(\.message)
        for expected in ["dropped <script>", "dropped <style>", "attribute onclick", "attribute onerror", "attribute onmouseover",
                         "attribute style", "attribute class", "href=\"javascript:", "href=\" JaVaScRiPt:", "href=\"data:",
                         "href=\"vbscript:", "href=\"//evil.example/x\"", "src=\"javascript:", "<svg>", "the tag <div>",
                         "the tag <span>", "the tag <form>", "dropped <button>", "attribute background", "cite=\"javascript:",
                         "dropped <object>", "dropped <meta>", "dropped <base>", "dropped <link>", "{urn:x}onclick",
                         "not well-formed"] {
            #expect(messages.contains { $0.contains(expected) }, "no diagnostic mentions \(expected)")
        }
        for url in Self.hostileURLs where !url.hasPrefix("https:") {
            let page = FormRenderer.render(Self.withDataURL(form, url))
            #expect(page.diagnostics.contains { $0.message.contains("not an absolute http(s) URL") && $0.message.contains(url) },
                    "the DataURL \(url) is not reported")
        }
    }

    /// A worker form's action that is not relative or http(s) is replaced and reported.
    @Test func hostileFormActionIsRefused() {
        let form = QuestionForm(items: [.question(Question(identifier: "q", content: [.text("t")], answer: .freeText(FreeTextAnswer())))])
        let page = FormRenderer.render(form, options: RenderOptions(mode: .workerForm(WorkerForm(action: "javascript:alert(1)"))))
        let tag = HTMLTokens(page.html).tags.first { $0.name == "form" }
        #expect(tag?.attribute("action") == "")
        #expect(page.diagnostics.contains { $0.message.contains("javascript:alert(1)") })
    }
}

/// The checker itself finds what it is there to find.
struct InertCheckTests {
    @Test(arguments: [
        "<p onclick=\"x()\">a</p>", "<script>x()</script>", "<a href=\"javascript:x()\">a</a>", "<a href=\" JavaScript:x()\">a</a>",
        "<img src=x onerror=x()>", "<iframe src=\"https://e.example/\"></iframe>", "<p style=\"color:red\">a</p>",
        "<form action=\"https://evil.example/\"></form>", "<meta http-equiv=\"refresh\" content=\"0\">", "<!-- c -->",
        "<svg><a href=\"x\">a</a></svg>", "<button formaction=\"javascript:x()\">b</button>", "<style>a{}</style><style>b{}</style>",
    ])
    func findsActiveContent(_ html: String) {
        #expect(!InertCheck.problems(in: html, formAction: "/submit").isEmpty)
    }

    @Test func rawTextRunsToItsEndTag() {
        let tokens = HTMLTokens("<textarea>a &lt;/textarea&gt;<b>x</b></textarea><p>after</p>")
        #expect(tokens.tags.map(\.name) == ["textarea", "p"])
        #expect(tokens.text == "a </textarea><b>x</b>after")
    }
}

import Foundation
import QualKit
import QualKitRender
import QualKitTestSupport
import Testing

/// The worker portal's round trip: render the form, submit it as a browser would, collect the fields back into
/// QuestionFormAnswers, validate them.
struct WorkerFormTests {
    /// The fields a browser sends for the first `<form>` of a page (successful controls, in tree order).
    static func submittedFields(_ html: String) -> [(name: String, value: String)] {
        let tokens = HTMLTokens(html).tokens
        var fields: [(name: String, value: String)] = []
        var i = 0
        var inForm = false
        while i < tokens.count {
            defer { i += 1 }
            guard case .tag(let tag) = tokens[i] else { continue }
            if tag.name == "form" { inForm = !tag.isEnd; continue }
            guard inForm, !tag.isEnd, tag.attribute("disabled") == nil, let name = tag.attribute("name") else { continue }
            switch tag.name {
            case "input":
                switch tag.attribute("type") ?? "text" {
                case "radio", "checkbox":
                    if tag.attribute("checked") != nil { fields.append((name, tag.attribute("value") ?? "on")) }
                default:
                    fields.append((name, tag.attribute("value") ?? ""))
                }
            case "textarea":
                var text = ""
                if i + 1 < tokens.count, case .text(let t) = tokens[i + 1] { text = t }
                if text.hasPrefix("\n") { text.removeFirst() }  // the parser drops one newline after <textarea>
                fields.append((name, text.replacingOccurrences(of: "\n", with: "\r\n")))  // browsers send CR LF
            case "select":
                var options: [(value: String, selected: Bool)] = []
                var j = i + 1
                while j < tokens.count {
                    if case .tag(let t) = tokens[j] {
                        if t.name == "select" && t.isEnd { break }
                        if t.name == "option" && !t.isEnd { options.append((t.attribute("value") ?? "", t.attribute("selected") != nil)) }
                    }
                    j += 1
                }
                let multiple = tag.attribute("multiple") != nil
                let size = Int(tag.attribute("size") ?? "1") ?? 1
                let selected = options.filter(\.selected)
                if multiple {
                    fields += selected.map { (name, $0.value) }
                } else if let s = selected.last ?? (size <= 1 ? options.first : nil) {
                    fields.append((name, s.value))
                }
            default:
                break
            }
        }
        return fields
    }

    /// What the collector should give back: the answers to the form's questions in form order, selections in form
    /// order without repeats, and the defaults the form pre-fills for questions without an answer.
    static func expected(_ answers: QuestionFormAnswers, form: QuestionForm) -> [String] {
        var out: [String] = []
        for q in form.questions {
            let a = answers.answers.first { $0.questionIdentifier == q.identifier }
            switch q.answer {
            case .selection(let s):
                let ids = s.selections.map(\.identifier).filter { a?.selectionIdentifiers.contains($0) ?? false }
                let other = a.map { $0.otherSelectionText } ?? s.otherSelection?.defaultText
                if !ids.isEmpty || (other.map { !$0.allSatisfy(\.isWhitespace) } ?? false) {
                    out.append("\(q.identifier): \(ids) other=\(other ?? "-")")
                }
            case .freeText(let f):
                if let text = a?.freeText ?? f.defaultText, !text.isEmpty { out.append("\(q.identifier): \(text)") }
            case .fileUpload:
                break
            }
        }
        return out
    }

    static func describe(_ answers: QuestionFormAnswers) -> [String] {
        answers.answers.map { a in
            a.freeText.map { "\(a.questionIdentifier): \($0)" } ?? "\(a.questionIdentifier): \(a.selectionIdentifiers) other=\(a.otherSelectionText ?? "-")"
        }
    }

    static var attempts: [(String, String)] {
        var list = RenderFixtures.sampleTests.flatMap { test in RenderFixtures.answerFiles(test).map { ("SampleForms/\(test)/form.xml", $0) } }
        list.append(("\(RenderFixtures.fixtures)/every-element.xml", "\(RenderFixtures.fixtures)/every-element-answers.xml"))
        return list
    }

    @Test func everyAttemptRoundTrips() throws {
        #expect(Self.attempts.count > 10)
        for (formFile, answerFile) in Self.attempts {
            let form = try RenderFixtures.form(formFile)
            let answers = try RenderFixtures.answers(answerFile)
            let worker = WorkerForm(action: "/submit", hiddenFields: [("csrf", "abc")], answers: answers)
            let html = FormRenderer.render(form, options: RenderOptions(mode: .workerForm(worker))).html
            let fields = Self.submittedFields(html)
            #expect(fields.first.map { $0.name == "csrf" && $0.value == "abc" } ?? false)
            let collected = AnswerCollector.collect(fields, form: form)
            #expect(collected.isClean, "\(answerFile): \(collected.errors) \(collected.formErrors)")
            #expect(collected.ignoredFields == ["csrf"])
            #expect(Self.describe(collected.answers) == Self.expected(answers, form: form), "\(answerFile) does not round-trip")
        }
    }

    @Test func everyStyleRoundTripsEveryChoice() throws {
        let form = try RenderFixtures.form("\(RenderFixtures.fixtures)/every-element.xml")
        for q in form.questions {
            guard case .selection(let s) = q.answer else { continue }
            // Each selection alone, then (where more are allowed) all of them.
            var sets = s.selections.map { [$0.identifier] }
            if s.effectiveMax > 1 { sets.append(s.selections.map(\.identifier)) }
            for ids in sets {
                let answers = QuestionFormAnswers(answers: [Answer(questionIdentifier: q.identifier, selectionIdentifiers: ids)])
                let html = FormRenderer.render(form, options: RenderOptions(mode: .workerForm(WorkerForm(action: "/s", answers: answers)))).html
                let collected = AnswerCollector.collect(Self.submittedFields(html), form: form)
                #expect(collected.answers.answers.first { $0.questionIdentifier == q.identifier }?.selectionIdentifiers == ids,
                        "\(q.identifier) (\(s.style?.rawValue ?? "no style")): \(ids)")
            }
        }
    }

    @Test func identifiersNeverAppearInFieldNames() throws {
        let form = try RenderFixtures.form("\(RenderFixtures.fixtures)/injection.xml")
        let html = FormRenderer.render(form, options: RenderOptions(mode: .workerForm(WorkerForm(action: "/s")))).html
        for tag in HTMLTokens(html).tags where ["input", "select", "textarea"].contains(tag.name) {
            let name = try #require(tag.attribute("name"))
            #expect(FieldName(name) != nil, "\(name) is outside the scheme")
            if let value = tag.attribute("value"), tag.attribute("type") == "radio" || tag.attribute("type") == "checkbox" {
                #expect(Int(value) != nil)
            }
        }
    }

    // MARK: - Collector

    static let form: QuestionForm = {
        let loaded = MTurkDocuments.questionForm(try! RepositoryFiles.bytes("\(RenderFixtures.fixtures)/every-element.xml"))
        return loaded.value!
    }()

    /// every-element.xml's questions by index: 0 radio, 1 check, 2 list, 3 drop, 4 combo (Other), 5 multi, 6 pictures
    /// (Other), 7 age, 8 essay, 9 note.
    @Test func collectorReadsSelectionsInFormOrderOnce() {
        let c = AnswerCollector.collect([("q1.sel", "2"), ("q1.sel", "0"), ("q1.sel", "2"), ("q3.sel", ""), ("token", "x")], form: Self.form)
        #expect(c.isClean)
        #expect(c.answers.answers.map(\.questionIdentifier) == ["check"])
        #expect(c.answers.answers.first?.selectionIdentifiers == ["whale", "shark"])
        #expect(c.ignoredFields == ["token"])
    }

    @Test func collectorKeepsTextAndOther() {
        let c = AnswerCollector.collect([("q8.text", "Line one\r\nLine two"), ("q4.other", "Lisbon"), ("q6.other", "   "), ("q9.text", "")],
                                        form: Self.form)
        #expect(c.isClean)
        #expect(Self.describe(c.answers) == ["combo: [] other=Lisbon", "essay: Line one\nLine two"])
    }

    @Test(arguments: [
        ([("q0.sel", "3")], "radio", "not one of this question's choices"),
        ([("q0.sel", "b")], "radio", "not one of this question's choices"),
        ([("q0.sel", "-1")], "radio", "not one of this question's choices"),
        ([("q0.other", "x")], "radio", "no “Other” box"),
        ([("q0.text", "x")], "radio", "does not belong"),
        ([("q7.sel", "0")], "age", "does not belong"),
        ([("q7.text", "1"), ("q7.text", "2")], "age", "sent twice"),
        ([("q4.other", "a"), ("q4.other", "b")], "combo", "sent twice"),
    ])
    func collectorRejectsTamperedFields(fields: [(String, String)], question: String, message: String) {
        let c = AnswerCollector.collect(fields.map { (name: $0.0, value: $0.1) }, form: Self.form)
        #expect(!c.isClean)
        #expect(c.errors[question]?.contains { $0.contains(message) } ?? false, "\(c.errors)")
    }

    @Test func collectorReportsFieldsForMissingQuestions() {
        let c = AnswerCollector.collect([("q10.sel", "0"), ("q999999999.text", "x")], form: Self.form)
        #expect(c.formErrors.count == 2)
        #expect(c.formErrors[0].contains("names question 11, but the form has 10"))
        #expect(c.answers.answers.isEmpty)
    }

    // MARK: - Validator

    static func errors(_ answers: [Answer]) -> [String: [String]] {
        AnswerValidator.validate(QuestionFormAnswers(answers: answers), form: form)
    }

    static func text(_ q: String, _ t: String) -> Answer { Answer(questionIdentifier: q, freeText: t) }
    static func pick(_ q: String, _ ids: [String], other: String? = nil) -> Answer {
        Answer(questionIdentifier: q, selectionIdentifiers: ids, otherSelectionText: other)
    }

    /// The answers that satisfy every constraint of every-element.xml.
    static let valid: [Answer] = [
        pick("radio", ["a"]), pick("check", ["whale", "bat"]), pick("drop", ["red"]),
        text("age", "42"), text("essay", "The PICTURE shows a cat."),
    ]

    @Test func validAnswersPass() {
        #expect(Self.errors(Self.valid).isEmpty)
    }

    @Test func requiredQuestionsAreReported() {
        let e = Self.errors([])
        #expect(Set(e.keys) == ["radio", "drop", "age", "essay"], "\(e)")  // essay: Length minLength 10 makes it required
        #expect(e["radio"] == ["This question is required."])
    }

    @Test(arguments: [
        (pick("check", ["whale"]), "check", "Choose at least 2 answers."),
        (pick("check", ["whale", "bat", "shark", "dog"]), "check", "Choose at most 3 answers."),
        (pick("radio", ["a", "b"]), "radio", "Choose only one answer."),
        (pick("radio", ["zzz"]), "radio", "“zzz” is not one of the choices."),
        (pick("radio", [], other: "x"), "radio", "This question has no “Other” answer."),
        (pick("combo", [], other: "x"), "combo", "Other: Write at least 2 characters (now 1)."),
        (text("age", "abc"), "age", "Enter a number."),
        (text("age", "1e3"), "age", "Enter a number."),
        (text("age", "17"), "age", "Enter a number of at least 18."),
        (text("age", "120.5"), "age", "Enter a number of at most 120."),
        (text("essay", "The pic"), "essay", "Write at least 10 characters (now 7)."),
        (text("essay", "the picture is nice"), "essay", "Start with a capital letter."),
        (text("essay", "The cat sat on the mat"), "essay", "Invalid input supplied."),
        (text("essay", "The picture " + String(repeating: "😀", count: 245)), "essay", "Write at most 500 characters (now 502)."),
        (text("ghost", "x"), "ghost", "This answer is for a question the test does not have."),
    ])
    func constraintViolations(answer: Answer, question: String, message: String) {
        var answers = Self.valid.filter { $0.questionIdentifier != answer.questionIdentifier }
        answers.append(answer)
        let e = Self.errors(answers)
        #expect(e[question]?.contains(message) ?? false, "\(e)")
        #expect(e.keys.count == 1, "only \(question) should fail: \(e)")
    }

    @Test func numbersAroundTheBounds() {
        for (value, ok) in [("18", true), ("120", true), ("+42", true), (" 42 ", true), ("42.0", true), ("-0", false), ("", false), (".", false), ("4 2", false)] {
            let e = Self.errors(Self.valid.filter { $0.questionIdentifier != "age" } + [Self.text("age", value)])
            #expect(e.isEmpty == ok, "\(value): \(e)")
        }
    }

    @Test func answeredTwiceIsReported() {
        let e = Self.errors(Self.valid + [Self.pick("radio", ["b"])])
        #expect(e["radio"] == ["This question was answered twice."])
    }

    @Test func regexFlagsAndBrokenRegexes() {
        func check(_ regex: String, flags: String?, _ text: String) -> [String] {
            AnswerValidator.textProblems(text, FreeTextConstraints(regexes: [.init(regex: regex, errorText: "no", flags: flags)]))
        }
        #expect(check("^abc$", flags: "i", "ABC").isEmpty)
        #expect(check("^abc$", flags: nil, "ABC") == ["no"])
        #expect(check("^b$", flags: "m", "a\nb").isEmpty)
        #expect(check("^b$", flags: nil, "a\nb") == ["no"])
        #expect(check("a.b", flags: "s", "a\nb").isEmpty)
        #expect(check("\\d{3}", flags: nil, "ab123").isEmpty)  // like JavaScript's test: a match anywhere
        #expect(check("(", flags: nil, "anything").isEmpty)  // does not compile: skipped, never blocks a worker
    }
}

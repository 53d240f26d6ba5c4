import Foundation

/// Semantic checks the schemas cannot express. Each rule is a small function returning diagnostics.
public enum Lint {
    /// Checks a QuestionForm on its own. `asTest`: the form is a qualification test (not a HIT), where
    /// FileUploadAnswer and Application are not allowed.
    public static func form(_ form: QuestionForm, asTest: Bool = true) -> [Diagnostic] {
        var out: [Diagnostic] = []
        if form.questions.isEmpty {
            out.append(Diagnostic(.noQuestions, nil, "the form has no Question, so there is nothing to answer",
                                  hint: "add at least one <Question>", at: form.items.first.flatMap(overviewLocation)))
        }
        var seen: [String: Question] = [:]
        for q in form.questions {
            out += identifierProblems(q.identifier, what: "QuestionIdentifier", code: .identifierWhitespace, at: q.identifierOrigin)
            if let first = seen[q.identifier] {
                out.append(Diagnostic(.duplicateQuestionID, nil,
                    "QuestionIdentifier \"\(q.identifier)\" is used twice (first at \(first.identifierOrigin.location?.description ?? "?"))",
                    hint: "give every question its own identifier; answers and the key find questions by it",
                    at: q.identifierOrigin.location))
            } else {
                seen[q.identifier] = q
            }
            out += answerProblems(q, asTest: asTest)
            if asTest { out += contentProblems(q.content, at: q.origin) }
        }
        if asTest {
            for case .overview(let content, let origin) in form.items { out += contentProblems(content, at: origin) }
        }
        return out
    }

    private static func overviewLocation(_ item: FormItem) -> SourceLocation? {
        if case .overview(_, let o) = item { return o.location }
        return nil
    }

    static func identifierProblems(_ id: String, what: String, code: DiagnosticCode, at origin: Origin) -> [Diagnostic] {
        if id.isEmpty {
            return [Diagnostic(.emptyIdentifier, nil, "\(what) is empty", hint: "write a short identifier such as q1", at: origin.location)]
        }
        if id.trimmingXMLWhitespace() != id {
            return [Diagnostic(code, nil, "\(what) \"\(id)\" has leading or trailing whitespace",
                               hint: "MTurk compares identifiers exactly: write \"\(id.trimmingXMLWhitespace())\"",
                               at: origin.location)]
        }
        return []
    }

    private static func contentProblems(_ content: [ContentItem], at origin: Origin) -> [Diagnostic] {
        content.compactMap { item in
            switch item {
            case .application:
                Diagnostic(.notForTests, nil, "Application (Flash/Java applet) content is no longer supported by MTurk",
                           hint: "remove it; use Binary, FormattedContent or an image instead", at: origin.location)
            case .embeddedBinary:
                Diagnostic(.deprecatedElement, nil, "EmbeddedBinary depends on browser plug-ins that workers no longer have",
                           hint: "use Binary (opens the media in a new window) or an image in FormattedContent", at: origin.location)
            default: nil
            }
        }
    }

    private static func answerProblems(_ q: Question, asTest: Bool) -> [Diagnostic] {
        var out: [Diagnostic] = []
        switch q.answer {
        case .fileUpload:
            if asTest {
                out.append(Diagnostic(.notForTests, nil, "question \"\(q.identifier)\" uses FileUploadAnswer, which qualification tests cannot use",
                                      hint: "use a SelectionAnswer or FreeTextAnswer", at: q.origin.location))
            }
        case .freeText(let f):
            out += freeTextProblems(f, question: q)
        case .selection(let s):
            var ids: [String: Selection] = [:]
            for sel in s.selections {
                out += identifierProblems(sel.identifier, what: "SelectionIdentifier", code: .identifierWhitespace, at: sel.origin)
                if ids[sel.identifier] != nil {
                    out.append(Diagnostic(.duplicateSelectionID, nil,
                        "question \"\(q.identifier)\" offers SelectionIdentifier \"\(sel.identifier)\" twice",
                        hint: "a worker's answer names selections by identifier: make each unique within the question",
                        at: sel.origin.location))
                } else {
                    ids[sel.identifier] = sel
                }
            }
            let count = s.selections.count
            if let min = s.minSelectionCount, min > count {
                out.append(Diagnostic(.selectionCountRange, nil,
                    "MinSelectionCount is \(min) but question \"\(q.identifier)\" offers only \(count) selection\(count == 1 ? "" : "s")",
                    hint: "lower MinSelectionCount to at most \(count)", at: s.origin.location))
            }
            if let max = s.maxSelectionCount, max > count {
                out.append(Diagnostic(.selectionCountRange, nil,
                    "MaxSelectionCount is \(max) but question \"\(q.identifier)\" offers only \(count) selection\(count == 1 ? "" : "s")",
                    hint: "lower MaxSelectionCount to at most \(count)", at: s.origin.location))
            }
            if s.effectiveMin > (s.maxSelectionCount ?? 1) {
                out.append(Diagnostic(.selectionCountRange, nil,
                    "MinSelectionCount (\(s.effectiveMin)) is above MaxSelectionCount (\(s.maxSelectionCount ?? 1)\(s.maxSelectionCount == nil ? ", the default" : "")) in question \"\(q.identifier)\"",
                    hint: "no answer can satisfy both: raise MaxSelectionCount or lower MinSelectionCount", at: s.origin.location))
            }
            if let style = s.style, style.isSingleChoice, let max = s.maxSelectionCount, max > 1 {
                out.append(Diagnostic(.singleChoiceStyleWithMax, nil,
                    "StyleSuggestion \(style.rawValue) lets a worker pick one selection, but MaxSelectionCount is \(max)",
                    hint: "use checkbox or multichooser for multiple selections, or set MaxSelectionCount to 1", at: s.origin.location))
            }
            if let other = s.otherSelection { out += freeTextProblems(other, question: q) }
        }
        return out
    }

    private static func freeTextProblems(_ f: FreeTextAnswer, question q: Question) -> [Diagnostic] {
        guard let c = f.constraints else { return [] }
        var out: [Diagnostic] = []
        if let n = c.isNumeric, let lo = n.minValue, let hi = n.maxValue, lo > hi {
            out.append(Diagnostic(.freeTextConstraint, nil, "IsNumeric minValue \(lo) is above maxValue \(hi) in question \"\(q.identifier)\"",
                                  hint: "swap the bounds", at: c.origin.location))
        }
        if let l = c.length, let lo = l.minLength, let hi = l.maxLength, lo > hi {
            out.append(Diagnostic(.freeTextConstraint, nil, "Length minLength \(lo) is above maxLength \(hi) in question \"\(q.identifier)\"",
                                  hint: "swap the bounds", at: c.origin.location))
        }
        for r in c.regexes {
            let options: NSRegularExpression.Options = r.flags?.contains("i") == true ? [.caseInsensitive] : []
            if (try? NSRegularExpression(pattern: r.regex, options: options)) == nil {
                out.append(Diagnostic(.invalidRegex, nil, "AnswerFormatRegex \"\(r.regex)\" does not compile",
                                      hint: "MTurk runs it as a JavaScript regular expression in the worker's browser; check brackets and escapes",
                                      at: r.origin.location))
            }
        }
        return out
    }
}

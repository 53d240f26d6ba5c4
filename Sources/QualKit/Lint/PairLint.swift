extension Lint {
    /// Checks a form and its key together (run `form` and `key` as well for the single-document rules).
    public static func pair(form: QuestionForm, key: AnswerKey) -> [Diagnostic] {
        var out: [Diagnostic] = []
        let keyed = Set(key.questions.map(\.identifier))
        for q in key.questions {
            guard let fq = form.question(q.identifier) else {
                let near = form.questions.map(\.identifier).first { $0.lowercased() == q.identifier.lowercased().trimmingXMLWhitespace() }
                out.append(Diagnostic(.keyUnknownQuestion, nil, "the key scores question \"\(q.identifier)\" but the form has no such question",
                    hint: near.map { "did you mean \"\($0)\"? identifiers are case-sensitive" } ?? "fix the QuestionIdentifier or remove this entry",
                    at: q.origin.location))
                continue
            }
            switch fq.answer {
            case .freeText:
                out.append(Diagnostic(.keyOnFreeText, nil, "the key scores \"\(q.identifier)\", a free-text question; an answer key can only match selections",
                    hint: "remove it from the key, or turn the question into a SelectionAnswer", at: q.origin.location))
            case .fileUpload:
                out.append(Diagnostic(.keyOnFileUpload, nil, "the key scores \"\(q.identifier)\", a file-upload question",
                    hint: "remove it from the key", at: q.origin.location))
            case .selection(let s):
                if s.otherSelection != nil {
                    out.append(Diagnostic(.keyWithOtherSelection, nil,
                        "question \"\(q.identifier)\" offers OtherSelection; MTurk does not allow it in a test graded by an answer key",
                        hint: "remove <OtherSelection> from the form", at: fq.origin.location))
                }
                let offered = Set(s.selections.map(\.identifier))
                for o in q.options {
                    for id in o.selectionIdentifiers where !offered.contains(id) {
                        let near = offered.first { $0.lowercased() == id.lowercased().trimmingXMLWhitespace() }
                        out.append(Diagnostic(.keyUnknownSelection, nil,
                            "the key's option for \"\(q.identifier)\" names selection \"\(id)\", which the question does not offer",
                            hint: near.map { "did you mean \"\($0)\"? identifiers are case-sensitive" } ?? "offered: \(s.selections.map(\.identifier).joined(separator: ", "))",
                            at: o.origin.location))
                    }
                    if o.selectionIdentifiers.allSatisfy(offered.contains), !optionPossible(o, in: s) {
                        let n = o.selectionSet.count
                        out.append(Diagnostic(.keyOptionImpossible, nil,
                            "this option needs \(n) selection\(n == 1 ? "" : "s") but question \"\(q.identifier)\" allows \(s.effectiveMin == s.effectiveMax ? "exactly \(s.effectiveMin)" : "\(s.effectiveMin) to \(s.effectiveMax)")\(s.style.map { " (\($0.rawValue))" } ?? "")",
                            hint: "no worker can earn this score: fix the option or the selection limits", at: o.origin.location))
                    }
                }
            }
        }
        for fq in form.questions where !keyed.contains(fq.identifier) {
            switch fq.answer {
            case .selection:
                out.append(Diagnostic(.keyUnkeyedQuestion, nil, "selection question \"\(fq.identifier)\" is not in the key, so it never counts",
                    hint: "add a <Question> for it to the key, or ignore if it is a survey question", at: fq.identifierOrigin.location))
            case .freeText:
                out.append(Diagnostic(.freeTextInGradedTest, nil,
                    "question \"\(fq.identifier)\" is free text; MTurk does not allow free-text questions in a test graded by an answer key",
                    hint: "make it a SelectionAnswer, or drop the AnswerKey and grade requests yourself (qualkit requests grade)",
                    at: fq.identifierOrigin.location))
            case .fileUpload:
                break
            }
        }
        let analysis = ScoreAnalysis(key: key, form: form)
        if case .percentage(let max, let origin)? = key.mapping, max > 0, Int64(max) != analysis.maximum {
            out.append(Diagnostic(.keyMaximumMismatch, nil,
                "MaximumSummedScore is \(max) but the highest reachable summed score is \(analysis.maximum)",
                hint: analysis.maximum > Int64(max) ? "workers could score above 100%: set MaximumSummedScore to \(analysis.maximum)"
                                                    : "nobody can reach 100%: set MaximumSummedScore to \(analysis.maximum)",
                at: origin.location))
        }
        return out
    }

    /// Whether some answer allowed by the question's selection limits matches the option exactly.
    static func optionPossible(_ option: AnswerOption, in s: SelectionAnswer) -> Bool {
        let n = option.selectionSet.count
        return n >= s.effectiveMin && n <= s.effectiveMax
    }
}

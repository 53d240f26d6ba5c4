import QualKit
import QualKitScoring

/// The preview's overlays: the answer key (option scores, DefaultScore, mapping, reachable maximum) and one
/// worker's answers with the points each earned (scored by `AttemptScorer`, the same code as `qualkit score`).
extension PageBuilder {
    mutating func prepareScoring() {
        guard let key else { return }
        do {
            let scoring = try ScoringKey(key, form: form, rounding: options.rounding)
            scoringKey = scoring
            if let answers = overlayAnswers {
                let result = AttemptScorer(key: scoring, detail: .explain).score(answers)
                outcome = result
                for r in result.score?.questions ?? [] { results[r.questionIdentifier] = r }
            }
        } catch {
            keyError = error
            diagnostics.append(Diagnostic(.keyProblemForOverlay, .warning, "the answer key cannot score: \(error.message)",
                                          hint: error.hint, at: error.location))
        }
    }

    func keyQuestion(_ identifier: String) -> KeyQuestion? {
        key?.questions.first { $0.identifier == identifier }
    }

    static func mappingDescription(_ mapping: ValueMapping?) -> String {
        switch mapping {
        case nil: "none: the qualification value is the summed score"
        case .percentage(let max, _)?: "PercentageMapping: value = 100 × sum ÷ \(max), rounded to the nearest integer"
        case .scale(let m, _)?: "ScaleMapping: value = sum × \(m.text)"
        case .range(let ranges, let outOfRange, _)?:
            "RangeMapping: " + ranges.map { "\($0.lowerBound)…\($0.upperBound) → \($0.value)" }.joined(separator: ", ")
                + "; anything else → \(outOfRange)"
        }
    }

    mutating func keySummary() {
        out.open("section", [("class", "qk-key qk-key-summary"), ("aria-label", "Answer key")])
        out.element("h2", text: "Answer key")
        if let keyError = keyError {
            out.element("p", [("class", "qk-problem")], text: "This key cannot score attempts: \(keyError.message) (\(keyError.hint))")
        }
        if let key {
            let analysis = ScoreAnalysis(key: key, form: form)
            out.open("dl")
            out.element("dt", text: "Mapping")
            out.element("dd", text: Self.mappingDescription(key.mapping))
            out.element("dt", text: "Reachable summed score")
            out.element("dd", text: "\(analysis.minimum) to \(analysis.maximum) (maximum over the options a worker can actually match)")
            if case .percentage(let max, _)? = key.mapping, Int64(max) != analysis.maximum {
                out.element("dt", text: "Note")
                out.element("dd", [("class", "qk-problem")],
                            text: "MaximumSummedScore is \(max) but the reachable maximum is \(analysis.maximum): a perfect attempt gets \(Self.percent(analysis.maximum, max)).")
            }
            if let scoringKey = scoringKey {
                out.element("dt", text: "Value of a perfect attempt")
                out.element("dd", text: scoringKey.derivation(forSum: analysis.maximum).description)
            }
            out.close("dl")
            let formIDs = Set(form.questions.map(\.identifier))
            let orphans = key.questions.filter { !formIDs.contains($0.identifier) }
            if !orphans.isEmpty {
                out.element("p", [("class", "qk-problem")],
                            text: "Key questions not in the form: " + orphans.map(\.identifier).joined(separator: ", "))
            }
        }
        out.close("section")
        out.line()
    }

    static func percent(_ sum: Int64, _ max: Int32) -> String {
        guard max != 0 else { return "no value (division by zero)" }
        return "\(Double(sum) * 100 / Double(max))"
    }

    /// The key's entry for one question: each option (as labels and identifiers) with its score, and DefaultScore.
    mutating func keyBox(_ q: Question) {
        out.open("div", [("class", "qk-key")])
        guard let kq = keyQuestion(q.identifier) else {
            out.element("p", text: "Not in the answer key: this question adds nothing to the score.")
            out.close("div")
            out.line()
            return
        }
        let labels: [String: String]
        if case .selection(let s) = q.answer {
            labels = Dictionary(s.selections.map { ($0.identifier, PageBuilder.plainLabel($0)) }, uniquingKeysWith: { a, _ in a })
        } else {
            labels = [:]
        }
        let matched = Set(results[q.identifier]?.matchedOptions ?? [])
        let usedDefault = results[q.identifier]?.usedDefaultScore ?? false
        out.open("table")
        out.raw("<caption>Answer key</caption><thead><tr><th scope=\"col\">Selections (all of them, nothing else)</th><th scope=\"col\">Score</th></tr></thead><tbody>")
        for (n, option) in kq.options.enumerated() {
            out.open("tr", [("class", matched.contains(n) ? "qk-matched" : nil)])
            out.open("td")
            if option.selectionIdentifiers.isEmpty {
                out.text("(no selection)")
            }
            for (k, id) in option.selectionIdentifiers.enumerated() {
                if k > 0 { out.text(" + ") }
                out.text(labels[id] ?? "?")
                out.raw(" ")
                out.element("code", [("class", "qk-id")], text: id)
            }
            out.close("td")
            out.element("td", [("class", "qk-score")], text: String(option.score))
            out.close("tr")
        }
        out.open("tr", [("class", usedDefault ? "qk-matched qk-default" : "qk-default")])
        out.element("td", text: "anything else (DefaultScore\(kq.defaultScore == nil ? ", absent" : ""))")
        out.element("td", [("class", "qk-score")], text: String(kq.defaultScore ?? 0))
        out.close("tr")
        out.raw("</tbody></table>")
        if let sq = scoringKey?.questions.first(where: { $0.identifier == q.identifier }) {
            out.element("p", text: "Points for this question: \(sq.minimumPoints) to \(sq.maximumPoints).")
        }
        out.close("div")
        out.line()
    }

    mutating func answersSummary() {
        out.open("section", [("class", "qk-result qk-result-summary"), ("aria-label", "Worker's answers")])
        out.element("h2", text: "Answers" + (options.answersLabel.map { ": \($0)" } ?? ""))
        switch outcome {
        case .scored(let score)?:
            out.open("p")
            out.text("Summed score \(score.sum); qualification value \(score.value)")
            if let scoringKey = scoringKey { out.text(" (\(scoringKey.derivation(forSum: score.sum).description))") }
            out.text(".")
            out.close("p")
        case .failed(let failure)?:
            out.element("p", [("class", "qk-problem")], text: "These answers cannot be scored: \(failure.message)")
            diagnostics.append(Diagnostic(.keyProblemForOverlay, .warning, "the answers cannot be scored: \(failure.message)",
                                          hint: failure.hint))
        case nil:
            out.element("p", text: key == nil ? "No answer key given: answers are shown without points."
                                                : "The answer key cannot score, so no points are shown.")
        }
        out.close("section")
        out.line()
    }

    mutating func resultBox(_ q: Question, answer: Answer?) {
        out.open("div", [("class", "qk-result")])
        var parts: [String] = []
        if let answer {
            if case .selection(let s) = q.answer {
                let known = Set(s.selections.map(\.identifier))
                let unknown = answer.selectionIdentifiers.filter { !known.contains($0) }
                let chosen = s.selections.filter { answer.selectionIdentifiers.contains($0.identifier) }
                if !chosen.isEmpty {
                    parts.append("Chose: " + chosen.map { "\(PageBuilder.plainLabel($0)) [\($0.identifier)]" }.joined(separator: ", ") + ".")
                }
                if !unknown.isEmpty { parts.append("Selections not in the form: " + unknown.joined(separator: ", ") + ".") }
                if answer.selectionIdentifiers.isEmpty && answer.otherSelectionText == nil { parts.append("No selection made.") }
                if let other = answer.otherSelectionText { parts.append("Other: “\(other)”.") }
            }
            if case .freeText = q.answer, let text = answer.freeText {
                parts.append("Answered with \(text.count) character\(text.count == 1 ? "" : "s") of text.")
            }
            if answer.uploadedFile != nil { parts.append("Uploaded a file.") }
        } else {
            parts.append("Not answered.")
        }
        if let r = results[q.identifier] {
            let how = r.usedDefaultScore ? "DefaultScore" : "option \(r.matchedOptions.map { String($0 + 1) }.joined(separator: ", "))"
            parts.append("Points: \(r.points) (\(how)).")
        }
        out.element("p", text: parts.joined(separator: " "))
        out.close("div")
        out.line()
    }

    /// Answers to questions the form does not have.
    mutating func unknownAnswers(_ answers: QuestionFormAnswers) {
        let ids = Set(form.questions.map(\.identifier))
        let unknown = answers.answers.filter { !ids.contains($0.questionIdentifier) }
        guard !unknown.isEmpty else { return }
        out.open("section", [("class", "qk-result"), ("aria-label", "Answers to unknown questions")])
        out.element("h2", text: "Answers to questions not in the form")
        out.open("ul")
        for a in unknown {
            var text = a.questionIdentifier + ": "
            text += a.freeText ?? (a.selectionIdentifiers + (a.otherSelectionText.map { ["other: \($0)"] } ?? [])).joined(separator: ", ")
            out.element("li", text: text)
            diagnostics.append(Diagnostic(.answerUnknownQuestion, .warning,
                                          "the answers hold question \(a.questionIdentifier), which the form does not have"))
        }
        out.close("ul")
        out.close("section")
        out.line()
    }
}

extension DiagnosticCode {
    /// Reuses the catalogue's general schema code for overlay problems that are not the form's own.
    static var keyProblemForOverlay: DiagnosticCode { .schemaOther }
}

extension Lint {
    /// Checks a worker's answers against the form they answer.
    public static func answers(_ answers: QuestionFormAnswers, form: QuestionForm) -> [Diagnostic] {
        var out: [Diagnostic] = []
        var seen: Set<String> = []
        for a in answers.answers {
            if !seen.insert(a.questionIdentifier).inserted {
                out.append(Diagnostic(.answerDuplicate, nil, "two answers for question \"\(a.questionIdentifier)\"",
                                      hint: "keep one <Answer> per question", at: a.origin.location))
            }
            guard let q = form.question(a.questionIdentifier) else {
                out.append(Diagnostic(.answerUnknownQuestion, nil, "answer for question \"\(a.questionIdentifier)\", which the form does not have",
                                      hint: "these answers may belong to another version of the test", at: a.origin.location))
                continue
            }
            if case .selection(let s) = q.answer {
                let offered = Set(s.selections.map(\.identifier))
                for id in a.selectionIdentifiers where !offered.contains(id) {
                    out.append(Diagnostic(.answerUnknownSelection, nil,
                        "answer to \"\(q.identifier)\" selects \"\(id)\", which the question does not offer",
                        hint: "these answers may belong to another version of the test", at: a.origin.location))
                }
            }
        }
        return out
    }
}

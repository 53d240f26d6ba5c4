import Foundation
public import QualKit

/// What a posted worker form amounts to.
public struct CollectedAnswers: Sendable, Hashable {
    /// The answers, in question order; a question with nothing chosen or typed has no `Answer`.
    public var answers: QuestionFormAnswers
    /// Fields that do not fit their question (a stale or tampered form), by QuestionIdentifier. Show them like
    /// ``AnswerValidator`` messages.
    public var errors: [String: [String]]
    /// Problems not tied to a question of this form (a field naming question 9 of a 5-question form).
    public var formErrors: [String]
    /// Names of fields outside the scheme (a token, the submit button), left alone.
    public var ignoredFields: [String]

    public init(answers: QuestionFormAnswers, errors: [String: [String]] = [:], formErrors: [String] = [],
                ignoredFields: [String] = []) {
        self.answers = answers
        self.errors = errors
        self.formErrors = formErrors
        self.ignoredFields = ignoredFields
    }

    /// Whether the fields could all be read.
    public var isClean: Bool { errors.isEmpty && formErrors.isEmpty }
}

/// Turns the fields a worker form posts (see ``FieldName``) back into `QuestionFormAnswers`.
///
/// Selections come back in the form's order, whatever order the browser sent them in; repeated values count
/// once. An empty `q<N>.sel` value (a dropdown's "choose" entry) means nothing chosen. OtherSelection text that
/// is empty or only whitespace is no answer. CR LF line ends become LF, as an XML parser would make them.
public enum AnswerCollector {
    public static func collect(_ fields: [(name: String, value: String)], form: QuestionForm) -> CollectedAnswers {
        let questions = form.questions
        var picked = Array(repeating: Set<Int>(), count: questions.count)
        var other = Array(repeating: String?.none, count: questions.count)
        var text = Array(repeating: String?.none, count: questions.count)
        var result = CollectedAnswers(answers: .empty)
        func fail(_ i: Int, _ message: String) { result.errors[questions[i].identifier, default: []].append(message) }

        for (name, rawValue) in fields {
            guard let field = FieldName(name) else {
                result.ignoredFields.append(name)
                continue
            }
            let i = field.questionIndex
            guard i < questions.count else {
                result.formErrors.append("the field \(name) names question \(i + 1), but the form has \(questions.count); reload the page and answer again")
                continue
            }
            let value = rawValue.replacingOccurrences(of: "\r\n", with: "\n")
            let q = questions[i]
            switch (field, q.answer) {
            case (.selection, .selection(let s)):
                if value.isEmpty { continue }
                guard value.allSatisfy({ ("0"..."9").contains($0) }), value.count <= 9, let j = Int(value), j < s.selections.count else {
                    fail(i, "The choice “\(value)” is not one of this question's choices; reload the page and choose again.")
                    continue
                }
                picked[i].insert(j)
            case (.otherText, .selection(let s)):
                guard s.otherSelection != nil else {
                    fail(i, "This question has no “Other” box; reload the page.")
                    continue
                }
                guard other[i] == nil else {
                    fail(i, "The “Other” text was sent twice; reload the page.")
                    continue
                }
                other[i] = value
            case (.freeText, .freeText):
                guard text[i] == nil else {
                    fail(i, "The answer was sent twice; reload the page.")
                    continue
                }
                text[i] = value
            default:
                fail(i, "The field \(name) does not belong to this kind of question; reload the page.")
            }
        }

        var answers: [Answer] = []
        for (i, q) in questions.enumerated() {
            switch q.answer {
            case .selection(let s):
                let ids = picked[i].sorted().map { s.selections[$0].identifier }
                let otherText = other[i].flatMap { $0.allSatisfy(\.isWhitespace) ? nil : $0 }
                if !ids.isEmpty || otherText != nil {
                    answers.append(Answer(questionIdentifier: q.identifier, selectionIdentifiers: ids, otherSelectionText: otherText))
                }
            case .freeText:
                if let t = text[i], !t.isEmpty {
                    answers.append(Answer(questionIdentifier: q.identifier, freeText: t))
                }
            case .fileUpload:
                break
            }
        }
        result.answers = QuestionFormAnswers(answers: answers)
        return result
    }
}

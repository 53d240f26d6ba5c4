import Foundation
public import QualKit

/// Checks answers against their form the way MTurk's worker page does before it lets a worker submit:
/// IsRequired, Min/MaxSelectionCount, and the FreeTextAnswer constraints (IsNumeric bounds, Length,
/// AnswerFormatRegex), for free text and OtherSelection text alike.
///
/// - AnswerFormatRegex is a JavaScript regular expression that MTurk runs in the worker's browser. Here it runs in
///   `NSRegularExpression` (ICU), the closest engine available: the common syntax (classes, quantifiers,
///   anchors, groups, alternation, `\d \w \s \b`, look-ahead) behaves the same; JavaScript-only corners
///   (`/u`-less surrogate handling, `\cX` edge cases, named-group syntax variants) may differ. Like JavaScript's
///   `test`, the regex needs to match somewhere in the text unless it is anchored. Flags: `i` (ignore case, the
///   only one MTurk documents), `m` and `s`; others are ignored. A regex that does not compile is skipped
///   (`qualkit lint` reports it as QK216) so a worker is never blocked by the author's mistake.
/// - Length counts UTF-16 code units, as JavaScript's `length` and the browser's `maxlength` do.
/// - IsNumeric accepts an optional sign, digits and one decimal point (surrounding spaces are ignored);
///   minValue and maxValue are inclusive.
/// - An optional question that was not answered passes (MinSelectionCount applies once the worker answers);
///   a Length minLength above 0 makes the question required, as MTurk documents. OtherSelection text counts as
///   one selection toward MinSelectionCount; MaxSelectionCount limits the listed selections.
public enum AnswerValidator {
    public static let defaultRegexErrorText = "Invalid input supplied."

    /// Messages per QuestionIdentifier; a question without problems has no entry. Answers to questions the form
    /// does not have are reported under their own identifier.
    public static func validate(_ answers: QuestionFormAnswers, form: QuestionForm) -> [String: [String]] {
        var errors: [String: [String]] = [:]
        var byID: [String: Answer] = [:]
        let formIDs = Set(form.questions.map(\.identifier))
        for a in answers.answers {
            if !formIDs.contains(a.questionIdentifier) {
                errors[a.questionIdentifier, default: []].append("This answer is for a question the test does not have.")
            } else if byID[a.questionIdentifier] != nil {
                errors[a.questionIdentifier, default: []].append("This question was answered twice.")
            } else {
                byID[a.questionIdentifier] = a
            }
        }
        for q in form.questions {
            let messages = check(q, byID[q.identifier])
            if !messages.isEmpty { errors[q.identifier, default: []] += messages }
        }
        return errors
    }

    /// The messages for one question's answer (nil: not answered).
    public static func check(_ q: Question, _ answer: Answer?) -> [String] {
        switch q.answer {
        case .freeText(let f):
            let text = answer?.freeText ?? ""
            let blank = text.allSatisfy(\.isWhitespace)
            let mustAnswer = q.required || (f.constraints?.length?.minLength ?? 0) > 0
            if blank {
                return mustAnswer ? ["This question is required."] : []
            }
            if let a = answer, !a.selectionIdentifiers.isEmpty || a.otherSelectionText != nil {
                return ["This question takes text, not choices."]
            }
            return textProblems(text, f.constraints)
        case .selection(let s):
            let known = Set(s.selections.map(\.identifier))
            let chosen = answer?.selectionIdentifiers ?? []
            let otherText = answer?.otherSelectionText.flatMap { $0.allSatisfy(\.isWhitespace) ? nil : $0 }
            let distinct = Set(chosen)
            if distinct.isEmpty && otherText == nil {
                return q.required ? ["This question is required."] : []
            }
            var messages: [String] = []
            let unknown = chosen.filter { !known.contains($0) }
            if !unknown.isEmpty { messages.append("“\(unknown.joined(separator: "”, “"))” is not one of the choices.") }
            if answer?.freeText != nil { messages.append("This question takes choices, not free text.") }
            if otherText != nil, s.otherSelection == nil { messages.append("This question has no “Other” answer.") }
            let count = distinct.count + (otherText == nil ? 0 : 1)
            if count < s.effectiveMin {
                messages.append(s.effectiveMin == 1 ? "Choose an answer." : "Choose at least \(s.effectiveMin) answers.")
            }
            if distinct.count > s.effectiveMax {
                messages.append(s.effectiveMax == 1 ? "Choose only one answer." : "Choose at most \(s.effectiveMax) answers.")
            }
            if let otherText, let spec = s.otherSelection {
                messages += textProblems(otherText, spec.constraints).map { "Other: " + $0 }
            }
            return messages
        case .fileUpload:
            return answer?.uploadedFile == nil && q.required ? ["This question is required."] : []
        }
    }

    /// Problems of a non-empty text under FreeTextAnswer constraints.
    public static func textProblems(_ text: String, _ constraints: FreeTextConstraints?) -> [String] {
        guard let c = constraints else { return [] }
        var messages: [String] = []
        if let n = c.isNumeric {
            if let value = number(text) {
                if let lo = n.minValue, value < Decimal(Int(lo)) { messages.append("Enter a number of at least \(lo).") }
                if let hi = n.maxValue, value > Decimal(Int(hi)) { messages.append("Enter a number of at most \(hi).") }
            } else {
                messages.append("Enter a number.")
            }
        }
        if let l = c.length {
            let length = text.utf16.count
            if let lo = l.minLength, length < lo { messages.append("Write at least \(lo) characters (now \(length)).") }
            if let hi = l.maxLength, length > hi { messages.append("Write at most \(hi) characters (now \(length)).") }
        }
        for r in c.regexes {
            guard let regex = compile(r.regex, flags: r.flags) else { continue }
            let range = NSRange(text.startIndex..., in: text)
            if regex.firstMatch(in: text, options: [], range: range) == nil {
                messages.append(r.errorText ?? defaultRegexErrorText)
            }
        }
        return messages
    }

    /// The regex compiled as `NSRegularExpression`, or nil when it does not compile.
    public static func compile(_ pattern: String, flags: String?) -> NSRegularExpression? {
        var options: NSRegularExpression.Options = []
        for f in flags ?? "" {
            switch f {
            case "i": options.insert(.caseInsensitive)
            case "m": options.insert(.anchorsMatchLines)
            case "s": options.insert(.dotMatchesLineSeparators)
            default: break
            }
        }
        return try? NSRegularExpression(pattern: pattern, options: options)
    }

    /// A decimal number: optional sign, digits, at most one point, at least one digit; spaces around are ignored.
    static func number(_ text: String) -> Decimal? {
        let t = text.trimmingCharacters(in: .whitespacesAndNewlines)
        var body = Substring(t)
        if body.first == "+" || body.first == "-" { body = body.dropFirst() }
        let parts = body.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, parts.allSatisfy({ $0.allSatisfy { ("0"..."9").contains($0) } }),
              parts.contains(where: { !$0.isEmpty }), body.count <= 60 else { return nil }
        return Decimal(string: t.hasPrefix("+") ? String(t.dropFirst()) : t, locale: Locale(identifier: "en_US_POSIX"))
    }
}

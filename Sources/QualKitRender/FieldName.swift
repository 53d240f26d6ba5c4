/// The names of the worker form's fields. N is the 0-based index of the question among the form's questions
/// (`QuestionForm.questions`), so neither names nor values ever carry an identifier:
///
/// | Field | Value | Used by |
/// | --- | --- | --- |
/// | `q<N>.sel` (repeated) | the 0-based index of a selection in the question, in decimal | every SelectionAnswer style |
/// | `q<N>.other` | the OtherSelection text; non-empty text becomes `OtherSelectionText` | OtherSelection |
/// | `q<N>.text` | the answer text | FreeTextAnswer |
///
/// Any other field (a token, the submit button) is ignored by ``AnswerCollector``.
public enum FieldName: Sendable, Hashable {
    case selection(question: Int)
    case otherText(question: Int)
    case freeText(question: Int)

    public var name: String {
        switch self {
        case .selection(let q): "q\(q).sel"
        case .otherText(let q): "q\(q).other"
        case .freeText(let q): "q\(q).text"
        }
    }

    public var questionIndex: Int {
        switch self {
        case .selection(let q), .otherText(let q), .freeText(let q): q
        }
    }

    /// Parses a field name; nil for names outside the scheme (`q` + decimal index without leading zeros + a known suffix).
    public init?(_ name: String) {
        guard name.hasPrefix("q"), let dot = name.firstIndex(of: ".") else { return nil }
        let digits = name[name.index(after: name.startIndex)..<dot]
        guard !digits.isEmpty, digits.count <= 9, digits.allSatisfy({ ("0"..."9").contains($0) }),
              digits == "0" || !digits.hasPrefix("0"), let index = Int(digits) else { return nil }
        switch name[name.index(after: dot)...] {
        case "sel": self = .selection(question: index)
        case "other": self = .otherText(question: index)
        case "text": self = .freeText(question: index)
        default: return nil
        }
    }
}

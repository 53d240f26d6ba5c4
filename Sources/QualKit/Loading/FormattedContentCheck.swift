/// Checks every FormattedContent block of a form (Overview, QuestionContent, Selection labels) against
/// MTurk's XHTML subset, with positions in the outer file.
enum FormattedContentCheck {
    static func check(_ form: QuestionForm) -> [Diagnostic] {
        blocks(of: form).flatMap { block in
            SecureXML.formattedContent(block.xhtml, origin: block.origin.location ?? SourceLocation(line: 0)).diagnostics
        }
    }

    static func blocks(of form: QuestionForm) -> [FormattedContent] {
        var result: [FormattedContent] = []
        func scan(_ content: [ContentItem]) {
            for case .formattedContent(let fc) in content { result.append(fc) }
        }
        for item in form.items {
            switch item {
            case .overview(let content, _): scan(content)
            case .question(let q):
                scan(q.content)
                if case .selection(let s) = q.answer {
                    for case .formattedContent(let fc) in s.selections.map(\.label) { result.append(fc) }
                }
            }
        }
        return result
    }
}

/// Builds model values from element trees that passed schema validation. Because the schema already
/// pinned element order, occurrence and value types, the builders only read; they never guess.
enum ModelBuilder {
    // MARK: QuestionForm

    static func questionForm(_ root: XMLElementNode, version: QuestionFormVersion) -> QuestionForm {
        var items: [FormItem] = []
        for element in root.elements {
            switch element.localName {
            case "Overview": items.append(.overview(content(element), Origin(element.location)))
            case "Question": items.append(.question(question(element)))
            default: break
            }
        }
        return QuestionForm(version: version, items: items)
    }

    static func question(_ e: XMLElementNode) -> Question {
        let idElement = e.element(named: "QuestionIdentifier")
        return Question(
            identifier: idElement?.text ?? "",
            displayName: e.element(named: "DisplayName")?.text,
            isRequired: e.element(named: "IsRequired").map { boolean($0.text) },
            content: e.element(named: "QuestionContent").map(content) ?? [],
            answer: answerSpecification(e.element(named: "AnswerSpecification")),
            origin: Origin(e.location),
            identifierOrigin: Origin(idElement?.location ?? e.location))
    }

    static func content(_ e: XMLElementNode) -> [ContentItem] {
        e.elements.compactMap { c -> ContentItem? in
            switch c.localName {
            case "Title": .title(c.text)
            case "Text": .text(c.text)
            case "List": .list(c.elements(named: "ListItem").map(\.text))
            case "FormattedContent": .formattedContent(FormattedContent(c.text, origin: Origin(c.contentLocation)))
            case "Binary": .binary(binary(c))
            case "EmbeddedBinary": .embeddedBinary(embeddedBinary(c))
            case "Application": application(c).map(ContentItem.application)
            default: nil
            }
        }
    }

    static func binary(_ e: XMLElementNode) -> Binary {
        Binary(mimeType: mimeType(e.element(named: "MimeType")),
               dataURL: trimmed(e, "DataURL"), altText: e.element(named: "AltText")?.text ?? "")
    }

    static func mimeType(_ e: XMLElementNode?) -> MimeType {
        MimeType(type: e?.element(named: "Type")?.text ?? "", subtype: e?.element(named: "SubType")?.text)
    }

    static func embeddedBinary(_ e: XMLElementNode) -> EmbeddedBinary {
        EmbeddedBinary(
            mimeType: mimeType(e.element(named: "EmbeddedMimeType")), dataURL: trimmed(e, "DataURL"),
            altText: e.element(named: "AltText")?.text ?? "", width: e.element(named: "Width")?.text ?? "",
            height: e.element(named: "Height")?.text ?? "", parameters: parameters(e))
    }

    static func parameters(_ e: XMLElementNode) -> [ApplicationParameter] {
        e.elements(named: "ApplicationParameter").map {
            ApplicationParameter(name: $0.element(named: "Name")?.text ?? "", value: $0.element(named: "Value")?.text ?? "")
        }
    }

    static func application(_ e: XMLElementNode) -> Application? {
        if let f = e.element(named: "Flash") {
            return .flash(movieURL: trimmed(f, "FlashMovieURL"), width: f.element(named: "Width")?.text ?? "",
                          height: f.element(named: "Height")?.text ?? "", parameters: parameters(f))
        }
        if let j = e.element(named: "JavaApplet") {
            return .javaApplet(path: trimmed(j, "AppletPath"), filename: j.element(named: "AppletFilename")?.text ?? "",
                               width: j.element(named: "Width")?.text ?? "", height: j.element(named: "Height")?.text ?? "",
                               parameters: parameters(j))
        }
        return nil
    }

    static func answerSpecification(_ e: XMLElementNode?) -> AnswerSpecification {
        if let s = e?.element(named: "SelectionAnswer") { return .selection(selectionAnswer(s)) }
        if let f = e?.element(named: "FileUploadAnswer") {
            return .fileUpload(FileUploadAnswer(
                maxFileSizeInBytes: integer(f.element(named: "MaxFileSizeInBytes")) ?? 0,
                minFileSizeInBytes: integer(f.element(named: "MinFileSizeInBytes")) ?? 0))
        }
        return .freeText(freeText(e?.element(named: "FreeTextAnswer")))
    }

    static func freeText(_ e: XMLElementNode?) -> FreeTextAnswer {
        guard let e else { return FreeTextAnswer() }
        var constraints: FreeTextConstraints? = nil
        if let c = e.element(named: "Constraints") {
            let numeric = c.element(named: "IsNumeric").map {
                FreeTextConstraints.Numeric(minValue: $0.attribute("minValue").flatMap(int32), maxValue: $0.attribute("maxValue").flatMap(int32))
            }
            let length = c.element(named: "Length").map {
                FreeTextConstraints.Length(minLength: $0.attribute("minLength").flatMap { Int($0.trimmingXMLWhitespace()) },
                                           maxLength: $0.attribute("maxLength").flatMap { Int($0.trimmingXMLWhitespace()) })
            }
            let regexes = c.elements(named: "AnswerFormatRegex").map {
                FreeTextConstraints.FormatRegex(regex: $0.attribute("regex") ?? "", errorText: $0.attribute("errorText"),
                                                flags: $0.attribute("flags"), origin: Origin($0.location))
            }
            constraints = FreeTextConstraints(isNumeric: numeric, length: length, regexes: regexes, origin: Origin(c.location))
        }
        return FreeTextAnswer(constraints: constraints, defaultText: e.element(named: "DefaultText")?.text,
                              numberOfLinesSuggestion: integer(e.element(named: "NumberOfLinesSuggestion")))
    }

    static func selectionAnswer(_ e: XMLElementNode) -> SelectionAnswer {
        let selections = e.element(named: "Selections")
        return SelectionAnswer(
            minSelectionCount: integer(e.element(named: "MinSelectionCount")),
            maxSelectionCount: integer(e.element(named: "MaxSelectionCount")),
            style: e.element(named: "StyleSuggestion").flatMap { SelectionStyle(rawValue: $0.text.trimmingXMLWhitespace()) },
            selections: selections?.elements(named: "Selection").map(selection) ?? [],
            otherSelection: selections?.element(named: "OtherSelection").map(freeText),
            origin: Origin(e.location))
    }

    static func selection(_ e: XMLElementNode) -> Selection {
        let id = e.element(named: "SelectionIdentifier")
        let label: Selection.Label
        if let b = e.element(named: "Binary") {
            label = .binary(binary(b))
        } else if let f = e.element(named: "FormattedContent") {
            label = .formattedContent(FormattedContent(f.text, origin: Origin(f.contentLocation)))
        } else {
            label = .text(e.element(named: "Text")?.text ?? "")
        }
        return Selection(identifier: id?.text ?? "", label: label, origin: Origin(id?.location ?? e.location))
    }

    // MARK: AnswerKey

    static func answerKey(_ root: XMLElementNode) -> AnswerKey {
        let questions = root.elements(named: "Question").map { q in
            KeyQuestion(
                identifier: q.element(named: "QuestionIdentifier")?.text ?? "",
                options: q.elements(named: "AnswerOption").map { o in
                    AnswerOption(selectionIdentifiers: o.elements(named: "SelectionIdentifier").map(\.text),
                                 score: int32(o.element(named: "AnswerScore")?.text ?? "") ?? 0, origin: Origin(o.location))
                },
                defaultScore: q.element(named: "DefaultScore").flatMap { int32($0.text) },
                origin: Origin(q.location))
        }
        var mapping: ValueMapping? = nil
        if let m = root.element(named: "QualificationValueMapping") {
            if let p = m.element(named: "PercentageMapping") {
                mapping = .percentage(maximumSummedScore: int32(p.element(named: "MaximumSummedScore")?.text ?? "") ?? 0,
                                      origin: Origin(p.location))
            } else if let s = m.element(named: "ScaleMapping") {
                let text = s.element(named: "SummedScoreMultiplier")?.text ?? ""
                mapping = .scale(multiplier: DecimalNumber(text) ?? DecimalNumber("NaN")!, origin: Origin(s.location))
            } else if let r = m.element(named: "RangeMapping") {
                let ranges = r.elements(named: "SummedScoreRange").map {
                    ScoreRange(lowerBound: int32($0.element(named: "InclusiveLowerBound")?.text ?? "") ?? 0,
                               upperBound: int32($0.element(named: "InclusiveUpperBound")?.text ?? "") ?? 0,
                               value: int32($0.element(named: "QualificationValue")?.text ?? "") ?? 0,
                               origin: Origin($0.location))
                }
                mapping = .range(ranges: ranges,
                                 outOfRange: int32(r.element(named: "OutOfRangeQualificationValue")?.text ?? "") ?? 0,
                                 origin: Origin(r.location))
            }
        }
        return AnswerKey(questions: questions, mapping: mapping)
    }

    // MARK: QuestionFormAnswers

    static func answers(_ root: XMLElementNode) -> QuestionFormAnswers {
        QuestionFormAnswers(answers: root.elements(named: "Answer").map { a in
            var upload: Answer.UploadedFile? = nil
            if let size = integer(a.element(named: "UploadedFileSizeInBytes")) {
                upload = Answer.UploadedFile(sizeInBytes: size, key: a.element(named: "UploadedFileKey")?.text ?? "")
            }
            return Answer(
                questionIdentifier: a.element(named: "QuestionIdentifier")?.text ?? "",
                selectionIdentifiers: a.elements(named: "SelectionIdentifier").map(\.text),
                otherSelectionText: a.element(named: "OtherSelectionText")?.text,
                freeText: a.element(named: "FreeText")?.text,
                uploadedFile: upload,
                origin: Origin(a.location))
        })
    }

    // MARK: Lexical values (already schema-valid)

    static func boolean(_ text: String) -> Bool {
        let t = text.trimmingXMLWhitespace()
        return t == "true" || t == "1"
    }

    static func int32(_ text: String) -> Int32? { Int32(text.trimmingXMLWhitespace()) }

    static func integer(_ e: XMLElementNode?) -> Int? { e.flatMap { Int($0.text.trimmingXMLWhitespace()) } }

    static func trimmed(_ e: XMLElementNode, _ name: String) -> String {
        (e.element(named: name)?.text ?? "").trimmingXMLWhitespace()
    }
}

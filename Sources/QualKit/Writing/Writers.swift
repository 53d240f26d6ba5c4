/// Writes models back as MTurk XML that validates against the schemas and reads back to an equal value.
extension QuestionForm {
    public var xmlString: String {
        var b = XMLBuilder()
        b.block("QuestionForm", [("xmlns", version.namespace)]) { b in
            for item in items {
                switch item {
                case .overview(let content, _):
                    b.block("Overview") { b in Self.write(content, &b) }
                case .question(let q):
                    b.block("Question") { b in
                        b.element("QuestionIdentifier", q.identifier)
                        b.optional("DisplayName", q.displayName)
                        b.optional("IsRequired", q.isRequired.map { $0 ? "true" : "false" })
                        b.block("QuestionContent") { b in Self.write(q.content, &b) }
                        b.block("AnswerSpecification") { b in Self.write(q.answer, &b) }
                    }
                }
            }
        }
        return b.text
    }

    static func write(_ content: [ContentItem], _ b: inout XMLBuilder) {
        for item in content {
            switch item {
            case .title(let t): b.element("Title", t)
            case .text(let t): b.element("Text", t)
            case .list(let items): b.block("List") { b in items.forEach { b.element("ListItem", $0) } }
            case .formattedContent(let fc): b.cdata("FormattedContent", fc.xhtml)
            case .binary(let bin): write(bin, &b)
            case .embeddedBinary(let e):
                b.block("EmbeddedBinary") { b in
                    b.block("EmbeddedMimeType") { b in
                        b.element("Type", e.mimeType.type)
                        b.element("SubType", e.mimeType.subtype ?? "")
                    }
                    b.element("DataURL", e.dataURL)
                    b.element("AltText", e.altText)
                    b.element("Width", e.width)
                    b.element("Height", e.height)
                    write(e.parameters, &b)
                }
            case .application(let app):
                b.block("Application") { b in
                    switch app {
                    case .flash(let url, let w, let h, let params):
                        b.block("Flash") { b in
                            b.element("FlashMovieURL", url); b.element("Width", w); b.element("Height", h)
                            write(params, &b)
                        }
                    case .javaApplet(let path, let file, let w, let h, let params):
                        b.block("JavaApplet") { b in
                            b.element("AppletPath", path); b.element("AppletFilename", file)
                            b.element("Width", w); b.element("Height", h)
                            write(params, &b)
                        }
                    }
                }
            }
        }
    }

    static func write(_ params: [ApplicationParameter], _ b: inout XMLBuilder) {
        for p in params {
            b.block("ApplicationParameter") { b in b.element("Name", p.name); b.element("Value", p.value) }
        }
    }

    static func write(_ bin: Binary, _ b: inout XMLBuilder) {
        b.block("Binary") { b in
            b.block("MimeType") { b in
                b.element("Type", bin.mimeType.type)
                b.optional("SubType", bin.mimeType.subtype)
            }
            b.element("DataURL", bin.dataURL)
            b.element("AltText", bin.altText)
        }
    }

    static func write(_ spec: AnswerSpecification, _ b: inout XMLBuilder) {
        switch spec {
        case .freeText(let f): write(f, name: "FreeTextAnswer", &b)
        case .fileUpload(let u):
            b.block("FileUploadAnswer") { b in
                b.element("MaxFileSizeInBytes", String(u.maxFileSizeInBytes))
                b.element("MinFileSizeInBytes", String(u.minFileSizeInBytes))
            }
        case .selection(let s):
            b.block("SelectionAnswer") { b in
                b.optional("MinSelectionCount", s.minSelectionCount.map(String.init))
                b.optional("MaxSelectionCount", s.maxSelectionCount.map(String.init))
                b.optional("StyleSuggestion", s.style?.rawValue)
                b.block("Selections") { b in
                    for sel in s.selections {
                        b.block("Selection") { b in
                            b.element("SelectionIdentifier", sel.identifier)
                            switch sel.label {
                            case .text(let t): b.element("Text", t)
                            case .binary(let bin): write(bin, &b)
                            case .formattedContent(let fc): b.cdata("FormattedContent", fc.xhtml)
                            }
                        }
                    }
                    if let other = s.otherSelection { write(other, name: "OtherSelection", &b) }
                }
            }
        }
    }

    static func write(_ f: FreeTextAnswer, name: String, _ b: inout XMLBuilder) {
        b.block(name) { b in
            if let c = f.constraints {
                b.block("Constraints") { b in
                    if let n = c.isNumeric {
                        b.empty("IsNumeric", [("minValue", n.minValue.map { String($0) }), ("maxValue", n.maxValue.map { String($0) })])
                    }
                    if let l = c.length {
                        b.empty("Length", [("minLength", l.minLength.map(String.init)), ("maxLength", l.maxLength.map(String.init))])
                    }
                    for r in c.regexes {
                        b.empty("AnswerFormatRegex", [("regex", r.regex), ("errorText", r.errorText), ("flags", r.flags)])
                    }
                }
            }
            b.optional("DefaultText", f.defaultText)
            b.optional("NumberOfLinesSuggestion", f.numberOfLinesSuggestion.map(String.init))
        }
    }
}

extension AnswerKey {
    public var xmlString: String {
        var b = XMLBuilder()
        b.block("AnswerKey", [("xmlns", MTurkNamespace.answerKey)]) { b in
            for q in questions {
                b.block("Question") { b in
                    b.element("QuestionIdentifier", q.identifier)
                    for o in q.options {
                        b.block("AnswerOption") { b in
                            o.selectionIdentifiers.forEach { b.element("SelectionIdentifier", $0) }
                            b.element("AnswerScore", String(o.score))
                        }
                    }
                    b.optional("DefaultScore", q.defaultScore.map { String($0) })
                }
            }
            if let mapping {
                b.block("QualificationValueMapping") { b in
                    switch mapping {
                    case .percentage(let max, _):
                        b.block("PercentageMapping") { b in b.element("MaximumSummedScore", String(max)) }
                    case .scale(let multiplier, _):
                        b.block("ScaleMapping") { b in b.element("SummedScoreMultiplier", multiplier.text) }
                    case .range(let ranges, let outOfRange, _):
                        b.block("RangeMapping") { b in
                            for r in ranges {
                                b.block("SummedScoreRange") { b in
                                    b.element("InclusiveLowerBound", String(r.lowerBound))
                                    b.element("InclusiveUpperBound", String(r.upperBound))
                                    b.element("QualificationValue", String(r.value))
                                }
                            }
                            b.element("OutOfRangeQualificationValue", String(outOfRange))
                        }
                    }
                }
            }
        }
        return b.text
    }
}

extension QuestionFormAnswers {
    public var xmlString: String {
        var b = XMLBuilder()
        b.block("QuestionFormAnswers", [("xmlns", MTurkNamespace.questionFormAnswers)]) { b in
            for a in answers {
                b.block("Answer") { b in
                    b.element("QuestionIdentifier", a.questionIdentifier)
                    if let free = a.freeText {
                        b.element("FreeText", free)
                    } else if let file = a.uploadedFile {
                        b.element("UploadedFileSizeInBytes", String(file.sizeInBytes))
                        b.element("UploadedFileKey", file.key)
                    } else {
                        a.selectionIdentifiers.forEach { b.element("SelectionIdentifier", $0) }
                        b.optional("OtherSelectionText", a.otherSelectionText)
                    }
                }
            }
        }
        return b.text
    }
}

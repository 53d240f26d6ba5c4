// QK2xx–QK5xx: the rules QualKit checks beyond the schemas. The checks live in the QualKit module;
// the codes live here so the whole catalogue is one table (`qualkit explain`, SARIF rules).

extension DiagnosticCode {
    // MARK: QK2xx QuestionForm
    public static let duplicateQuestionID = DiagnosticCode("QK201", .error, "two questions share a QuestionIdentifier")
    public static let duplicateSelectionID = DiagnosticCode("QK202", .error, "two selections of a question share a SelectionIdentifier")
    public static let identifierWhitespace = DiagnosticCode("QK203", .error, "identifier has leading or trailing whitespace")
    public static let emptyIdentifier = DiagnosticCode("QK204", .error, "identifier is empty")
    public static let selectionCountRange = DiagnosticCode("QK205", .error, "Min/MaxSelectionCount impossible for the selections offered")
    public static let singleChoiceStyleWithMax = DiagnosticCode("QK206", .warning, "single-choice style with MaxSelectionCount above 1")
    public static let notForTests = DiagnosticCode("QK207", .error, "element not allowed in a qualification test")
    public static let noQuestions = DiagnosticCode("QK208", .error, "form has no Question")
    public static let freeTextConstraint = DiagnosticCode("QK209", .error, "free-text constraints contradict each other")
    public static let formattedContentMalformed = DiagnosticCode("QK210", .error, "FormattedContent is not well-formed XHTML")
    public static let formattedContentDisallowed = DiagnosticCode("QK211", .error, "FormattedContent uses a tag or attribute outside MTurk's XHTML subset")
    public static let formattedContentEntity = DiagnosticCode("QK212", .error, "FormattedContent uses an HTML named entity")
    public static let formattedContentURL = DiagnosticCode("QK213", .error, "FormattedContent URL is relative or uses a forbidden scheme")
    public static let formattedContentMissingAttribute = DiagnosticCode("QK214", .error, "FormattedContent element lacks a required attribute")
    public static let formattedContentInvalid = DiagnosticCode("QK215", .error, "FormattedContent does not follow MTurk's XHTML subset")
    public static let invalidRegex = DiagnosticCode("QK216", .error, "AnswerFormatRegex is not a valid regular expression")
    public static let deprecatedElement = DiagnosticCode("QK217", .warning, "deprecated element that workers may not see")

    // MARK: QK3xx AnswerKey
    public static let keyDuplicateQuestion = DiagnosticCode("QK301", .error, "the key lists a question twice")
    public static let keyDuplicateOptionSet = DiagnosticCode("QK302", .error, "two AnswerOptions have the same selection set")
    public static let keyRepeatedSelection = DiagnosticCode("QK303", .warning, "an AnswerOption repeats a SelectionIdentifier")
    public static let keyMaximumNotPositive = DiagnosticCode("QK304", .error, "MaximumSummedScore must be above 0")
    public static let keyRangeInverted = DiagnosticCode("QK305", .error, "range lower bound above its upper bound")
    public static let keyRangeOverlap = DiagnosticCode("QK306", .error, "ranges overlap")
    public static let keyRangeGap = DiagnosticCode("QK307", .warning, "reachable sums fall outside every range")
    public static let keyMultiplierNotFinite = DiagnosticCode("QK308", .error, "SummedScoreMultiplier is NaN or infinite")
    public static let keyAllZero = DiagnosticCode("QK309", .warning, "every option of a question scores 0")
    public static let keyIdentifierWhitespace = DiagnosticCode("QK310", .error, "key identifier has leading or trailing whitespace")
    public static let keyValueOutOfRange = DiagnosticCode("QK311", .error, "a reachable value does not fit a 32-bit qualification value")

    // MARK: QK4xx form and key together
    public static let keyUnknownQuestion = DiagnosticCode("QK401", .error, "the key names a question the form does not have")
    public static let keyUnknownSelection = DiagnosticCode("QK402", .error, "the key names a selection the question does not offer")
    public static let keyOnFreeText = DiagnosticCode("QK403", .error, "the key scores a free-text question")
    public static let keyWithOtherSelection = DiagnosticCode("QK404", .error, "a keyed question offers OtherSelection")
    public static let keyOnFileUpload = DiagnosticCode("QK405", .error, "the key scores a file-upload question")
    public static let keyOptionImpossible = DiagnosticCode("QK406", .error, "an AnswerOption can never be chosen under the selection limits")
    public static let keyUnkeyedQuestion = DiagnosticCode("QK407", .warning, "a selection question is not in the key")
    public static let keyMaximumMismatch = DiagnosticCode("QK408", .warning, "MaximumSummedScore differs from the reachable maximum")
    public static let freeTextInGradedTest = DiagnosticCode("QK409", .error, "an auto-graded test has a free-text question")

    // MARK: QK5xx answers
    public static let answerUnknownQuestion = DiagnosticCode("QK501", .warning, "an answer names a question the form does not have")
    public static let answerUnknownSelection = DiagnosticCode("QK502", .warning, "an answer names a selection the question does not offer")
    public static let answerDuplicate = DiagnosticCode("QK503", .warning, "two answers for the same question")

    static let documentCodes: [DiagnosticCode] = [
        duplicateQuestionID, duplicateSelectionID, identifierWhitespace, emptyIdentifier, selectionCountRange,
        singleChoiceStyleWithMax, notForTests, noQuestions, freeTextConstraint, formattedContentMalformed,
        formattedContentDisallowed, formattedContentEntity, formattedContentURL, formattedContentMissingAttribute,
        formattedContentInvalid, invalidRegex, deprecatedElement,
        keyDuplicateQuestion, keyDuplicateOptionSet, keyRepeatedSelection, keyMaximumNotPositive, keyRangeInverted,
        keyRangeOverlap, keyRangeGap, keyMultiplierNotFinite, keyAllZero, keyIdentifierWhitespace, keyValueOutOfRange,
        keyUnknownQuestion, keyUnknownSelection, keyOnFreeText, keyWithOtherSelection, keyOnFileUpload,
        keyOptionImpossible, keyUnkeyedQuestion, keyMaximumMismatch, freeTextInGradedTest,
        answerUnknownQuestion, answerUnknownSelection, answerDuplicate,
    ]
}

import QualKit
import QualKitTestSupport
import Testing

@Suite("Models read from XML and written back")
struct RoundTripTests {
    static var sampleDocuments: [String] {
        RepositoryFiles.files(under: "SampleForms", suffix: ".xml").filter { !$0.contains("/broken/") }
    }

    @Test(arguments: sampleDocuments)
    func sampleDocumentRoundTrips(_ path: String) throws {
        let loaded = MTurkDocuments.load(try RepositoryFiles.bytes(path), file: path)
        let document = try #require(loaded.value, "\(loaded.diagnostics)")
        let written: String
        switch document {
        case .questionForm(let f): written = f.xmlString
        case .answerKey(let k): written = k.xmlString
        case .answers(let a): written = a.xmlString
        }
        let again = MTurkDocuments.load(Array(written.utf8), file: "written")
        #expect(again.diagnostics.isEmpty, "\(again.diagnostics)")
        #expect(again.value == document)
    }

    @Test func everyElementRoundTrips() throws {
        let form = QuestionForm(version: .v2005, items: [
            .overview([.title("T <&>"), .text("line\nbreak"), .list(["a", "b"]),
                       .formattedContent(FormattedContent("<p>x ]]&gt; y &amp; z</p>")),
                       .binary(Binary(mimeType: MimeType(type: "image", subtype: "png"), dataURL: "https://x.org/a.png", altText: "alt \"q\"")),
                       .embeddedBinary(EmbeddedBinary(mimeType: MimeType(type: "video", subtype: "mp4"), dataURL: "https://x.org/v",
                                                      altText: "v", width: "300", height: "200", parameters: [ApplicationParameter(name: "n", value: "v")])),
                       .application(.flash(movieURL: "https://x.org/f.swf", width: "1", height: "2", parameters: []))], Origin()),
            .question(Question(identifier: "free", displayName: "D", isRequired: true, content: [.text("q")],
                               answer: .freeText(FreeTextAnswer(
                                   constraints: FreeTextConstraints(isNumeric: .init(minValue: -3, maxValue: 9), length: .init(minLength: 1, maxLength: 4),
                                                                    regexes: [.init(regex: "^[0-9]+$", errorText: "digits", flags: "i")]),
                                   defaultText: "5", numberOfLinesSuggestion: 2)))),
            .question(Question(identifier: "sel", content: [.text("pick")],
                               answer: .selection(SelectionAnswer(minSelectionCount: 1, maxSelectionCount: 2, style: .checkbox,
                                   selections: [Selection(identifier: "a", label: .text("A")),
                                                Selection(identifier: "b", label: .formattedContent(FormattedContent("<b>B</b>")))],
                                   otherSelection: FreeTextAnswer())))),
            .question(Question(identifier: "up", isRequired: false, content: [.text("u")],
                               answer: .fileUpload(FileUploadAnswer(maxFileSizeInBytes: 1000, minFileSizeInBytes: 1)))),
        ])
        let again = MTurkDocuments.questionForm(Array(form.xmlString.utf8))
        #expect(again.diagnostics.isEmpty, "\(again.diagnostics)")
        #expect(again.value == form)

        let key = AnswerKey(questions: [KeyQuestion(identifier: "sel", options: [AnswerOption(selectionIdentifiers: ["a", "b"], score: -2)], defaultScore: 1)],
                            mapping: .scale(multiplier: DecimalNumber("2.5")!, origin: Origin()))
        #expect(MTurkDocuments.answerKey(Array(key.xmlString.utf8)).value == key)
        let answers = QuestionFormAnswers(answers: [
            Answer(questionIdentifier: "sel", selectionIdentifiers: ["a"], otherSelectionText: "other"),
            Answer(questionIdentifier: "free", freeText: "  spaced  "),
            Answer(questionIdentifier: "up", uploadedFile: .init(sizeInBytes: 10, key: "k")),
        ])
        #expect(MTurkDocuments.answers(Array(answers.xmlString.utf8)).value == answers)
    }

    @Test func decimalNumbersAreExact() {
        #expect(DecimalNumber("1.5")?.value == .finite(significand: 15, exponent: -1))
        #expect(DecimalNumber("-0.25")?.value == .finite(significand: -25, exponent: -2))
        #expect(DecimalNumber("2.5E1")?.value == .finite(significand: 25, exponent: 0))
        #expect(DecimalNumber(".5")?.value == .finite(significand: 5, exponent: -1))
        #expect(DecimalNumber("NaN")?.value == .notANumber)
        #expect(DecimalNumber("-INF")?.value == .infinity(negative: true))
        #expect(DecimalNumber("1.2.3") == nil)
        #expect(DecimalNumber("abc") == nil)
    }
}

import QualKit
import QualKitTestSupport
import Testing

@Suite("Detecting the kind of document")
struct DocumentKindTests {
    func load(_ text: String) -> Loaded<MTurkDocument> { MTurkDocuments.load(Array(text.utf8), file: "x.xml") }

    @Test func detectsEachKind() {
        let form = XMLFixtures.form(XMLFixtures.selectionQuestion("q1", selections: ["a", "b"]))
        #expect(load(form).value?.kind == .questionForm(.v2017))
        let form2005 = XMLFixtures.form(XMLFixtures.selectionQuestion("q1", selections: ["a"]), namespace: XMLFixtures.form2005NS)
        #expect(load(form2005).value?.kind == .questionForm(.v2005))
        #expect(load(XMLFixtures.key(XMLFixtures.keyQuestion("q1", [(["a"], 1)]))).value?.kind == .answerKey)
        #expect(load(XMLFixtures.answers([("q1", ["a"])])).value?.kind == .questionFormAnswers)
    }

    @Test func missingNamespace() throws {
        let r = load("<QuestionForm><Overview><Text>x</Text></Overview></QuestionForm>")
        let d = try #require(r.diagnostics.first)
        #expect(d.code == .wrongNamespace)
        #expect(d.hint?.contains("2017-11-06/QuestionForm.xsd") == true)
        #expect(d.location?.line == 1)
    }

    @Test func wrongDate() {
        let r = load("<AnswerKey xmlns=\"http://mechanicalturk.amazonaws.com/AWSMechanicalTurkDataSchemas/2006-10-01/AnswerKey.xsd\"/>")
        #expect(r.diagnostics.map(\.code) == [.wrongNamespace])
    }

    @Test func foreignDocuments() {
        #expect(load("<html><body><p>x</p></body></html>").diagnostics.map(\.code) == [.foreignDocument])
        #expect(load("<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"/>").diagnostics.map(\.code) == [.foreignDocument])
        #expect(load("<w:wordDocument xmlns:w=\"http://schemas.microsoft.com/office/word/2003/wordml\"/>").diagnostics.map(\.code) == [.foreignDocument])
        #expect(load("<HTMLQuestion xmlns=\"http://mechanicalturk.amazonaws.com/AWSMechanicalTurkDataSchemas/2011-11-11/HTMLQuestion.xsd\"/>").diagnostics.map(\.code) == [.unsupportedQuestionKind])
        #expect(load("<recipe/>").diagnostics.map(\.code) == [.notMTurkDocument])
    }

    @Test func expectingAnotherKindIsAnError() {
        let key = XMLFixtures.key(XMLFixtures.keyQuestion("q1", [(["a"], 1)]))
        let r = MTurkDocuments.questionForm(Array(key.utf8), file: "form.xml")
        #expect(r.value == nil)
        #expect(r.diagnostics.map(\.code) == [.wrongKind])
    }

    @Test func emptyAnswerStringIsAnAttemptWithNoAnswers() {
        let r = MTurkDocuments.answers([], file: "request 1")
        #expect(r.value == .empty)
        #expect(r.diagnostics.isEmpty)
    }

    @Test func formOverTheMTurkLimit() {
        let padding = String(repeating: "<Overview><Text>" + String(repeating: "x", count: 1000) + "</Text></Overview>", count: 70)
        let form = XMLFixtures.form(padding + XMLFixtures.selectionQuestion("q1", selections: ["a"]))
        #expect(MTurkDocuments.questionForm(Array(form.utf8)).diagnostics.map(\.code) == [.documentTooLarge])
    }
}

@Suite("HTML pages that are not even XML")
struct HTMLPageTests {
    @Test func htmlPageWithDoctype() {
        let page = "<!DOCTYPE html>\n<html><head><meta charset=utf-8><title>Test</title></head><body><p>Q1<br></body></html>"
        let r = MTurkDocuments.load(Array(page.utf8), file: "page.html")
        #expect(r.diagnostics.map(\.code) == [.foreignDocument])
        #expect(r.diagnostics.first?.message.contains("HTML") == true)
    }
}

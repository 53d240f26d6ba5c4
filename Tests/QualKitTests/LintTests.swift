import Foundation
import QualKit
import QualKitTestSupport
import Testing

@Suite("Lint rules")
struct LintTests {
    typealias F = XMLFixtures

    func formCodes(_ body: String) -> [String] {
        let loaded = MTurkDocuments.questionForm(Array(F.form(body).utf8), file: "form.xml")
        guard let form = loaded.value else { return loaded.diagnostics.map(\.code.rawValue) }
        return (loaded.diagnostics + Lint.form(form)).map(\.code.rawValue)
    }

    func keyCodes(_ questions: String, mapping: String = "") -> [String] {
        let loaded = MTurkDocuments.answerKey(Array(F.key(questions, mapping: mapping).utf8), file: "key.xml")
        guard let key = loaded.value else { return loaded.diagnostics.map(\.code.rawValue) }
        return (loaded.diagnostics + Lint.key(key)).map(\.code.rawValue)
    }

    func pairCodes(form body: String, key questions: String, mapping: String = "") -> [String] {
        let form = MTurkDocuments.questionForm(Array(F.form(body).utf8), file: "form.xml").value!
        let key = MTurkDocuments.answerKey(Array(F.key(questions, mapping: mapping).utf8), file: "key.xml").value!
        return Lint.pair(form: form, key: key).map(\.code.rawValue)
    }

    let q1 = F.selectionQuestion("q1", selections: ["a", "b", "c"])

    // MARK: form

    @Test func cleanFormHasNoFindings() { #expect(formCodes(q1) == []) }
    @Test func duplicateQuestionID() { #expect(formCodes(q1 + q1) == ["QK201"]) }
    @Test func duplicateSelectionID() { #expect(formCodes(F.selectionQuestion("q1", selections: ["a", "a"])) == ["QK202"]) }
    @Test func identifierWhitespace() {
        #expect(formCodes(F.selectionQuestion("q1 ", selections: ["a"])) == ["QK203"])
        #expect(formCodes(F.selectionQuestion("q1", selections: [" a"])) == ["QK203"])
    }
    @Test func emptyIdentifier() { #expect(formCodes(F.selectionQuestion("", selections: ["a"])) == ["QK204"]) }
    @Test func selectionCounts() {
        #expect(formCodes(F.selectionQuestion("q1", selections: ["a", "b"], min: 3, max: 2, style: "checkbox")).filter { $0 == "QK205" }.count == 2)
        #expect(formCodes(F.selectionQuestion("q1", selections: ["a", "b"], max: 3, style: "checkbox")) == ["QK205"])
        #expect(formCodes(F.selectionQuestion("q1", selections: ["a", "b"], min: 2, style: "checkbox")) == ["QK205"])
    }
    @Test func singleChoiceStyleWithMax() {
        #expect(formCodes(F.selectionQuestion("q1", selections: ["a", "b"], max: 2, style: "radiobutton")) == ["QK206"])
    }
    @Test func fileUploadInA2005Test() {
        let body = "<Question><QuestionIdentifier>u</QuestionIdentifier><QuestionContent><Text>t</Text></QuestionContent><AnswerSpecification><FileUploadAnswer><MaxFileSizeInBytes>100</MaxFileSizeInBytes><MinFileSizeInBytes>1</MinFileSizeInBytes></FileUploadAnswer></AnswerSpecification></Question>"
        let loaded = MTurkDocuments.questionForm(Array(F.form(body, namespace: F.form2005NS).utf8))
        #expect(Lint.form(try! #require(loaded.value)).map(\.code.rawValue) == ["QK207"])
        // The 2017 schema has no FileUploadAnswer at all.
        #expect(formCodes(body) == ["QK110"])
    }
    @Test func overviewOnlyForm() { #expect(formCodes("<Overview><Text>x</Text></Overview>") == ["QK208"]) }
    @Test func freeTextBoundsReversed() {
        let body = "<Question><QuestionIdentifier>n</QuestionIdentifier><QuestionContent><Text>t</Text></QuestionContent><AnswerSpecification><FreeTextAnswer><Constraints><IsNumeric minValue=\"10\" maxValue=\"1\"/><Length minLength=\"5\" maxLength=\"2\"/><AnswerFormatRegex regex=\"[a-\"/></Constraints></FreeTextAnswer></AnswerSpecification></Question>"
        #expect(formCodes(body) == ["QK209", "QK209", "QK216"])
    }

    // MARK: key

    @Test func cleanKey() { #expect(keyCodes(F.keyQuestion("q1", [(["a"], 1)])) == []) }
    @Test func keyDuplicateQuestion() {
        #expect(keyCodes(F.keyQuestion("q1", [(["a"], 1)]) + F.keyQuestion("q1", [(["b"], 1)])) == ["QK301"])
    }
    @Test func keyDuplicateOptionSet() {
        #expect(keyCodes(F.keyQuestion("q1", [(["a", "b"], 1), (["b", "a"], 2)])) == ["QK302"])
    }
    @Test func keyRepeatedSelection() { #expect(keyCodes(F.keyQuestion("q1", [(["a", "a"], 1)])) == ["QK303"]) }
    @Test func keyMaximumNotPositive() {
        #expect(keyCodes(F.keyQuestion("q1", [(["a"], 1)]), mapping: "<PercentageMapping><MaximumSummedScore>0</MaximumSummedScore></PercentageMapping>") == ["QK304"])
    }
    @Test func keyRanges() {
        let q = F.keyQuestion("q1", [(["a"], 1)]) + F.keyQuestion("q2", [(["b"], 1)])
        func range(_ l: Int, _ u: Int, _ v: Int) -> String {
            "<SummedScoreRange><InclusiveLowerBound>\(l)</InclusiveLowerBound><InclusiveUpperBound>\(u)</InclusiveUpperBound><QualificationValue>\(v)</QualificationValue></SummedScoreRange>"
        }
        let out = "<OutOfRangeQualificationValue>0</OutOfRangeQualificationValue>"
        #expect(keyCodes(q, mapping: "<RangeMapping>\(range(0, 2, 1))\(out)</RangeMapping>") == [])
        #expect(keyCodes(q, mapping: "<RangeMapping>\(range(2, 0, 1))\(out)</RangeMapping>").contains("QK305"))
        #expect(keyCodes(q, mapping: "<RangeMapping>\(range(0, 1, 1))\(range(1, 2, 2))\(out)</RangeMapping>") == ["QK306"])
        #expect(keyCodes(q, mapping: "<RangeMapping>\(range(0, 0, 1))\(range(2, 2, 2))\(out)</RangeMapping>") == ["QK307"])
    }
    @Test func keyMultiplier() {
        let q = F.keyQuestion("q1", [(["a"], 1)])
        #expect(keyCodes(q, mapping: "<ScaleMapping><SummedScoreMultiplier>NaN</SummedScoreMultiplier></ScaleMapping>") == ["QK308"])
        #expect(keyCodes(q, mapping: "<ScaleMapping><SummedScoreMultiplier>-INF</SummedScoreMultiplier></ScaleMapping>") == ["QK308"])
        #expect(keyCodes(q, mapping: "<ScaleMapping><SummedScoreMultiplier>2.5</SummedScoreMultiplier></ScaleMapping>") == [])
        #expect(keyCodes(F.keyQuestion("q1", [(["a"], 2_000_000_000)]), mapping: "<ScaleMapping><SummedScoreMultiplier>2</SummedScoreMultiplier></ScaleMapping>") == ["QK311"])
    }
    @Test func keyAllZero() { #expect(keyCodes(F.keyQuestion("q1", [(["a"], 0), (["b"], 0)])) == ["QK309"]) }
    @Test func keyIdentifierWhitespace() { #expect(keyCodes(F.keyQuestion("q1", [(["a "], 1)])) == ["QK310"]) }
    @Test func keyScoreMustBeAnInt() { #expect(keyCodes(F.keyQuestion("q1", [(["a"], 1)]).replacingOccurrences(of: "<AnswerScore>1", with: "<AnswerScore>2.5")) == ["QK112"]) }

    // MARK: form × key

    @Test func cleanPair() { #expect(pairCodes(form: q1, key: F.keyQuestion("q1", [(["a"], 1)])) == []) }
    @Test func unknownQuestion() {
        #expect(pairCodes(form: q1, key: F.keyQuestion("q1", [(["a"], 1)]) + F.keyQuestion("Q2", [(["a"], 1)])) == ["QK401"])
    }
    @Test func unknownSelection() { #expect(pairCodes(form: q1, key: F.keyQuestion("q1", [(["A"], 1)])) == ["QK402"]) }
    @Test func keyOnFreeText() {
        #expect(pairCodes(form: q1 + F.freeTextQuestion("t"), key: F.keyQuestion("q1", [(["a"], 1)]) + F.keyQuestion("t", [(["a"], 1)])) == ["QK403"])
    }
    @Test func keyWithOtherSelection() {
        #expect(pairCodes(form: F.selectionQuestion("q1", selections: ["a"], other: true), key: F.keyQuestion("q1", [(["a"], 1)])) == ["QK404"])
    }
    @Test func impossibleOptions() {
        #expect(pairCodes(form: q1, key: F.keyQuestion("q1", [(["a"], 1), (["a", "b"], 2)])) == ["QK406"])
        let multi = F.selectionQuestion("q1", selections: ["a", "b", "c"], min: 2, max: 3, style: "checkbox")
        #expect(pairCodes(form: multi, key: F.keyQuestion("q1", [(["a"], 1), (["a", "b"], 2)])) == ["QK406"])
    }
    @Test func unkeyedAndFreeTextQuestions() {
        #expect(pairCodes(form: q1 + F.selectionQuestion("q2", selections: ["x"]) + F.freeTextQuestion("t"),
                          key: F.keyQuestion("q1", [(["a"], 1)])) == ["QK407", "QK409"])
    }
    @Test func maximumMismatch() {
        let key = F.keyQuestion("q1", [(["a"], 5), (["b"], 2)])
        #expect(pairCodes(form: q1, key: key, mapping: "<PercentageMapping><MaximumSummedScore>5</MaximumSummedScore></PercentageMapping>") == [])
        let d = Lint.pair(
            form: MTurkDocuments.questionForm(Array(F.form(q1).utf8)).value!,
            key: MTurkDocuments.answerKey(Array(F.key(key, mapping: "<PercentageMapping><MaximumSummedScore>10</MaximumSummedScore></PercentageMapping>").utf8)).value!)
        #expect(d.map(\.code.rawValue) == ["QK408"])
        #expect(d[0].message.contains("10") && d[0].message.contains("5"))
    }

    @Test func answersAgainstForm() {
        let form = MTurkDocuments.questionForm(Array(F.form(q1).utf8)).value!
        let answers = MTurkDocuments.answers(Array(F.answers([("q1", ["a", "z"]), ("q9", []), ("q1", ["b"])]).utf8)).value!
        #expect(Lint.answers(answers, form: form).map(\.code.rawValue) == ["QK502", "QK501", "QK503"])
    }
}

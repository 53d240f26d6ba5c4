import QualKit
import QualKitScoring
import QualKitTestSupport
import Testing

/// Builders shared by the scoring tests.
enum K {
    static let ns = XMLFixtures.answersNS

    static func key(_ questions: [(String, [([String], Int32)], Int32?)], mapping: ValueMapping? = nil) throws -> ScoringKey {
        try ScoringKey(AnswerKey(
            questions: questions.map { q in
                KeyQuestion(identifier: q.0, options: q.1.map { AnswerOption(selectionIdentifiers: $0.0, score: $0.1) }, defaultScore: q.2)
            }, mapping: mapping))
    }

    /// A QuestionFormAnswers document: (question, selections).
    static func answers(_ items: [(String, [String])], decl: String = "<?xml version=\"1.0\" encoding=\"ASCII\"?>", extra: String = "") -> [UInt8] {
        var s = decl + "<QuestionFormAnswers xmlns=\"\(ns)\">"
        for (q, sels) in items {
            s += "<Answer><QuestionIdentifier>\(q)</QuestionIdentifier>" + sels.map { "<SelectionIdentifier>\($0)</SelectionIdentifier>" }.joined() + "</Answer>"
        }
        return Array((s + extra + "</QuestionFormAnswers>").utf8)
    }

    static func score(_ key: ScoringKey, _ xml: [UInt8], detail: ScoreDetail = .explain) -> AttemptOutcome {
        AttemptScorer(key: key, detail: detail).score(xml: xml)
    }

    static func sum(_ key: ScoringKey, _ items: [(String, [String])]) -> Int64? { score(key, answers(items)).score?.sum }
}

@Suite struct MatchingRules {
    let key: ScoringKey

    init() throws {
        key = try K.key([
            ("q1", [(["a"], 3), (["b"], -2)], nil),
            ("q2", [(["x", "y"], 5), (["x"], 1)], 7),
        ])
    }

    @Test func exactSetEqualityAllAndNoOthers() {
        #expect(K.sum(key, [("q2", ["x", "y"])]) == 5)  // all of them
        #expect(K.sum(key, [("q2", ["y", "x"])]) == 5)  // order does not matter
        #expect(K.sum(key, [("q2", ["x"])]) == 1)       // a different option
        #expect(K.sum(key, [("q2", ["x", "y", "z"])]) == 7)  // superset: no option, DefaultScore
        #expect(K.sum(key, [("q2", ["y"])]) == 7)       // subset: DefaultScore
    }

    @Test func duplicatesCollapse() {
        #expect(K.sum(key, [("q2", ["x", "y", "x", "y"])]) == 5)
        #expect(K.sum(key, [("q1", ["a", "a"])]) == 10)
    }

    @Test func identifiersAreCaseSensitiveAndNotTrimmed() {
        #expect(K.sum(key, [("q1", ["A"])]) == 7)  // q1 no match (0) + q2 default 7
        #expect(K.sum(key, [("q1", [" a"])]) == 7)
        #expect(K.sum(key, [("Q1", ["a"])]) == 7)  // q1 unanswered (0) + q2 unanswered (default 7)
    }

    @Test func missingAnswerOrNoSelectionsGivesDefaultScore() {
        #expect(K.sum(key, []) == 7)             // q1 default absent → 0, q2 default 7
        #expect(K.sum(key, [("q1", [])]) == 7)
    }

    @Test func negativeScoresAdd() {
        #expect(K.sum(key, [("q1", ["b"]), ("q2", ["x"])]) == -1)
    }

    @Test func answersToQuestionsNotInTheKeyAddNothing() {
        #expect(K.sum(key, [("q1", ["a"]), ("other", ["a"])]) == 10)
    }

    @Test func freeTextAndOtherSelectionTextNeverMatch() throws {
        let free = Array("<QuestionFormAnswers xmlns=\"\(K.ns)\"><Answer><QuestionIdentifier>q1</QuestionIdentifier><FreeText>a</FreeText></Answer></QuestionFormAnswers>".utf8)
        let r = try #require(K.score(key, free).score)
        #expect(r.sum == 7)
        #expect(r.questions[0].hadText && r.questions[0].usedDefaultScore)
        // OtherSelectionText is ignored for matching: the selections alone decide.
        let other = Array("<QuestionFormAnswers xmlns=\"\(K.ns)\"><Answer><QuestionIdentifier>q1</QuestionIdentifier><SelectionIdentifier>a</SelectionIdentifier><OtherSelectionText>a</OtherSelectionText></Answer></QuestionFormAnswers>".utf8)
        #expect(K.score(key, other).score?.sum == 10)
        let onlyOther = Array("<QuestionFormAnswers xmlns=\"\(K.ns)\"><Answer><QuestionIdentifier>q1</QuestionIdentifier><OtherSelectionText>a</OtherSelectionText></Answer></QuestionFormAnswers>".utf8)
        #expect(K.score(key, onlyOther).score?.sum == 7)
    }

    @Test func everyMatchingOptionAddsWhenTwoListTheSameSet() throws {
        let dup = try K.key([("q", [(["a"], 2), (["a"], 3), (["b"], 1)], 9)])
        let r = try #require(K.score(dup, K.answers([("q", ["a"])])).score)
        #expect(r.sum == 5)
        #expect(r.questions[0].matchedOptions == [0, 1])
    }

    @Test func twoAnswersForOneQuestionAreUnited() {
        #expect(K.sum(key, [("q2", ["x"]), ("q2", ["y"])]) == 5)
    }

    @Test func emptyAnswerStringIsAnAttemptWithNoAnswers() throws {
        let r = try #require(K.score(key, []).score)
        #expect(r.sum == 7)
        #expect(K.score(key, Array("  \n".utf8)).score?.sum == 7)
    }

    @Test func explainNamesTheMatchedOptionOrDefault() throws {
        let r = try #require(K.score(key, K.answers([("q1", ["b"]), ("q2", ["z", "x"])])).score)
        #expect(r.questions[0] == QuestionResult(questionIdentifier: "q1", answered: true, selections: ["b"], matchedOptions: [1],
                                                  usedDefaultScore: false, points: -2, hadText: false))
        #expect(r.questions[1].selections == ["x", "z"])
        #expect(r.questions[1].usedDefaultScore && r.questions[1].points == 7)
    }

    @Test func longAndManySelectionsKeepTheirBytesAsTheParserBuffersGrow() throws {
        // 150 identifiers of 60 bytes each: 9 KB of answer text and 300 bounds, far past the parser's first buffers
        // (1 KB of text, 16 selections), so they grow mid-answer; every identifier must still read back exactly.
        let ids = (0..<150).map { i in "opt\(i)-" + String(repeating: Character(Unicode.Scalar(UInt8(65 + i % 26))), count: 50) }
        let big = try K.key([("big", [(ids, 11), (Array(ids.dropLast()), 2)], -1)])
        let scorer = AttemptScorer(key: big, detail: .explain)
        let all = try #require(scorer.score(xml: K.answers([("big", ids.reversed())])).score)
        #expect(all.sum == 11)
        #expect(all.questions[0].selections == ids)
        #expect(scorer.score(xml: K.answers([("big", Array(ids.dropLast()))])).score?.sum == 2)
        #expect(scorer.score(xml: K.answers([("big", ids + ["opt0-X"])])).score?.sum == -1)
    }

    @Test func modelPathAgreesWithStreamPath() {
        let scorer = AttemptScorer(key: key, detail: .points)
        let answers = QuestionFormAnswers(answers: [Answer(questionIdentifier: "q1", selectionIdentifiers: ["b"]),
                                                    Answer(questionIdentifier: "q2", selectionIdentifiers: ["y", "x"])])
        #expect(scorer.score(answers).score?.sum == 3)
        #expect(scorer.score(xml: K.answers([("q1", ["b"]), ("q2", ["y", "x"])])).score?.sum == 3)
    }
}

@Suite struct MalformedAttempts {
    let key: ScoringKey
    init() throws { key = try K.key([("q1", [(["a"], 1)], nil)]) }

    @Test func notWellFormedReportsLineAndColumn() throws {
        let xml = Array("<QuestionFormAnswers xmlns=\"\(K.ns)\">\n<Answer><QuestionIdentifier>q1</QuestionIdentifier>\n  <SelectionIdentifier>a</Selection></Answer></QuestionFormAnswers>".utf8)
        let f = try #require(K.score(key, xml).failure)
        #expect(f.kind == "malformed-xml")
        #expect(f.line == 3)
        #expect((f.column ?? 0) > 20)
    }

    @Test func doctypeIsRefused() throws {
        let xml = Array("<?xml version=\"1.0\"?>\n<!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/hostname\">]>\n<QuestionFormAnswers xmlns=\"\(K.ns)\"><Answer><QuestionIdentifier>&x;</QuestionIdentifier></Answer></QuestionFormAnswers>".utf8)
        let f = try #require(K.score(key, xml).failure)
        #expect(f.kind == "doctype")
        #expect(f.line == 2)
    }

    @Test func wrongRootOrNamespaceOrStructure() throws {
        #expect(K.score(key, Array("<AnswerKey xmlns=\"\(K.ns)\"/>".utf8)).failure?.kind == "not-answers")
        #expect(K.score(key, Array("<QuestionFormAnswers><Answer/></QuestionFormAnswers>".utf8)).failure?.kind == "not-answers")
        let noQuestion = Array("<QuestionFormAnswers xmlns=\"\(K.ns)\"><Answer><SelectionIdentifier>a</SelectionIdentifier></Answer></QuestionFormAnswers>".utf8)
        #expect(K.score(key, noQuestion).failure?.message.contains("no <QuestionIdentifier>") == true)
        let nested = Array("<QuestionFormAnswers xmlns=\"\(K.ns)\"><Answer><QuestionIdentifier>q1<b/></QuestionIdentifier></Answer></QuestionFormAnswers>".utf8)
        #expect(K.score(key, nested).failure != nil)
    }

    @Test func sizeLimitIsCheckedFirst() {
        let scorer = AttemptScorer(key: key, limits: XMLLimits(maxBytes: 50))
        #expect(scorer.score(xml: K.answers([("q1", ["a"])])).failure?.kind == "too-large")
    }

    @Test func asciiDeclarationIsReadAsUTF8() throws {
        let k = try K.key([("q1", [(["é"], 4)], nil)])
        #expect(K.score(k, K.answers([("q1", ["é"])])).score?.sum == 4)
        #expect(K.score(k, K.answers([("q1", ["&#233;"])])).score?.sum == 4)
    }

    @Test func textFromJSONIsUTF8WhateverItsDeclarationSays() throws {
        let k = try K.key([("q1", [(["é"], 4)], nil)])
        let xml = K.answers([("q1", ["é"])], decl: "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>")
        #expect(AttemptScorer(key: k).score(xml: xml, forceUTF8: true).score?.sum == 4)
        // From a file, the declaration counts: the two bytes of "é" are read as two Latin-1 characters.
        #expect(AttemptScorer(key: k).score(xml: xml, forceUTF8: false).score?.sum == 0)
    }

    @Test func aNULCharacterFailsTheAttemptWithItsPosition() throws {
        // libxml2 would stop reading at the NUL and never see the text after it.
        var xml = K.answers([("q1", ["a"])])
        xml += [0] + Array("<junk".utf8)
        let failure = try #require(AttemptScorer(key: key).score(xml: xml, forceUTF8: true).failure)
        #expect(failure.kind == "malformed-xml")
        #expect(failure.message.contains("NUL"))
        #expect(failure.line == 1 && failure.column == xml.count - 5)
    }

    @Test func theScorerKeepsWorkingAfterAFailure() {
        let scorer = AttemptScorer(key: key)
        #expect(scorer.score(xml: Array("<oops".utf8)).failure != nil)
        #expect(scorer.score(xml: K.answers([("q1", ["a"])])).score?.sum == 1)
    }
}

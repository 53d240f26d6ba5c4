import Foundation
import MTurkAPI
import QualKit
import QualKitScoring

/// Grades pending qualification requests with the scoring engine, against the Test snapshot each request carries.
public struct RequestGrader: Sendable {
    public enum Decision: Sendable, Equatable {
        case accept(value: Int32)
        case reject(reason: String)
        /// The attempt could not be scored (bad XML, no test snapshot): left pending for a person to look at.
        case leave(reason: String)
    }

    public struct Graded: Sendable {
        public var request: QualificationRequest
        public var score: AttemptScore?
        public var decision: Decision
    }

    public let answerKey: AnswerKey
    public let passRule: PassRule?
    public let rounding: Rounding

    public init(answerKey: AnswerKey, passRule: PassRule?, rounding: Rounding = .halfUp) {
        self.answerKey = answerKey
        self.passRule = passRule
        self.rounding = rounding
    }

    public func grade(_ request: QualificationRequest) -> Graded {
        let form = request.test.flatMap { MTurkDocuments.questionForm(Array($0.utf8), file: "Test", forceUTF8: true).value }
        let key: ScoringKey
        do {
            key = try ScoringKey(answerKey, form: form, rounding: rounding)
        } catch {
            return Graded(request: request, score: nil, decision: .leave(reason: "the key cannot score this test: \(error)"))
        }
        let scorer = AttemptScorer(key: key, detail: .explain)
        let outcome = scorer.score(xml: Array((request.answer ?? "").utf8), forceUTF8: true, file: request.qualificationRequestId)
        guard let score = outcome.score else {
            return Graded(request: request, score: nil, decision: .leave(reason: outcome.failure?.description ?? "could not be scored"))
        }
        if let passRule, !passRule.passes(score.value) {
            return Graded(request: request, score: score,
                          decision: .reject(reason: "Your score (\(score.value)) did not meet the required \(passRule)."))
        }
        return Graded(request: request, score: score, decision: .accept(value: score.value))
    }
}

import Foundation
import QualKit
import QualKitScoring
import QualKitTestSupport
import Testing

/// Every SampleForms test lists, in expected-values.csv, the sum and value each attempt must get under each key,
/// worked out by hand from MTurk's rules. The engine must agree.
@Suite("SampleForms: hand-computed values")
struct SampleFormsValuesTests {
    struct Row: Sendable, CustomTestStringConvertible {
        var test: String, key: String, answers: String, sum: Int64, value: Int32
        var testDescription: String { "\(test) \(key) \(answers)" }
    }

    static var rows: [Row] {
        RepositoryFiles.files(under: "SampleForms", suffix: "expected-values.csv").flatMap { path -> [Row] in
            let test = String(path.dropLast("/expected-values.csv".count))
            let lines = ((try? RepositoryFiles.text(path)) ?? "").split(separator: "\n").dropFirst()
            return lines.map { line in
                let f = line.split(separator: ",").map(String.init)
                return Row(test: test, key: f[0], answers: f[1], sum: Int64(f[2])!, value: Int32(f[3])!)
            }
        }
    }

    @Test func everySampleTestHasExpectedValues() { #expect(Set(Self.rows.map(\.test)).count >= 3) }

    @Test(arguments: rows)
    func attemptGetsTheHandComputedValue(_ row: Row) throws {
        let form = try #require(MTurkDocuments.questionForm(try RepositoryFiles.bytes("\(row.test)/form.xml")).value)
        let answerKey = try #require(MTurkDocuments.answerKey(try RepositoryFiles.bytes("\(row.test)/\(row.key)")).value)
        let scorer = AttemptScorer(key: try ScoringKey(answerKey, form: form))
        let bytes = try RepositoryFiles.bytes("\(row.test)/answers/\(row.answers)")
        let outcome = bytes.withUnsafeBytes { scorer.score(xml: $0, file: row.answers) }
        let score = try #require(outcome.score, "\(outcome)")
        #expect(score.sum == row.sum)
        #expect(score.value == row.value)
    }
}

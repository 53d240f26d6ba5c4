import Foundation
import QualKitTestSupport
import Testing
@testable import QualKitXML

/// Runs every document of Tests/Fixtures/schema-corpus through our embedded schemas:
/// `valid/` must give no diagnostic, `invalid/` at least one error.
@Suite("Schema corpus")
struct SchemaCorpusTests {
    static let kinds: [(folder: String, schema: MTurkSchema)] = [
        ("QuestionForm-2005-10-01", .questionForm2005),
        ("QuestionForm-2017-11-06", .questionForm2017),
        ("AnswerKey", .answerKey),
        ("QuestionFormAnswers", .questionFormAnswers),
        ("FormattedContent", .formattedContent),
    ]

    static var cases: [CorpusCase] {
        kinds.flatMap { kind in
            ["valid", "invalid"].flatMap { expectation in
                RepositoryFiles.files(under: "Tests/Fixtures/schema-corpus/\(kind.folder)/\(expectation)", suffix: ".xml")
                    .map { CorpusCase(path: $0, schema: kind.schema, valid: expectation == "valid") }
            }
        }
    }

    struct CorpusCase: CustomTestStringConvertible, Sendable {
        var path: String
        var schema: MTurkSchema
        var valid: Bool
        var testDescription: String { path.replacingOccurrences(of: "Tests/Fixtures/schema-corpus/", with: "") }
    }

    @Test func corpusCoversEveryKind() {
        for kind in Self.kinds {
            let cases = Self.cases.filter { $0.schema == kind.schema }
            #expect(cases.contains { $0.valid }, "no valid case for \(kind.folder)")
            #expect(cases.contains { !$0.valid }, "no invalid case for \(kind.folder)")
        }
    }

    @Test(arguments: cases)
    func documentMatchesExpectation(_ c: CorpusCase) throws {
        let bytes = try RepositoryFiles.bytes(c.path)
        let r = SecureXML.load(bytes, file: c.path) { _, _ in c.schema }
        if c.valid {
            #expect(r.root != nil && r.diagnostics.isEmpty, "expected valid, got: \(r.diagnostics.map(\.description))")
        } else {
            #expect(r.diagnostics.hasErrors, "expected at least one error")
            for d in r.diagnostics {
                #expect((d.location?.line ?? 0) > 0, "diagnostic without a line: \(d)")
            }
        }
    }

    @Test func everyEmbeddedSchemaCompiles() {
        for schema in MTurkSchema.allCases {
            _ = CompiledSchema.shared(schema)
        }
    }
}

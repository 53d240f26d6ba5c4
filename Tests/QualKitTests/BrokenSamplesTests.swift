import Foundation
import QualKit
import QualKitTestSupport
import Testing

/// SampleForms/broken holds one file (or one form+key folder) per common mistake, each with an
/// `.expected` list of `LINE:COLUMN CODE` (or `FILE:LINE:COLUMN CODE` for folders).
@Suite("SampleForms/broken: each mistake gives exactly the expected diagnostics")
struct BrokenSamplesTests {
    static var cases: [String] {
        RepositoryFiles.files(under: "SampleForms/broken", suffix: "expected")
    }

    static func expected(_ path: String) throws -> [String] {
        try RepositoryFiles.text(path).split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") }.sorted()
    }

    @Test func thereAreEnoughMistakes() { #expect(Self.cases.count >= 20) }

    @Test(arguments: cases)
    func mistakeIsDiagnosed(_ expectedPath: String) throws {
        let base = String(expectedPath.dropLast(".expected".count))
        var isDirectory: ObjCBool = false
        let folder = base.hasSuffix("/") ? String(base.dropLast()) : (expectedPath.hasSuffix("/expected") ? String(expectedPath.dropLast("/expected".count)) : base)
        let actual: [String]
        if FileManager.default.fileExists(atPath: RepositoryFiles.url(folder).path, isDirectory: &isDirectory), isDirectory.boolValue {
            let form = SourceFile(name: "form.xml", bytes: try RepositoryFiles.bytes("\(folder)/form.xml"))
            let keyPath = "\(folder)/answer-key.xml"
            let key = FileManager.default.fileExists(atPath: RepositoryFiles.url(keyPath).path)
                ? SourceFile(name: "answer-key.xml", bytes: try RepositoryFiles.bytes(keyPath)) : nil
            actual = Checker.lint(form: form, key: key).map {
                "\($0.location?.file ?? ""):\($0.location?.line ?? 0):\($0.location?.column ?? 0) \($0.code.rawValue)"
            }.sorted()
        } else {
            actual = Checker.validate(SourceFile(name: base, bytes: try RepositoryFiles.bytes(base))).map {
                "\($0.location?.line ?? 0):\($0.location?.column ?? 0) \($0.code.rawValue)"
            }.sorted()
        }
        #expect(actual == (try Self.expected(expectedPath)), "\(base)")
    }
}

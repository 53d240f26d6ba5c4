import Foundation
import QualKitTestSupport
import Testing

@Suite("qualkit validate / lint / explain")
struct ValidateLintCLITests {
    static var sampleTests: [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: RepositoryFiles.url("SampleForms").path))?
            .filter { $0 != "broken" && FileManager.default.fileExists(atPath: RepositoryFiles.url("SampleForms/\($0)/form.xml").path) }
            .sorted().map { "SampleForms/\($0)" } ?? []
    }

    @Test func sampleTestsExist() { #expect(Self.sampleTests.count >= 3) }

    @Test(arguments: sampleTests)
    func sampleTestIsValidAndLintClean(_ dir: String) throws {
        let validate = try CLIRunner.run(["validate", dir])
        #expect(validate.status == 0, "\(validate.stdout)\(validate.stderr)")
        let lint = try CLIRunner.run(["lint", dir])
        #expect(lint.status == 0, "\(lint.stdout)\(lint.stderr)")
        #expect(lint.stdout.contains("0 errors"))
    }

    @Test func brokenSamplesFailWithCompilerStyleOutput() throws {
        let r = try CLIRunner.run(["validate", "SampleForms/broken"])
        #expect(r.status == 1)
        let line = try #require(r.stdout.split(separator: "\n").first { $0.contains("error[QK") })
        // file:line:col: error[QKnnn]: message
        #expect(line.range(of: #"^SampleForms/broken/[^:]+:\d+:\d+: error\[QK\d{3}\]: .+"#, options: .regularExpression) != nil, "\(line)")
        #expect(r.stdout.contains("hint:"))
    }

    @Test func jsonOutput() throws {
        let r = try CLIRunner.run(["validate", "--format", "json", "SampleForms/broken"])
        #expect(r.status == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let diagnostics = try #require(object["diagnostics"] as? [[String: Any]])
        #expect(!diagnostics.isEmpty)
        #expect(diagnostics.allSatisfy { ($0["code"] as? String)?.hasPrefix("QK") == true && $0["message"] != nil && $0["file"] != nil })
        #expect((object["errors"] as? Int ?? 0) > 0)
    }

    @Test func sarifOutput() throws {
        let r = try CLIRunner.run(["validate", "--format", "sarif", "SampleForms/broken"])
        #expect(r.status == 1)
        let log = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect(log["version"] as? String == "2.1.0")
        let run = try #require((log["runs"] as? [[String: Any]])?.first)
        let results = try #require(run["results"] as? [[String: Any]])
        #expect(!results.isEmpty)
        let rules = try #require(((run["tool"] as? [String: Any])?["driver"] as? [String: Any])?["rules"] as? [[String: Any]])
        let ruleIDs = Set(rules.compactMap { $0["id"] as? String })
        for result in results {
            #expect(ruleIDs.contains(result["ruleId"] as? String ?? ""))
            let region = (((result["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])?["region"] as? [String: Any])
            #expect(region?["startLine"] != nil)
        }
    }

    @Test func lintFormAndKeyFlags() throws {
        let dir = try #require(Self.sampleTests.first)
        let r = try CLIRunner.run(["lint", "--form", "\(dir)/form.xml", "--key", "\(dir)/answer-key.xml"])
        #expect(r.status == 0, "\(r.stdout)")
    }

    @Test func missingFileIsExitCode2() throws {
        let r = try CLIRunner.run(["validate", "no/such/file.xml"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("no/such/file.xml"))
        let lint = try CLIRunner.run(["lint"])
        #expect(lint.status == 2)
    }

    @Test func explain() throws {
        let all = try CLIRunner.run(["explain"])
        #expect(all.status == 0)
        #expect(all.stdout.contains("QK302"))
        let one = try CLIRunner.run(["explain", "qk101"])
        #expect(one.stdout.contains("DOCTYPE"))
        #expect(try CLIRunner.run(["explain", "QK999"]).status == 2)
    }
}

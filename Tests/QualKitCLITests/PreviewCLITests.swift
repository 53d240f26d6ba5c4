import Foundation
import QualKitTestSupport
import Testing

@Suite("qualkit preview")
struct PreviewCLITests {
    @Test func writesOneSelfContainedPageWithKeyAndAnswers() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("qualkit-preview-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("preview.html")
        let r = try CLIRunner.run(["preview", "SampleForms/en-fr-meaning", "--show-key",
                                   "--answers", "SampleForms/en-fr-meaning/answers/A2CLOSEFR00002.xml", "-o", out.path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.isEmpty)
        let html = try String(contentsOf: out, encoding: .utf8)
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("Answer key") && html.contains("A2CLOSEFR00002.xml"))
        #expect(!html.contains("<script") && !html.contains("<link"))
        #expect(html.components(separatedBy: "<fieldset").count - 1 == 8)  // one per question
    }

    @Test func standardOutputByDefaultAndInputsDisabled() throws {
        let r = try CLIRunner.run(["preview", "SampleForms/sentence-classification/form.xml"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("<main") && r.stdout.contains(" disabled"))
        let usable = try CLIRunner.run(["preview", "SampleForms/sentence-classification", "--usable-inputs"])
        #expect(usable.status == 0 && !usable.stdout.contains(" disabled"))
    }

    @Test func brokenFormsAndUsageErrorsSayWhat() throws {
        let broken = try CLIRunner.run(["preview", "SampleForms/broken/doctype.xml"])
        #expect(broken.status == 1)
        #expect(broken.stdout.isEmpty && broken.stderr.contains("error[QK"))
        let missing = try CLIRunner.run(["preview", "SampleForms/nope.xml"])
        #expect(missing.status == 2 && missing.stderr.contains("nope.xml"))
        let showKey = try CLIRunner.run(["preview", "SampleForms/en-fr-meaning/form.xml", "--show-key"])
        #expect(showKey.status == 2 && showKey.stderr.contains("--show-key"))
    }
}

import Foundation
import QualKitTestSupport
import Testing

@Suite("qualkit accuracy")
struct AccuracyCLITests {
    static let job = "SampleForms/groundtruth-sentences"
    static let golden = job + "/golden.manifest"
    static let batch = job + "/mturk-batch/batch-results.csv"
    static let batchGold = job + "/mturk-batch/gold.csv"

    @Test func jsonContract() throws {
        let r = try CLIRunner.run(["accuracy", "--job", Self.job, "--gold", Self.golden, "--format", "json", "--weight", "person=2"])
        #expect(r.status == 0, "\(r.stderr)")
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect(doc["source"] as? String == Self.job)
        #expect(doc["objects"] as? Int == 20)
        #expect(doc["responses"] as? Int == 60)
        #expect(doc["classes"] as? [String] == ["animal", "person", "plant"])
        #expect(doc["consolidation"] as? String == "output-manifest")
        #expect(doc["dawidSkene"] is NSNull)
        let workers = try #require(doc["workers"] as? [[String: Any]])
        #expect(workers.count == 9)
        #expect(workers.map { $0["workerId"] as! String } == workers.map { $0["workerId"] as! String }.sorted())
        let keys: Set<String> = ["workerId", "responses", "objects", "goldResponses", "goldAccuracy", "goldInterval",
                                 "consolidatedAccuracy", "consolidatedInterval", "weightedGoldAccuracy", "dawidSkeneAccuracy", "confusion"]
        for w in workers { #expect(Set(w.keys) == keys) }
        let noGold = try #require(workers.first { $0["workerId"] as? String == "public.us-east-1.G6PE0W8TL2YN" })
        #expect(noGold["goldAccuracy"] is NSNull && noGold["goldInterval"] is NSNull && noGold["goldResponses"] as? Int == 0)
        let weak = try #require(workers.first { $0["workerId"] as? String == "public.us-east-1.H2DW6P9XN4LS" })
        #expect(weak["goldAccuracy"] as? Double == 0.25)
        #expect((weak["weightedGoldAccuracy"] as? Double).map { abs($0 - 0.2) < 1e-12 } == true)
        let interval = try #require(weak["goldInterval"] as? [Double])
        #expect(interval.count == 2 && abs(interval[0] - 0.045587) < 1e-6)
        let confusion = try #require(weak["confusion"] as? [String: [String: [String: Int]]])
        #expect(confusion["gold"]?["animal"]?["plant"] == 2)
        #expect(confusion["consolidated"] != nil)
    }

    @Test func csvMatchesTheExpectedMetrics() throws {
        let r = try CLIRunner.run(["accuracy", "--job", Self.job, "--gold", Self.golden, "--format", "csv", "--weight", "person=2"])
        #expect(r.status == 0, "\(r.stderr)")
        let expected = try RepositoryFiles.text(Self.job + "/expected-metrics.csv").split(separator: "\n").map(String.init)
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == expected.count)
        // Our CSV has one more column (dawidSkeneAccuracy, empty here); the rest is identical text.
        #expect(lines[0] == expected[0] + ",dawidSkeneAccuracy")
        for (a, e) in zip(lines.dropFirst(), expected.dropFirst()) { #expect(a == e + ",") }
    }

    @Test func tableAndDawidSkene() throws {
        let r = try CLIRunner.run(["accuracy", "--job", Self.job, "--gold", Self.golden, "--dawid-skene"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("20 objects, 60 answers, 9 workers"))
        #expect(r.stdout.contains("Dawid–Skene:"))
        #expect(r.stdout.contains("public.us-east-1.G6PE0W8TL2YN"))
    }

    @Test func objectLabelsFile() throws {
        let dir = try CLIRunner.scratchDirectory("qualkit-accuracy")
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("objects.csv").path
        let r = try CLIRunner.run(["accuracy", "--job", Self.job, "--object-labels", out])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(lines.count == 21)
        #expect(lines[0] == "object,consolidated,majority,dawid_skene")
        #expect(lines[1] == "0,animal,animal,")          // no Dawid–Skene: the job has consolidated labels
        #expect(lines[14] == "13,,plant,")               // the failed object has no consolidated label
        #expect(lines[15] == "14,person,animal,")        // a 1-1-1 tie: majority vote takes the first class
    }

    @Test func batchGrantsRoundTrip() throws {
        let dir = try CLIRunner.scratchDirectory("qualkit-accuracy")
        defer { try? FileManager.default.removeItem(at: dir) }
        let grants = dir.appendingPathComponent("grants.csv").path
        let objects = dir.appendingPathComponent("objects.csv").path
        let r = try CLIRunner.run(["accuracy", "--batch", Self.batch, "--gold", Self.batchGold, "--format", "json",
                                   "--min-gold-accuracy", "0.9", "--min-gold", "3", "--grants", grants, "--object-labels", objects])
        #expect(r.status == 0, "\(r.stderr)")
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect(doc["consolidation"] as? String == "majority-vote")
        let ds = try #require(doc["dawidSkene"] as? [String: Any])
        #expect(ds["converged"] as? Bool == true && (ds["iterations"] as? Int ?? 0) > 0)
        #expect(try String(contentsOfFile: grants, encoding: .utf8) == "worker,value\nA1K7QX2M4PZ8RT,100\nA2B3NV9L1WQ6HD,100\n")
        #expect(r.stderr.contains("left out 7"))
        #expect(r.stderr.contains("A3G6PE0W8TL2YN: no gold answers"))
        #expect(r.stderr.contains("A3T5RJ8C2YK0MA: too few gold answers (2, at least 3 needed)"))
        #expect(r.stderr.contains("A1H2DW6P9XN4LS: gold accuracy 0.25 is below 0.9"))
        let labels = try String(contentsOfFile: objects, encoding: .utf8).split(separator: "\n")
        #expect(labels[1] == "s00,,animal,animal")
        // GrantSelectionTests parses this same file with GrantList, the reader of `qualkit workers grant --from`.
    }

    @Test func groundTruthIdsAreLeftOutOfGrants() throws {
        let dir = try CLIRunner.scratchDirectory("qualkit-accuracy")
        defer { try? FileManager.default.removeItem(at: dir) }
        let grants = dir.appendingPathComponent("grants.csv").path
        let r = try CLIRunner.run(["accuracy", "--job", Self.job, "--gold", Self.golden, "--format", "csv",
                                   "--min-gold-accuracy", "0.9", "--min-gold", "3", "--grants", grants])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try String(contentsOfFile: grants, encoding: .utf8) == "worker,value\n")
        #expect(r.stderr.contains("public.us-east-1.K7QX2M4PZ8RT: not an MTurk worker ID"))
    }

    @Test func badDataExitsOneWithLocations() throws {
        let dir = try CLIRunner.scratchDirectory("qualkit-accuracy")
        defer { try? FileManager.default.removeItem(at: dir) }
        let folder = dir.appendingPathComponent("annotations/worker-response/iteration-1/0")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data("{\"answers\":[{\"workerId\":\"w\",\"answerContent\":{\"crowd-classifier\":{\"label\":\"a\"}}}]}".utf8)
            .write(to: folder.appendingPathComponent("t.json"))
        let gold = dir.appendingPathComponent("golden.manifest")
        try Data("{\"0\": \"a\"}\n{\"0\" \"b\"}\n".utf8).write(to: gold)
        let r = try CLIRunner.run(["accuracy", "--job", dir.path, "--gold", gold.path])
        #expect(r.status == 1)
        #expect(r.stdout.isEmpty)
        #expect(r.stderr.contains("\(gold.path):2: error: not valid JSON"))
        #expect(r.stderr.contains("hint:"))
    }

    @Test func usageAndIOErrorsExitTwo() throws {
        for args in [
            ["accuracy"],
            ["accuracy", "--job", Self.job, "--batch", Self.batch],
            ["accuracy", "--batch", Self.batch],
            ["accuracy", "--job", Self.job, "--weight", "person"],
            ["accuracy", "--job", Self.job, "--weight", "Person=2"],
            ["accuracy", "--job", Self.job, "--grants", "/tmp/x.csv"],
            ["accuracy", "--job", Self.job, "--gold", Self.golden, "--min-gold-accuracy", "90", "--grants", "/tmp/x.csv"],
            ["accuracy", "--job", "SampleForms/nope"],
            ["accuracy", "--job", Self.job, "--gold", "SampleForms/nope.manifest"],
            ["accuracy", "--batch", Self.batch, "--gold", Self.batchGold, "--answer-column", "Answer.nope"],
        ] {
            let r = try CLIRunner.run(args)
            #expect(r.status == 2, "\(args): \(r.status) \(r.stderr)")
            #expect(!r.stderr.isEmpty)
        }
    }
}

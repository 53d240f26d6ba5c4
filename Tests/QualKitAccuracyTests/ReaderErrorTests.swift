import Foundation
import Testing
@testable import QualKitAccuracy

/// Every reader problem names its file (and line) and says what to fix; nothing crashes.
struct ReaderErrorTests {
    func problems(_ job: TempJob, gold: String? = nil, dataset: String? = nil, output: String? = nil) -> [AccuracyError] {
        do {
            _ = try GroundTruthJob(jobDirectory: job.path, datasetManifest: dataset, outputManifest: output, goldFile: gold).read()
            Issue.record("expected problems")
            return []
        } catch {
            #expect(error is AccuracyProblems, "\(error)")
            return error.problems
        }
    }

    @Test func malformedWorkerResponse() throws {
        let job = try TempJob()
        try job.answers(0, [("w1", "a")])
        let bad = try job.write("annotations/worker-response/iteration-1/1/x.json", "{\"answers\":[{\"workerId\":\"w2\",")
        let p = problems(job)
        #expect(p.count == 1)
        #expect(p.first?.source == bad)
        #expect(p.first?.message.contains("not valid JSON") == true)
    }

    @Test(arguments: [
        ("{\"answers\":[{\"answerContent\":{\"crowd-classifier\":{\"label\":\"a\"}}}]}", "no workerId"),
        ("{\"answers\":[{\"workerId\":\"w\",\"answerContent\":{\"crowd-bounding-box\":{}}}]}", "has no \"crowd-classifier\""),
        ("{\"answers\":[{\"workerId\":\"w\",\"answerContent\":{\"crowd-classifier\":{}}}]}", "has no \"label\""),
        ("{\"answers\":{}}", "not an array"),
        ("{\"other\":1}", "no \"answers\""),
        ("[1,2]", "not valid JSON"),
        ("", "not valid JSON"),
    ])
    func wrongShapes(text: String, expected: String) throws {
        let job = try TempJob()
        try job.answers(0, [("w1", "a")])
        let path = try job.write("annotations/worker-response/iteration-1/3/x.json", text)
        let p = problems(job)
        #expect(p.count == 1)
        #expect(p.first?.source == path)
        #expect(p.first?.message.contains(expected) == true, "\(p)")
    }

    @Test func folderThatIsNotAnIndex() throws {
        let job = try TempJob()
        try job.answers(0, [("w1", "a")])
        try job.write("annotations/worker-response/iteration-1/seven/x.json", "{\"answers\":[]}")
        let p = problems(job)
        #expect(p.first?.source.hasSuffix("iteration-1/seven") == true)
        #expect(p.first?.message.contains("not an object index") == true)
    }

    @Test func indexOutsideTheDataset() throws {
        let job = try TempJob()
        try job.answers(0, [("w1", "a")])
        try job.answers(5, [("w1", "a")])
        try job.write("dataset.manifest", "{\"source\":\"a\"}\n{\"source\":\"b\"}\n")
        let p = problems(job)
        #expect(p.count == 1)
        #expect(p.first?.source.hasSuffix("iteration-1/5") == true)
        #expect(p.first?.message.contains("object index 5 is not in the job (the dataset manifest has 2 objects") == true)
    }

    @Test func strayHugeIndexWithoutDataset() throws {
        let job = try TempJob()
        try job.answers(0, [("w1", "a")])
        try job.answers(2_000_000_000, [("w1", "a")])
        let p = problems(job)
        #expect(p.count == 1)
        #expect(p.first?.message.contains("2000000000") == true)
        #expect(p.first?.hint.contains("--dataset") == true)
    }

    @Test func badManifestLines() throws {
        let job = try TempJob()
        try job.answers(0, [("w1", "a")])
        let dataset = try job.write("dataset.manifest", "{\"source\":\"a\"}\n\n{\"source\":\"b\"\n{\"source\":\"c\"}\n")
        let output = try job.write("out.manifest", "{\"x\":0,\"x-metadata\":{\"class-name\":\"a\"}}\nnot json\n")
        let p = problems(job, dataset: dataset, output: output)
        #expect(p.contains { $0.source == dataset && $0.line == 3 })
        #expect(p.contains { $0.source == output && $0.line == 2 })
    }

    @Test func outputManifestCountDiffersFromDataset() throws {
        let job = try TempJob()
        try job.answers(0, [("w1", "a")])
        try job.write("dataset.manifest", "{\"source\":\"a\"}\n{\"source\":\"b\"}\n")
        try job.write("manifests/output/output.manifest", "{\"x\":0,\"x-metadata\":{\"class-name\":\"a\"}}\n")
        let p = problems(job)
        #expect(p.first?.message.contains("1 objects, but the dataset manifest has 2") == true)
    }

    @Test func goldProblems() throws {
        let job = try TempJob()
        try job.answers(0, [("w1", "animal")])
        try job.answers(1, [("w1", "plant")])
        try job.write("dataset.manifest", "{\"source\":\"a\"}\n{\"source\":\"b\"}\n")
        // line 2: not an index; line 3: outside; line 4: label not a string; line 5: conflicting duplicate; line 6: bad JSON
        let gold = try job.write("golden.manifest", "{\"0\": \"animal\"}\n{\"zero\": \"animal\"}\n{\"9\": \"plant\"}\n{\"1\": 3}\n{\"0\": \"plant\"}\n{\"1\": \n")
        let p = problems(job, gold: gold)
        #expect(p.allSatisfy { $0.source == gold })
        #expect(Set(p.compactMap(\.line)) == [2, 3, 4, 5, 6])
        #expect(p.contains { $0.line == 5 && $0.message.contains("on line 1") })
    }

    @Test func goldLabelNobodyGave() throws {
        let job = try TempJob()
        try job.answers(0, [("w1", "animal")])
        let gold = try job.write("gold.csv", "index,label\n0,Animal\n")
        let p = problems(job, gold: gold)
        #expect(p.count == 1)
        #expect(p.first?.line == 2)
        #expect(p.first?.message.contains("\"Animal\"") == true)
        #expect(p.first?.hint.contains("\"animal\"") == true)
    }

    @Test func goldCSVWithoutHeaderAndWithBadRows() throws {
        let job = try TempJob()
        try job.answers(0, [("w1", "animal")])
        try job.answers(1, [("w1", "plant")])
        let good = try job.write("good.csv", "0,animal\r\n1,plant\r\n")
        let data = try GroundTruthJob(jobDirectory: job.path, goldFile: good).read()
        #expect(data.gold == [0, 1])
        let bad = try job.write("bad.csv", "0,animal\n1,plant,extra\n\"1,plant\n")
        let p = problems(job, gold: bad)
        #expect(p.contains { $0.line == 2 && $0.message.contains("3 columns") })
        #expect(p.contains { $0.line == 3 && $0.message.contains("never closed") })
    }

    @Test func missingFolderIsAnIOError() throws {
        #expect(throws: AccuracyIOError.self) { try GroundTruthJob(jobDirectory: "/nonexistent/job").read() }
        let job = try TempJob()
        #expect(throws: AccuracyIOError.self) { try GroundTruthJob(jobDirectory: job.path).read() }
        try job.answers(0, [("w1", "a")])
        #expect(throws: AccuracyIOError.self) { try GroundTruthJob(jobDirectory: job.path, goldFile: "/nonexistent/gold").read() }
    }

    @Test func batchProblems() throws {
        let job = try TempJob()
        let noWorker = try job.write("a.csv", "HITId,Input.id,Answer.label\nH,1,cat\n")
        do {
            _ = try BatchResults(resultsFile: noWorker, goldFile: nil).read()
            Issue.record("expected problems")
        } catch {
            #expect(error.problems.first?.line == 1)
            #expect(error.problems.first?.message.contains("WorkerId") == true)
        }
        let bad = try job.write("b.csv", "WorkerId,Input.id,Answer.label\nA1,1,cat\nA2,1\nA3,2,\n,2,dog\nA4,3,\"dog\n")
        let gold = try job.write("g.csv", "id,label\n1,cat\n9,dog\n")
        do {
            _ = try BatchResults(resultsFile: bad, goldFile: gold).read()
            Issue.record("expected problems")
        } catch {
            let p = error.problems
            #expect(p.contains { $0.source == bad && $0.line == 3 && $0.message.contains("2 fields") })
            #expect(p.contains { $0.source == bad && $0.line == 4 && $0.message.contains("empty Answer.label") })
            #expect(p.contains { $0.source == bad && $0.line == 5 && $0.message.contains("empty WorkerId") })
            #expect(p.contains { $0.source == bad && $0.line == 6 && $0.message.contains("never closed") })
            #expect(p.contains { $0.source == gold && $0.line == 3 && $0.message.contains("\"9\" is not in the batch") })
        }
    }

    @Test func byteNoiseNeverCrashes() throws {
        var generator = SystemRandomNumberGenerator()
        let base = Array("{\"answers\":[{\"workerId\":\"w\\u00e9\",\"answerContent\":{\"crowd-classifier\":{\"label\":\"a\"}}}]}".utf8)
        for _ in 0..<300 {
            var bytes = base
            for _ in 0..<3 { bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator) }
            var c = ResponseCollector()
            _ = bytes.withUnsafeBytes { raw in Result { () throws(AccuracyError) in try c.addWorkerResponse(raw, objectIndex: 0, source: "x") } }
            #expect(c.count <= 1)
            _ = try? Manifests.consolidatedLabels(bytes, source: "x")
            _ = try? Manifests.goldPairs(bytes, source: "x") { _, _ in false }
        }
    }
}

import Foundation
import Testing
import QualKitTestSupport
@testable import QualKitAccuracy

struct SampleJobTests {
    @Test func matchesHandComputedMetrics() throws {
        let report = try Sample.report()
        #expect(report.objectNames.count == 20)
        #expect(report.responses == 60)
        #expect(report.classes == ["animal", "person", "plant"])
        #expect(report.consolidation == .outputManifest)
        let expected = try readSimpleCSV(Sample.job + "/expected-metrics.csv")
        #expect(expected.count == 9)
        #expect(report.workers.map(\.workerId) == expected.map { $0["workerId"]! })
        func same(_ x: Double?, _ text: String?, _ what: String, _ w: String) {
            let e = text.flatMap { $0.isEmpty ? nil : Double($0) }
            switch (x, e) {
            case (nil, nil): break
            case let (a?, b?): #expect(abs(a - b) < 1e-6, "\(w) \(what): \(a) vs \(b)")
            default: Issue.record("\(w) \(what): \(String(describing: x)) vs \(String(describing: text))")
            }
        }
        for (w, e) in zip(report.workers, expected) {
            #expect(w.responses == Int(e["responses"]!))
            #expect(w.objects == Int(e["objects"]!))
            #expect(w.goldResponses == Int(e["goldResponses"]!))
            same(w.goldAccuracy, e["goldAccuracy"], "gold", w.workerId)
            same(w.goldInterval?.lowerBound, e["goldIntervalLow"], "gold low", w.workerId)
            same(w.goldInterval?.upperBound, e["goldIntervalHigh"], "gold high", w.workerId)
            same(w.consolidatedAccuracy, e["consolidatedAccuracy"], "consolidated", w.workerId)
            same(w.consolidatedInterval?.lowerBound, e["consolidatedIntervalLow"], "consolidated low", w.workerId)
            same(w.consolidatedInterval?.upperBound, e["consolidatedIntervalHigh"], "consolidated high", w.workerId)
            same(w.weightedGoldAccuracy, e["weightedGoldAccuracy"], "weighted", w.workerId)
        }
    }

    @Test func absentNotZero() throws {
        let report = try Sample.report()
        let noGold = try #require(report.workers.first { $0.workerId == "public.us-east-1.G6PE0W8TL2YN" })
        #expect(noGold.goldResponses == 0)
        #expect(noGold.goldAccuracy == nil)
        #expect(noGold.goldInterval == nil)
        #expect(noGold.weightedGoldAccuracy == nil)
        #expect(noGold.consolidatedAccuracy != nil)

        // A worker who saw gold and got all of it wrong has 0, not absent.
        let job = try TempJob()
        try job.answers(0, [("w1", "a"), ("w2", "b")])
        try job.answers(1, [("w1", "a"), ("w2", "a")])
        try job.write("golden.manifest", "{\"0\": \"b\"}\n")
        let data = try GroundTruthJob(jobDirectory: job.path, goldFile: job.path + "/golden.manifest").read()
        let r = try AccuracyReport(data)
        #expect(r.workers[0].goldAccuracy == 0)
        #expect(r.workers[0].goldInterval != nil)
        #expect(r.workers[1].goldAccuracy == 1)
    }

    @Test func weights() throws {
        // H2DW…: gold answers on 0 (animal, wrong), 3 (person, wrong), 6 (animal, wrong), 19 (plant, right).
        let report = try Sample.report(weights: ["person": 2])
        let w = try #require(report.workers.first { $0.workerId == "public.us-east-1.H2DW6P9XN4LS" })
        #expect(w.goldAccuracy == 0.25)
        #expect(abs(w.weightedGoldAccuracy! - 1.0 / 5.0) < 1e-12)
        let heavyPlant = try Sample.report(weights: ["plant": 3, "animal": 0])
        let h = try #require(heavyPlant.workers.first { $0.workerId == "public.us-east-1.H2DW6P9XN4LS" })
        #expect(abs(h.weightedGoldAccuracy! - 3.0 / 4.0) < 1e-12)
        // All weights 0 for the classes a worker met: absent.
        let zero = try Sample.report(weights: ["plant": 0, "animal": 0, "person": 0])
        #expect(zero.workers.allSatisfy { $0.weightedGoldAccuracy == nil })
        #expect(throws: UnknownClassError.self) { try Sample.report(weights: ["Person": 2]) }
    }

    @Test func confusionTables() throws {
        let report = try Sample.report()
        let w = try #require(report.workers.first { $0.workerId == "public.us-east-1.H2DW6P9XN4LS" })
        let gold = report.confusionTable(w.goldConfusion)
        #expect(gold == ["animal": ["plant": 2], "person": ["plant": 1], "plant": ["plant": 1]])
        #expect(w.consolidatedConfusion.reduce(0, +) == w.consolidatedResponses)
    }

    @Test func majorityVoteTiesGoToTheFirstClass() throws {
        // Objects 14 and 16 have one vote for each class; the output manifest says person for both.
        let report = try Sample.report()
        #expect(report.majority[14] == 0 && report.classes[0] == "animal")
        #expect(report.majority[16] == 0)
        #expect(report.manifestLabels?[14] == 1)
        #expect(report.manifestLabels?[13] == -1)   // the failed object
        #expect(report.majority[0] == 0)            // two animal, one plant
    }

    @Test func failedObjectIsLeftOutOfConsolidatedAccuracy() throws {
        let report = try Sample.report()
        let m = try #require(report.workers.first { $0.workerId == "public.us-east-1.M4YT1R5GJ7WC" })
        #expect(m.responses == 5)
        #expect(m.consolidatedResponses == 4)
    }

    @Test func withoutOutputManifestMajorityVoteAndDawidSkene() throws {
        let job = try TempJob()
        let src = Sample.job + "/annotations"
        try FileManager.default.copyItem(atPath: src, toPath: job.path + "/annotations")
        let data = try GroundTruthJob(jobDirectory: job.path, goldFile: Sample.golden).read()
        #expect(data.consolidated == nil)
        #expect(data.objectCount == 20)   // max index seen + 1
        let r = try AccuracyReport(data)
        #expect(r.consolidation == .majorityVote)
        #expect(r.dawidSkeneLabels != nil)
        #expect(r.workers.allSatisfy { $0.dawidSkeneAccuracy != nil })
    }

    @Test func bothLayoutsGiveTheSameMetrics() throws {
        let pairs: [[(String, String)]] = [
            [("w1", "a"), ("w2", "a"), ("w3", "b")],
            [("w1", "b"), ("w2", "b"), ("w3", "b")],
            [("w1", "a"), ("w2", "b"), ("w3", "a")],
        ]
        var reports: [AccuracyReport] = []
        for split in [false, true] {
            let job = try TempJob()
            for (i, p) in pairs.enumerated() { try job.answers(i, p, split: split) }
            try job.write("golden.manifest", "{\"0\": \"a\", \"2\": \"a\"}\n")
            let data = try GroundTruthJob(jobDirectory: job.path, goldFile: job.path + "/golden.manifest").read()
            reports.append(try AccuracyReport(data))
        }
        #expect(reports[0].workers == reports[1].workers)
        #expect(reports[0].responses == 9)
        #expect(reports[0].workers.map(\.goldAccuracy) == [1, 0.5, 0.5])
    }

    @Test func iterationsAndThreadsDoNotChangeTheResult() throws {
        let job = try TempJob()
        for i in 0..<600 {
            try job.answers(i, [("w\(i % 7)", i % 3 == 0 ? "x" : "y"), ("w\((i + 1) % 7)", "y")], iteration: 1 + i % 3)
        }
        var one = GroundTruthJob(jobDirectory: job.path)
        one.threads = 1
        var many = GroundTruthJob(jobDirectory: job.path)
        many.threads = 4
        let a = try AccuracyReport(one.read()), b = try AccuracyReport(many.read())
        #expect(a.responses == 1200)
        #expect(a.workers == b.workers)
        #expect(a.majority == b.majority)
    }

    @Test func batchSampleMatchesTheJobOnGold() throws {
        let batch = try BatchResults(resultsFile: Sample.batch, goldFile: Sample.batchGold).read()
        #expect(batch.objectCount == 20)
        #expect(batch.responseCount == 60)
        let b = try AccuracyReport(batch, weights: ["person": 2])
        let g = try Sample.report()
        // Same answers under MTurk worker ids (A + the suffix of the Ground Truth id, sorted the same way).
        let byGT = Dictionary(uniqueKeysWithValues: g.workers.map { (String($0.workerId.split(separator: ".").last!), $0) })
        for w in b.workers {
            let twin = try #require(byGT[String(w.workerId.dropFirst(2))])
            #expect(w.goldResponses == twin.goldResponses)
            #expect(w.goldAccuracy == twin.goldAccuracy)
            #expect(w.weightedGoldAccuracy == twin.weightedGoldAccuracy)
            #expect(w.responses == twin.responses)
        }
        #expect(b.consolidation == .majorityVote)
    }

    @Test func batchColumns() throws {
        let job = try TempJob()
        let path = try job.write("b.csv", "WorkerId,Input.a,Input.b,Answer.x,Answer.y\nA1,i1,j1,cat,1\nA2,i1,j1,dog,2\n")
        try job.write("g.csv", "i1,cat\n")
        #expect(throws: BatchResults.ColumnError.self) { try BatchResults(resultsFile: path, goldFile: job.path + "/g.csv").read() }
        #expect(throws: BatchResults.ColumnError.self) {
            try BatchResults(resultsFile: path, goldFile: job.path + "/g.csv", itemColumn: "Input.a").read()
        }
        let d = try BatchResults(resultsFile: path, goldFile: job.path + "/g.csv", itemColumn: "Input.a", answerColumn: "x").read()
        #expect(d.classes == ["cat", "dog"])
        #expect(d.gold == [0])
    }
}

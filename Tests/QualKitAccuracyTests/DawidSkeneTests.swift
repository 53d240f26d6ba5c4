import QualKitTestSupport
import Testing
@testable import QualKitAccuracy

struct DawidSkeneTests {
    /// 600 objects, 3 classes with unequal priors; 6 honest workers (75%), 2 adversaries who always answer the
    /// "next" class, 1 spammer who always answers "c"; 5 answers per object from a random 5 of the 9.
    static func syntheticJob() throws -> (LabelData, truth: [Int32]) {
        var rng = SeededRandom(seed: 42)
        let classes = ["a", "b", "c"]
        var collector = ResponseCollector()
        var truth: [Int32] = []
        for o in 0..<600 {
            let r = Double.random(in: 0..<1, using: &rng)
            let t = r < 0.5 ? 0 : r < 0.8 ? 1 : 2
            truth.append(Int32(t))
            var workers = Array(0..<9)
            workers.shuffle(using: &rng)
            for w in workers.prefix(5) {
                let label: Int
                switch w {
                case 0..<6:
                    label = Double.random(in: 0..<1, using: &rng) < 0.75 ? t : (t + Int.random(in: 1...2, using: &rng)) % 3
                case 6, 7: label = (t + 1) % 3
                default: label = 2
                }
                collector.add(object: o, worker: "w\(w)", label: classes[label])
            }
        }
        let data = try LabelData(source: "synthetic", responses: collector, objectNames: (0..<600).map(String.init),
                                 gold: [], consolidated: nil)
        return (data, truth)
    }

    @Test func recoversTheTruthDespiteAdversaries() throws {
        let (data, truth) = try Self.syntheticJob()
        let ds = DawidSkene().run(data)
        #expect(ds.converged)
        #expect(ds.iterations < 100)
        let dsRight = zip(ds.labels, truth).filter { $0 == $1 }.count
        let mvRight = zip(MajorityVote.labels(data), truth).filter { $0 == $1 }.count
        #expect(Double(dsRight) / 600 > 0.95, "DS \(dsRight)/600")
        #expect(dsRight > mvRight, "DS \(dsRight) vs MV \(mvRight)")
        // Honest workers look good, adversaries and the spammer do not.
        let accuracy = Dictionary(uniqueKeysWithValues: zip(data.workers, ds.workerAccuracy.map { $0! }))
        for w in 0..<6 { #expect(accuracy["w\(w)"]! > 0.65 && accuracy["w\(w)"]! < 0.85, "w\(w) \(accuracy["w\(w)"]!)") }
        for w in 6..<9 { #expect(accuracy["w\(w)"]! < 0.3, "w\(w) \(accuracy["w\(w)"]!)") }
        // Priors close to 0.5 / 0.3 / 0.2.
        #expect(abs(ds.priors[0] - 0.5) < 0.06 && abs(ds.priors[1] - 0.3) < 0.06 && abs(ds.priors[2] - 0.2) < 0.06)
        // Confusion rows are distributions.
        let k = 3
        for w in 0..<data.workers.count {
            for j in 0..<k {
                let s = (0..<k).reduce(0.0) { $0 + ds.confusion[w * k * k + j * k + $1] }
                #expect(abs(s - 1) < 1e-9)
            }
        }
    }

    @Test func emptyRowsAndSingleClassDoNotDivideByZero() throws {
        var collector = ResponseCollector()
        collector.add(object: 0, worker: "w1", label: "x")
        collector.add(object: 1, worker: "w2", label: "x")
        let data = try LabelData(source: "t", responses: collector, objectNames: ["0", "1", "2"], gold: [], consolidated: nil)
        let ds = DawidSkene().run(data)
        #expect(ds.labels == [0, 0, -1])
        #expect(ds.posteriors.allSatisfy { $0.isFinite })
        #expect(ds.workerAccuracy.allSatisfy { $0 != nil && $0!.isFinite })
    }

    @Test func reportRunsItOnRequestOrWithoutConsolidation() throws {
        let withManifest = try Sample.report()
        #expect(withManifest.dawidSkeneLabels == nil)
        #expect(withManifest.workers.allSatisfy { $0.dawidSkeneAccuracy == nil })
        let asked = try Sample.report(dawidSkene: true)
        let labels = try #require(asked.dawidSkeneLabels)
        #expect(asked.dawidSkeneConverged == true)
        // On the sample, DS agrees with the gold on every gold object.
        let data = try GroundTruthJob(jobDirectory: Sample.job, goldFile: Sample.golden).read()
        for o in 0..<data.objectCount where data.gold[o] >= 0 { #expect(labels[o] == data.gold[o], "object \(o)") }
        // The weak H2DW… worker is estimated below every other worker.
        let weak = asked.workers.first { $0.workerId == "public.us-east-1.H2DW6P9XN4LS" }!.dawidSkeneAccuracy!
        #expect(asked.workers.filter { $0.workerId != "public.us-east-1.H2DW6P9XN4LS" }.allSatisfy { $0.dawidSkeneAccuracy! > weak })
    }
}

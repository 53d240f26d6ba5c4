/// One worker's measures.
public struct WorkerAccuracy: Sendable, Hashable {
    public var workerId: String
    /// Answers given (the notebook's "Total Number Of Objects Annotated").
    public var responses: Int
    /// Distinct objects answered.
    public var objects: Int
    /// Answers on objects with a gold label.
    public var goldResponses: Int
    public var goldCorrect: Int
    /// goldCorrect / goldResponses; nil (absent, not 0) when the worker answered no gold object.
    public var goldAccuracy: Double?
    public var goldInterval: ClosedRange<Double>?
    /// Answers on objects with a consolidated label (failed objects of an output manifest are left out).
    public var consolidatedResponses: Int
    public var consolidatedCorrect: Int
    public var consolidatedAccuracy: Double?
    public var consolidatedInterval: ClosedRange<Double>?
    /// Σ w(gold class)·correct / Σ w(gold class) over the gold answers (weights default to 1); nil without gold
    /// answers or when their weights sum to 0.
    public var weightedGoldAccuracy: Double?
    /// The expected share of right answers under Dawid–Skene; nil when it did not run.
    public var dawidSkeneAccuracy: Double?
    /// k × k, row-major: gold class (row) × the worker's label (column).
    public var goldConfusion: [Int]
    /// k × k, row-major: consolidated class (row) × the worker's label (column).
    public var consolidatedConfusion: [Int]
}

/// How the consolidated label was obtained.
public enum Consolidation: String, Sendable {
    case outputManifest = "output-manifest"
    case majorityVote = "majority-vote"
}

/// A class named in the weights that no answer, gold or consolidated label has (a usage problem).
public struct UnknownClassError: Error, Sendable, CustomStringConvertible {
    public var name: String
    public var classes: [String]
    public var description: String {
        "--weight names class \"\(name)\", which is not a label of this job (classes: \(classes.joined(separator: ", ")))"
    }
}

/// Every measure of a job or batch: per worker, per object, and the run of Dawid–Skene.
public struct AccuracyReport: Sendable {
    public var source: String
    public var classes: [String]
    public var objectNames: [String]
    public var responses: Int
    public var consolidation: Consolidation
    /// Workers sorted by id.
    public var workers: [WorkerAccuracy]
    /// Per object: the consolidated class used (output manifest or majority vote), -1 when none.
    public var consolidated: [Int32]
    /// Per object: the output manifest's class, when there was one.
    public var manifestLabels: [Int32]?
    /// Per object: majority vote (-1 for objects nobody answered).
    public var majority: [Int32]
    /// Per object: Dawid–Skene's class, when it ran.
    public var dawidSkeneLabels: [Int32]?
    public var dawidSkeneIterations: Int?
    public var dawidSkeneConverged: Bool?

    /// Computes every measure.
    ///
    /// - Parameters:
    ///   - data: The answers, gold and consolidated labels.
    ///   - weights: Per-class weights for the weighted gold accuracy (classes not named weigh 1).
    ///   - dawidSkene: Run Dawid–Skene even though the job has consolidated labels (it always runs without).
    ///   - model: Dawid–Skene's settings.
    public init(_ data: LabelData, weights: [String: Double] = [:], dawidSkene: Bool = false,
                model: DawidSkene = DawidSkene()) throws(UnknownClassError) {
        let k = data.classes.count
        var classWeight = [Double](repeating: 1, count: k)
        for (name, w) in weights {
            guard let c = data.classNumber(name) else { throw UnknownClassError(name: name, classes: data.classes) }
            classWeight[c] = w
        }
        let majority = MajorityVote.labels(data)
        let consolidated = data.consolidated ?? majority
        self.source = data.source
        self.classes = data.classes
        self.objectNames = data.objectNames
        self.responses = data.responseCount
        self.consolidation = data.consolidated == nil ? .majorityVote : .outputManifest
        self.consolidated = consolidated
        self.manifestLabels = data.consolidated
        self.majority = majority
        var dsAccuracy: [Double?]? = nil
        if dawidSkene || data.consolidated == nil {
            let ds = model.run(data)
            dawidSkeneLabels = ds.labels
            dawidSkeneIterations = ds.iterations
            dawidSkeneConverged = ds.converged
            dsAccuracy = ds.workerAccuracy
        }

        let m = data.workers.count
        var responses = [Int](repeating: 0, count: m)
        var goldN = [Int](repeating: 0, count: m), goldOK = [Int](repeating: 0, count: m)
        var consN = [Int](repeating: 0, count: m), consOK = [Int](repeating: 0, count: m)
        var weightSum = [Double](repeating: 0, count: m), weightOK = [Double](repeating: 0, count: m)
        var goldConfusion = [Int](repeating: 0, count: m * k * k)
        var consConfusion = [Int](repeating: 0, count: m * k * k)
        for r in 0..<data.responseCount {
            let w = Int(data.responseWorker[r]), o = Int(data.responseObject[r]), l = Int(data.responseLabel[r])
            responses[w] += 1
            let g = Int(data.gold[o])
            if g >= 0 {
                goldN[w] += 1
                weightSum[w] += classWeight[g]
                if g == l {
                    goldOK[w] += 1
                    weightOK[w] += classWeight[g]
                }
                goldConfusion[w * k * k + g * k + l] += 1
            }
            let c = Int(consolidated[o])
            if c >= 0 {
                consN[w] += 1
                if c == l { consOK[w] += 1 }
                consConfusion[w * k * k + c * k + l] += 1
            }
        }
        // Distinct objects per worker: responses grouped by object (counting sort), a stamp per worker.
        var start = [Int](repeating: 0, count: data.objectCount + 1)
        for r in 0..<data.responseCount { start[Int(data.responseObject[r]) + 1] += 1 }
        for o in 0..<data.objectCount { start[o + 1] += start[o] }
        var order = [Int32](repeating: 0, count: data.responseCount)
        var fill = start
        for r in 0..<data.responseCount {
            let o = Int(data.responseObject[r])
            order[fill[o]] = data.responseWorker[r]
            fill[o] += 1
        }
        var stamp = [Int](repeating: -1, count: m)
        var distinct = [Int](repeating: 0, count: m)
        for o in 0..<data.objectCount {
            for i in start[o]..<start[o + 1] {
                let w = Int(order[i])
                if stamp[w] != o {
                    stamp[w] = o
                    distinct[w] += 1
                }
            }
        }
        func ratio(_ a: Int, _ b: Int) -> Double? { b > 0 ? Double(a) / Double(b) : nil }
        func interval(_ a: Int, _ b: Int) -> ClosedRange<Double>? {
            Wilson.interval(successes: Double(a), trials: Double(b)).map { $0.low...$0.high }
        }
        workers = (0..<m).map { w in
            WorkerAccuracy(
                workerId: data.workers[w], responses: responses[w], objects: distinct[w],
                goldResponses: goldN[w], goldCorrect: goldOK[w],
                goldAccuracy: ratio(goldOK[w], goldN[w]), goldInterval: interval(goldOK[w], goldN[w]),
                consolidatedResponses: consN[w], consolidatedCorrect: consOK[w],
                consolidatedAccuracy: ratio(consOK[w], consN[w]), consolidatedInterval: interval(consOK[w], consN[w]),
                weightedGoldAccuracy: goldN[w] > 0 && weightSum[w] > 0 ? weightOK[w] / weightSum[w] : nil,
                dawidSkeneAccuracy: dsAccuracy?[w] ?? nil,
                goldConfusion: Array(goldConfusion[(w * k * k)..<((w + 1) * k * k)]),
                consolidatedConfusion: Array(consConfusion[(w * k * k)..<((w + 1) * k * k)]))
        }
    }

    /// A worker's confusion table as nested dictionaries (row class → answered label → count), non-zero cells only.
    public func confusionTable(_ cells: [Int]) -> [String: [String: Int]] {
        let k = classes.count
        var out: [String: [String: Int]] = [:]
        for row in 0..<k {
            for col in 0..<k where cells[row * k + col] > 0 {
                out[classes[row], default: [:]][classes[col]] = cells[row * k + col]
            }
        }
        return out
    }
}

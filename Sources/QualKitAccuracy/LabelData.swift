/// A gold label read from a file: the object (by number), the label, and where it was written.
public struct GoldLabel: Sendable, Hashable {
    public var object: Int
    public var label: String
    public var source: String
    public var line: Int

    public init(object: Int, label: String, source: String, line: Int) {
        self.object = object
        self.label = label
        self.source = source
        self.line = line
    }
}

/// Every answer of a job, with workers and classes sorted by name and turned into small integers, plus the gold
/// and consolidated label of each object where known. Built once; all metrics are computed from it.
public struct LabelData: Sendable {
    /// Where the answers came from (the job folder or the batch file), for reports.
    public let source: String
    /// Class names, sorted. Every label seen in an answer, the gold or the consolidated labels.
    public let classes: [String]
    /// Worker ids, sorted.
    public let workers: [String]
    /// Object names (the dataset line index for Ground Truth, the item key for an MTurk batch), by object number.
    public let objectNames: [String]
    /// One entry per answer: object number, worker number, class number.
    public let responseObject: [Int32]
    public let responseWorker: [Int32]
    public let responseLabel: [Int32]
    /// Per object: the gold class number, or -1.
    public let gold: [Int32]
    /// Per object: the consolidated class number from the job's output, or -1 (a failed object);
    /// nil when the job gave no consolidated labels at all.
    public let consolidated: [Int32]?

    /// Number of objects.
    public var objectCount: Int { objectNames.count }
    /// Number of answers.
    public var responseCount: Int { responseObject.count }
    /// Number of objects with a gold label.
    public var goldCount: Int { gold.reduce(0) { $0 + ($1 >= 0 ? 1 : 0) } }

    /// Builds the data from collected answers.
    ///
    /// - Parameters:
    ///   - source: A name for the answers (job folder or batch file).
    ///   - responses: The answers; their object numbers must be below `objectNames.count` (readers check it).
    ///   - objectNames: One name per object (`"0"`, `"1"`, … for a Ground Truth dataset).
    ///   - gold: Gold labels (objects inside `objectNames`; readers check it).
    ///   - consolidated: Consolidated labels by object number (nil for objects without one), or nil.
    /// - Throws: ``AccuracyProblems`` when a gold label names a class nobody answered and no consolidated
    ///   label has (a typo such as `Animal` for `animal` would otherwise count every answer wrong).
    public init(source: String, responses: ResponseCollector, objectNames: [String], gold: [GoldLabel],
                consolidated: [String?]?) throws(AccuracyProblems) {
        let n = objectNames.count
        var seen = Set(responses.labelNames)
        if let consolidated { for case let c? in consolidated { seen.insert(c) } }
        var problems: [AccuracyError] = []
        for g in gold where !seen.contains(g.label) {
            let known = seen.sorted().prefix(12).map { "\"\($0)\"" }.joined(separator: ", ")
            problems.append(AccuracyError(
                source: g.source, line: g.line,
                message: "gold label \"\(g.label)\" (object \(objectNames[g.object])) is not a label any worker gave",
                hint: "labels are compared exactly (case too); the labels seen are \(known.isEmpty ? "none" : known)"))
        }
        if !problems.isEmpty { throw AccuracyProblems(problems) }
        let classes = seen.sorted()
        var classNumber: [String: Int32] = [:]
        for (i, c) in classes.enumerated() { classNumber[c] = Int32(i) }
        let labelMap = responses.labelNames.map { classNumber[$0]! }
        let workers = responses.workerNames.sorted()
        var workerNumber: [String: Int32] = [:]
        for (i, w) in workers.enumerated() { workerNumber[w] = Int32(i) }
        let workerMap = responses.workerNames.map { workerNumber[$0]! }

        self.source = source
        self.classes = classes
        self.workers = workers
        self.objectNames = objectNames
        self.responseObject = responses.objects
        self.responseWorker = responses.workers.map { workerMap[Int($0)] }
        self.responseLabel = responses.labels.map { labelMap[Int($0)] }
        var g = [Int32](repeating: -1, count: n)
        for entry in gold { g[entry.object] = classNumber[entry.label]! }
        self.gold = g
        self.consolidated = consolidated.map { list in list.map { $0.map { classNumber[$0]! } ?? -1 } }
    }

    /// The number of a class name, if it occurs.
    public func classNumber(_ name: String) -> Int? { classes.firstIndex(of: name) }
}

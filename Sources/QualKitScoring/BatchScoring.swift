public import QualKit

/// One unit of input for batch scoring.
public enum AttemptInput: Sendable {
    /// A JSON value cut from a stream (one record, a response page, or an array), decoded on a worker.
    case json(JSONItem, input: String)
    /// A QuestionFormAnswers document read from a file.
    case xml(bytes: [UInt8], source: AttemptSource)
    /// An attempt that failed before scoring (an unreadable file, a broken JSON stream).
    case failed(AttemptSource, AttemptFailure)
}

/// The result for one attempt.
public struct AttemptResult: Sendable {
    public var source: AttemptSource
    public var outcome: AttemptOutcome
    /// The outcome under the comparison key (`--compare-key`), when one was given.
    public var previous: AttemptOutcome?
}

/// Scores chunks of ``AttemptInput`` on worker threads; pairs with ``OrderedParallelMap``.
public struct BatchScorer: Sendable {
    public let key: ScoringKey
    public let compareKey: ScoringKey?
    public let detail: ScoreDetail
    public let limits: XMLLimits

    public init(key: ScoringKey, compareKey: ScoringKey? = nil, detail: ScoreDetail = .value, limits: XMLLimits = .answers) {
        self.key = key
        self.compareKey = compareKey
        self.detail = detail
        self.limits = limits
    }

    /// Per-thread state: the scorers with their parsers and buffers.
    public final class Worker {
        let scorer: AttemptScorer
        let compare: AttemptScorer?
        /// Where an Answer written with JSON escapes is unescaped, reused for every record.
        var scratch: [UInt8] = []

        init(_ batch: BatchScorer) {
            scorer = AttemptScorer(key: batch.key, detail: batch.detail, limits: batch.limits)
            compare = batch.compareKey.map { AttemptScorer(key: $0, detail: .value, limits: batch.limits) }
        }

        func score(_ bytes: UnsafeRawBufferPointer, fromJSON: Bool, source: AttemptSource) -> AttemptResult {
            let file = fromJSON ? nil : source.input
            let outcome = scorer.score(xml: bytes, forceUTF8: fromJSON, file: file)
            let previous = compare.map { $0.score(xml: bytes, forceUTF8: fromJSON, file: file) }
            return AttemptResult(source: source, outcome: outcome, previous: previous)
        }
    }

    public func makeWorker() -> Worker { Worker(self) }

    /// Scores a chunk in order.
    ///
    /// Static, and the closures inside capture only the worker: a copy of the batch (its keys' tables) per
    /// record would cost a retain and release of every table.
    public func process(_ chunk: [AttemptInput], worker: Worker) -> [AttemptResult] {
        Self.process(chunk, worker: worker)
    }

    private static func process(_ chunk: [AttemptInput], worker: Worker) -> [AttemptResult] {
        var out: [AttemptResult] = []
        out.reserveCapacity(chunk.count)
        for input in chunk {
            switch input {
            case .failed(let source, let failure):
                out.append(AttemptResult(source: source, outcome: .failed(failure), previous: nil))
            case .xml(let bytes, let source):
                bytes.withUnsafeBytes { out.append(worker.score($0, fromJSON: false, source: source)) }
            case .json(let item, let name):
                if let error = item.error {
                    out.append(AttemptResult(source: AttemptSource(input: name, line: item.line), outcome: .failed(error)))
                    continue
                }
                item.bytes.withUnsafeBytes { text in
                    RecordDecoder.decode(text, input: name, line: item.line, scratch: &worker.scratch) { record in
                        if let failure = record.failure {
                            out.append(AttemptResult(source: record.source, outcome: .failed(failure)))
                        } else {
                            out.append(worker.score(record.answer, fromJSON: true, source: record.source))
                        }
                    }
                }
            }
        }
        return out
    }
}

/// A qualification comparator, as a HIT's QualificationRequirement uses it.
public enum ValueComparator: String, Sendable, Hashable, Codable, CaseIterable {
    case lessThan = "LessThan"
    case lessThanOrEqualTo = "LessThanOrEqualTo"
    case greaterThan = "GreaterThan"
    case greaterThanOrEqualTo = "GreaterThanOrEqualTo"
    case equalTo = "EqualTo"
    case notEqualTo = "NotEqualTo"

    public func holds(_ value: Int32, _ threshold: Int32) -> Bool {
        switch self {
        case .lessThan: value < threshold
        case .lessThanOrEqualTo: value <= threshold
        case .greaterThan: value > threshold
        case .greaterThanOrEqualTo: value >= threshold
        case .equalTo: value == threshold
        case .notEqualTo: value != threshold
        }
    }

    public var symbol: String {
        switch self {
        case .lessThan: "<"
        case .lessThanOrEqualTo: "<="
        case .greaterThan: ">"
        case .greaterThanOrEqualTo: ">="
        case .equalTo: "=="
        case .notEqualTo: "!="
        }
    }
}

/// A pass rule: comparator and value, e.g. `GreaterThanOrEqualTo 80`, written `>=80`, `80` (≥) or
/// `GreaterThanOrEqualTo:80`.
public struct PassRule: Sendable, Hashable, Codable, CustomStringConvertible {
    public var comparator: ValueComparator
    public var value: Int32

    public init(comparator: ValueComparator, value: Int32) {
        self.comparator = comparator
        self.value = value
    }

    public init?(parsing text: String) {
        let t = text.filter { $0 != " " }
        for c in ValueComparator.allCases {
            if t.hasPrefix(c.rawValue + ":"), let v = Int32(t.dropFirst(c.rawValue.count + 1)) {
                self.init(comparator: c, value: v)
                return
            }
        }
        for (prefix, c) in [(">=", ValueComparator.greaterThanOrEqualTo), ("<=", .lessThanOrEqualTo), ("==", .equalTo),
                            ("!=", .notEqualTo), (">", .greaterThan), ("<", .lessThan), ("=", .equalTo)] {
            if t.hasPrefix(prefix), let v = Int32(t.dropFirst(prefix.count)) {
                self.init(comparator: c, value: v)
                return
            }
        }
        guard let v = Int32(t) else { return nil }
        self.init(comparator: .greaterThanOrEqualTo, value: v)
    }

    public func passes(_ value: Int32) -> Bool { comparator.holds(value, self.value) }

    public var description: String { "\(comparator.rawValue) \(value)" }
}

/// Totals over a run: attempts, failures, the value distribution and the pass rate.
public struct ScoreSummary: Sendable, Codable {
    public var attempts = 0
    public var scored = 0
    public var failed = 0
    /// Scored attempts per qualification value.
    public var valueCounts: [Int32: Int] = [:]
    public var passRule: PassRule?
    public var passed = 0
    public var minimumValue: Int32?
    public var maximumValue: Int32?
    private var valueTotal: Int64 = 0

    public init(passRule: PassRule? = nil) { self.passRule = passRule }

    public mutating func add(_ outcome: AttemptOutcome) {
        attempts += 1
        switch outcome {
        case .failed: failed += 1
        case .scored(let s):
            scored += 1
            valueCounts[s.value, default: 0] += 1
            valueTotal += Int64(s.value)
            minimumValue = min(minimumValue ?? s.value, s.value)
            maximumValue = max(maximumValue ?? s.value, s.value)
            if let passRule, passRule.passes(s.value) { passed += 1 }
        }
    }

    public var meanValue: Double? { scored == 0 ? nil : Double(valueTotal) / Double(scored) }

    /// Passed ÷ scored (failed attempts are not counted), when a rule was given.
    public var passRate: Double? { passRule == nil || scored == 0 ? nil : Double(passed) / Double(scored) }

    /// The distribution as at most `maxBars` bars: each a value range and a count.
    public func histogram(maxBars: Int = 20) -> [(low: Int32, high: Int32, count: Int)] {
        guard let lo = minimumValue, let hi = maximumValue else { return [] }
        let span = Int64(hi) - Int64(lo) + 1
        if valueCounts.count <= maxBars {
            return valueCounts.keys.sorted().map { ($0, $0, valueCounts[$0]!) }
        }
        let width = (span + Int64(maxBars) - 1) / Int64(maxBars)
        var bars: [(low: Int32, high: Int32, count: Int)] = []
        var start = Int64(lo)
        while start <= Int64(hi) {
            let end = min(start + width - 1, Int64(hi))
            bars.append((Int32(start), Int32(end), 0))
            start = end + 1
        }
        for (v, c) in valueCounts { bars[Int((Int64(v) - Int64(lo)) / width)].count += c }
        return bars
    }

    enum CodingKeys: String, CodingKey {
        case attempts, scored, failed, valueCounts, passRule, passed, minimumValue, maximumValue, valueTotal
    }
}

/// Attempts whose value differs between an old and a new key (`--compare-key`).
public struct KeyComparison: Sendable {
    public struct Change: Sendable, Hashable {
        public var source: AttemptSource
        public var oldValue: Int32?
        public var newValue: Int32?
        public var oldSum: Int64?
        public var newSum: Int64?
    }

    /// Attempts whose value changed (the changes themselves are returned by ``add(_:)``, not kept).
    public var changed = 0
    public var unchanged = 0
    public var raised = 0
    public var lowered = 0

    public init() {}

    /// Records one attempt scored under both keys; returns the change when the value differs.
    @discardableResult
    public mutating func add(_ result: AttemptResult) -> Change? {
        let new = result.outcome.score
        let old = result.previous?.score
        if new?.value == old?.value {
            unchanged += 1
            return nil
        }
        let change = Change(source: result.source, oldValue: old?.value, newValue: new?.value, oldSum: old?.sum, newSum: new?.sum)
        if let o = old?.value, let n = new?.value { if n > o { raised += 1 } else { lowered += 1 } }
        changed += 1
        return change
    }
}

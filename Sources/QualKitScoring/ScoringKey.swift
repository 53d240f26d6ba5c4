public import QualKit

/// Why an AnswerKey cannot be used for scoring.
public struct ScoringKeyError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public var hint: String
    public var location: SourceLocation?

    public init(_ message: String, hint: String, at location: SourceLocation? = nil) {
        self.message = message
        self.hint = hint
        self.location = location
    }

    public var description: String {
        "\(location.map { "\($0): " } ?? "")error: \(message) (hint: \(hint))"
    }
}

/// An AnswerKey compiled for fast, exact scoring: identifiers interned to small integers, each option's
/// selections a bit set, the value mapping checked once.
///
/// Scoring rules (MTurk's documented AnswerKey semantics, see the README for the decisions taken where the
/// documentation is silent):
/// - For each key `Question` in document order, S is the set of SelectionIdentifiers the worker gave for that
///   QuestionIdentifier (all `Answer` elements naming it, united; empty when there is none). Identifiers are
///   compared exactly: case-sensitive, no trimming; duplicates collapse.
/// - Every `AnswerOption` whose identifier set equals S adds its score; when none matches, `DefaultScore`
///   (0 when absent) is added. FreeText and OtherSelectionText never match anything.
/// - Answers to questions the key does not list add nothing.
/// - The sum is a 64-bit integer; the value mapping is applied exactly (see ``value(forSum:)``).
public struct ScoringKey: Sendable {
    /// One key question, compiled.
    public struct Question: Sendable, Hashable {
        /// The QuestionIdentifier.
        public var identifier: String
        /// Position of the question's identifier among the key's distinct identifiers.
        public var slot: Int
        /// The option sets in document order, as the key lists them (duplicates removed, sorted).
        public var optionSelections: [[String]]
        public var optionScores: [Int32]
        /// DefaultScore, 0 when absent.
        public var defaultScore: Int32
        /// The most and the fewest points the question can give.
        public var maximumPoints: Int64
        public var minimumPoints: Int64
        /// Whether the key gave a DefaultScore element.
        public var hasDefaultScore: Bool
    }

    public let key: AnswerKey
    public let rounding: Rounding
    public let questions: [Question]
    /// Distinct QuestionIdentifiers in first-seen order.
    public let slotIdentifiers: [String]
    /// Per slot, the selection identifiers the scorer knows (the key's, then any extra ones from the form).
    public let slotSelections: [[String]]

    /// QuestionIdentifier → slot.
    let slotTable: ByteTable
    /// (slot, SelectionIdentifier) → bit number within the slot.
    let selectionTable: ByteTable
    /// Per slot: first word in the flat mask array and the number of 64-bit words.
    let slotWordStart: [Int]
    let slotWordCount: [Int]
    let totalWords: Int
    /// Per question: its options are `questionOptionStart[q]..<questionOptionStart[q + 1]` in the flat arrays.
    let questionOptionStart: [Int]
    let optionWordStart: [Int]
    let optionScore: [Int64]
    let optionWords: [UInt64]
    let mapper: ValueMapper

    /// Compiles `key`.
    ///
    /// - Parameters:
    ///   - key: The answer key.
    ///   - form: The QuestionForm, if known: its selections join the vocabulary, so that selection counts in
    ///     item analysis cover distractors the key never names. Scoring is the same with or without it.
    ///   - rounding: How non-integer values of a percentage or scale mapping are rounded (default half-up).
    /// - Throws: ``ScoringKeyError`` when the key has no questions, a PercentageMapping maximum is not
    ///   positive, or a ScaleMapping multiplier is not a finite decimal.
    public init(_ key: AnswerKey, form: QuestionForm? = nil, rounding: Rounding = .halfUp) throws(ScoringKeyError) {
        guard !key.questions.isEmpty else {
            throw ScoringKeyError("the AnswerKey has no Question", hint: "add a <Question> for each question of the test")
        }
        self.key = key
        self.rounding = rounding
        self.mapper = try ValueMapper(key.mapping, rounding: rounding)

        var slotTable = ByteTable()
        var selectionTable = ByteTable()
        var vocab: [[String]] = []
        func addSelection(_ slot: Int, _ id: String) {
            let before = selectionTable.count
            selectionTable.insert(id, tag: Int32(slot), value: Int32(vocab[slot].count))
            if selectionTable.count > before { vocab[slot].append(id) }
        }
        for q in key.questions {
            let slot = Int(slotTable.insert(q.identifier, value: Int32(vocab.count)))
            if slot == vocab.count { vocab.append([]) }
            for o in q.options { for s in o.selectionIdentifiers { addSelection(slot, s) } }
        }
        if let form {
            for fq in form.questions {
                guard let slot = slotTable.lookup(fq.identifier), case .selection(let sel) = fq.answer else { continue }
                for s in sel.selections { addSelection(Int(slot), s.identifier) }
            }
        }
        var wordStart: [Int] = []
        var wordCount: [Int] = []
        var total = 0
        for v in vocab {
            wordStart.append(total)
            let n = max(1, (v.count + 63) / 64)
            wordCount.append(n)
            total += n
        }
        var questions: [Question] = []
        var questionOptionStart: [Int] = [0]
        var optionWordStart: [Int] = []
        var optionScore: [Int64] = []
        var words: [UInt64] = []
        for q in key.questions {
            let slot = Int(slotTable.lookup(q.identifier)!)
            var groups: [[Int]: Int64] = [:]
            for o in q.options {
                optionWordStart.append(words.count)
                optionScore.append(Int64(o.score))
                var w = [UInt64](repeating: 0, count: wordCount[slot])
                var bits: [Int] = []
                for s in Set(o.selectionIdentifiers) {
                    let i = Int(selectionTable.lookup(s, tag: Int32(slot))!)
                    w[i >> 6] |= 1 << UInt64(i & 63)
                    bits.append(i)
                }
                words += w
                groups[bits.sorted(), default: 0] += Int64(o.score)
            }
            questionOptionStart.append(optionScore.count)
            let d = Int64(q.defaultScore ?? 0)
            // An option set scores its group total; any other answer scores the default.
            let reachable = Array(groups.values) + [d]
            questions.append(Question(
                identifier: q.identifier, slot: slot,
                optionSelections: q.options.map { Array(Set($0.selectionIdentifiers)).sorted() },
                optionScores: q.options.map(\.score), defaultScore: Int32(d),
                maximumPoints: reachable.max()!, minimumPoints: reachable.min()!,
                hasDefaultScore: q.defaultScore != nil))
        }
        self.questions = questions
        self.slotIdentifiers = key.questions.reduce(into: [String]()) { ids, q in if !ids.contains(q.identifier) { ids.append(q.identifier) } }
        self.slotSelections = vocab
        self.slotTable = slotTable
        self.selectionTable = selectionTable
        self.slotWordStart = wordStart
        self.slotWordCount = wordCount
        self.totalWords = total
        self.questionOptionStart = questionOptionStart
        self.optionWordStart = optionWordStart
        self.optionScore = optionScore
        self.optionWords = words
    }

    /// The highest and lowest sums a worker can reach (each question at its maximum / minimum points).
    public var maximumSum: Int64 { questions.reduce(0) { $0 + $1.maximumPoints } }
    public var minimumSum: Int64 { questions.reduce(0) { $0 + $1.minimumPoints } }

    /// Maps a summed score to the qualification value under the key's mapping and this key's rounding.
    ///
    /// - None: the sum. PercentageMapping: 100 × sum ÷ maximum, rounded. ScaleMapping: sum × multiplier
    ///   (exact decimal), rounded. RangeMapping: the value of the first range (document order) that holds the
    ///   sum, bounds inclusive, else the out-of-range value. No clamping.
    /// - Returns: the value, or ``ValueError`` when it does not fit a 32-bit IntegerValue.
    public func value(forSum sum: Int64) -> Result<Int32, ValueError> { mapper.map(sum) }

    /// The same mapping with every step spelled out (for `qualkit threshold` and `--explain`).
    public func derivation(forSum sum: Int64) -> ValueDerivation { mapper.derive(sum) }

    /// The values an attempt can get, computed from the sums ``minimumSum`` through ``maximumSum``: for a
    /// RangeMapping the value of every sum in that span, else the values from the lowest to the highest sum (the
    /// mappings are monotonic). Not every sum in between need be reachable, so this may hold values no attempt
    /// gets, never the reverse.
    ///
    /// - Returns: nil when the lowest or highest sum maps outside 32 bits.
    public var possibleValues: PossibleValues? {
        let lo = minimumSum, hi = maximumSum
        if case .range(let ranges, _) = mapper.kind {
            // Which range a sum falls in (the first that holds it, or none) changes only where a range starts or
            // ends, so mapping the lowest sum and each such point inside lo…hi gives every value of the span.
            var points: Set<Int64> = [lo]
            for r in ranges {
                for p in [Int64(r.lowerBound), Int64(r.upperBound) + 1] where p > lo && p <= hi { points.insert(p) }
            }
            return .values(Set(points.compactMap { try? mapper.map($0).get() }).sorted())
        }
        guard let a = try? mapper.map(lo).get(), let b = try? mapper.map(hi).get() else { return nil }
        return .span(min(a, b)...max(a, b))
    }
}

/// What values a key can give (see ``ScoringKey/possibleValues``).
public enum PossibleValues: Sendable, Hashable, CustomStringConvertible {
    /// Each value that can occur (RangeMapping), ascending.
    case values([Int32])
    /// Any value in this span.
    case span(ClosedRange<Int32>)

    /// Whether some possible value passes the rule, and whether every one does.
    public func passing(_ rule: PassRule) -> (some: Bool, all: Bool) {
        switch self {
        case .values(let vs):
            return (vs.contains(where: rule.passes), vs.allSatisfy(rule.passes))
        case .span(let r):
            let x = rule.value
            switch rule.comparator {
            case .greaterThan, .greaterThanOrEqualTo, .lessThan, .lessThanOrEqualTo:
                // Monotonic: the two ends decide.
                let ends = [r.lowerBound, r.upperBound].map(rule.passes)
                return (ends.contains(true), !ends.contains(false))
            case .equalTo: return (r.contains(x), r.lowerBound == x && r.upperBound == x)
            case .notEqualTo: return (!(r.lowerBound == x && r.upperBound == x), !r.contains(x))
            }
        }
    }

    public var description: String {
        switch self {
        case .values(let vs): vs.map(String.init).joined(separator: ", ")
        case .span(let r): r.lowerBound == r.upperBound ? "\(r.lowerBound)" : "\(r.lowerBound)…\(r.upperBound)"
        }
    }
}

/// A summed score whose mapped value does not fit a 32-bit IntegerValue.
public struct ValueError: Error, Sendable, Hashable, CustomStringConvertible {
    public var sum: Int64
    /// The exact unrounded value as text (e.g. `3000000000` or `12.5 × 10^9`).
    public var mapped: String

    public var description: String {
        "the qualification value \(mapped) (summed score \(sum)) does not fit a 32-bit IntegerValue (−2147483648…2147483647)"
    }
}

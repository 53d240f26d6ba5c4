public import QualKit

/// How much the scorer records per attempt.
public enum ScoreDetail: Int, Sendable, Hashable, Comparable {
    /// Sum and value only (fastest).
    case value
    /// Also the points of every key question and the selections made (item analysis).
    case points
    /// Also a readable breakdown per question (`--explain`).
    case explain

    public static func < (a: ScoreDetail, b: ScoreDetail) -> Bool { a.rawValue < b.rawValue }
}

/// The result for one key question of one attempt (`--explain`).
public struct QuestionResult: Sendable, Hashable, Codable {
    public var questionIdentifier: String
    /// Whether the attempt had an `Answer` for this question.
    public var answered: Bool
    /// The worker's selections as a set: the key's identifiers in key order, then any others as given.
    public var selections: [String]
    /// 0-based indices of the AnswerOptions whose set equals the selections; empty when DefaultScore applied.
    public var matchedOptions: [Int]
    public var usedDefaultScore: Bool
    public var points: Int64
    /// The answer held FreeText or OtherSelectionText, which the key never matches.
    public var hadText: Bool

    public init(questionIdentifier: String, answered: Bool, selections: [String], matchedOptions: [Int],
                usedDefaultScore: Bool, points: Int64, hadText: Bool) {
        self.questionIdentifier = questionIdentifier
        self.answered = answered
        self.selections = selections
        self.matchedOptions = matchedOptions
        self.usedDefaultScore = usedDefaultScore
        self.points = points
        self.hadText = hadText
    }
}

/// A selection identifier the key (and form) do not know, seen in an attempt.
public struct UnknownSelection: Sendable, Hashable {
    public var slot: Int
    public var identifier: String
}

/// A scored attempt.
public struct AttemptScore: Sendable, Hashable {
    public var sum: Int64
    public var value: Int32
    /// Points per key question in key order (detail ≥ `.points`, else empty).
    public var points: [Int64]
    /// The selections made, one bit per known identifier, slot by slot (detail ≥ `.points`, else empty).
    public var selectionBits: [UInt64]
    /// Selections outside the known vocabulary (detail ≥ `.points`).
    public var unknownSelections: [UnknownSelection]
    /// Per key question (detail `.explain`, else empty).
    public var questions: [QuestionResult]

    public init(sum: Int64, value: Int32, points: [Int64] = [], selectionBits: [UInt64] = [],
                unknownSelections: [UnknownSelection] = [], questions: [QuestionResult] = []) {
        self.sum = sum
        self.value = value
        self.points = points
        self.selectionBits = selectionBits
        self.unknownSelections = unknownSelections
        self.questions = questions
    }
}

/// Why one attempt could not be scored. Scoring of the other attempts continues.
public struct AttemptFailure: Error, Sendable, Hashable, CustomStringConvertible {
    /// `malformed-xml`, `not-answers`, `bad-record`, `value-out-of-range`, ….
    public var kind: String
    public var message: String
    public var hint: String?
    /// Position in the input (the record's line for JSON, the XML position for XML), when known.
    public var line: Int?
    public var column: Int?
    /// The summed score, when the failure came after scoring (value out of range).
    public var sum: Int64?

    public init(kind: String, message: String, hint: String? = nil, line: Int? = nil, column: Int? = nil, sum: Int64? = nil) {
        self.kind = kind
        self.message = message
        self.hint = hint
        self.line = line
        self.column = column
        self.sum = sum
    }

    public var description: String {
        var s = ""
        if let line { s += "\(line)" + (column.map { ":\($0)" } ?? "") + ": " }
        s += message
        if let hint { s += " (hint: \(hint))" }
        return s
    }
}

public enum AttemptOutcome: Sendable, Hashable {
    case scored(AttemptScore)
    case failed(AttemptFailure)

    public var score: AttemptScore? { if case .scored(let s) = self { s } else { nil } }
    public var failure: AttemptFailure? { if case .failed(let f) = self { f } else { nil } }
}

/// Scores attempts against a ``ScoringKey``. Holds a parser and scratch buffers, so create one per thread
/// and reuse it for many attempts; it is not thread-safe.
public final class AttemptScorer {
    public let key: ScoringKey
    public let detail: ScoreDetail
    private let parser: AnswerStreamParser
    /// The key's tables and this scorer's scratch space, in raw memory: the hot path does no reference counting.
    private let t: Tables
    // Unchecked: each answer touches these, and a scorer is used by one thread at a time (see above), so the
    // runtime's exclusivity check would cost a call per answer and catch nothing.
    @exclusivity(unchecked) private var unknownList: [UnknownSelection] = []
    @exclusivity(unchecked) private var rawSelections: [[String]]

    public init(key: ScoringKey, detail: ScoreDetail = .value, limits: XMLLimits = .answers) {
        self.key = key
        self.detail = detail
        self.parser = AnswerStreamParser(limits: limits)
        self.t = Tables(key)
        rawSelections = [[String]](repeating: [], count: key.slotIdentifiers.count)
    }

    final class Tables {
        let slots: RawByteTable
        let selections: RawByteTable
        let slotWordStart: UnsafeMutableBufferPointer<Int>
        let slotWordCount: UnsafeMutableBufferPointer<Int>
        let questionSlot: UnsafeMutableBufferPointer<Int>
        let questionDefault: UnsafeMutableBufferPointer<Int64>
        let questionOptionStart: UnsafeMutableBufferPointer<Int>
        let optionWordStart: UnsafeMutableBufferPointer<Int>
        let optionScore: UnsafeMutableBufferPointer<Int64>
        let optionWords: UnsafeMutableBufferPointer<UInt64>
        /// Scratch: selection bits per slot word; per slot flags (1 answered, 2 unknown selection, 4 text).
        let bits: UnsafeMutableBufferPointer<UInt64>
        let flags: UnsafeMutableBufferPointer<UInt8>
        let questionCount: Int

        init(_ key: ScoringKey) {
            func copy<T>(_ a: [T]) -> UnsafeMutableBufferPointer<T> {
                let p = UnsafeMutableBufferPointer<T>.allocate(capacity: max(1, a.count))
                _ = p.initialize(from: a)
                return p
            }
            slots = RawByteTable(key.slotTable)
            selections = RawByteTable(key.selectionTable)
            slotWordStart = copy(key.slotWordStart)
            slotWordCount = copy(key.slotWordCount)
            questionSlot = copy(key.questions.map(\.slot))
            questionDefault = copy(key.questions.map { Int64($0.defaultScore) })
            questionOptionStart = copy(key.questionOptionStart)
            optionWordStart = copy(key.optionWordStart)
            optionScore = copy(key.optionScore)
            optionWords = copy(key.optionWords)
            bits = copy([UInt64](repeating: 0, count: key.totalWords))
            flags = copy([UInt8](repeating: 0, count: key.slotIdentifiers.count))
            questionCount = key.questions.count
        }

        deinit {
            slots.deallocate()
            selections.deallocate()
            for p in [slotWordStart, slotWordCount, questionSlot, questionOptionStart, optionWordStart] { p.deallocate() }
            questionDefault.deallocate()
            optionScore.deallocate()
            optionWords.deallocate()
            bits.deallocate()
            flags.deallocate()
        }
    }

    /// Scores one QuestionFormAnswers document given as bytes (the fast path: no tree is built).
    ///
    /// - Parameters:
    ///   - xml: The document; empty or all-whitespace is an attempt with no answers.
    ///   - forceUTF8: Read as UTF-8 whatever the declaration says (true for text that came from JSON).
    ///   - lineOffset: Added to XML line numbers in failures (the line where the document starts in a file).
    public func score(xml: UnsafeRawBufferPointer, forceUTF8: Bool = false, file: String? = nil) -> AttemptOutcome {
        reset()
        let problem = parser.parse(xml, forceUTF8: forceUTF8, file: file) { answer in
            self.add(question: answer.questionIdentifier, selections: answer.selections,
                     hasText: answer.hasFreeText || answer.hasOtherSelectionText)
        }
        if let problem {
            return .failed(AttemptFailure(
                kind: problem.code == .doctypeForbidden ? "doctype" : problem.code == .documentTooLarge ? "too-large"
                    : problem.code == .malformedXML || problem.code == .badEncoding ? "malformed-xml" : "not-answers",
                message: problem.message, hint: problem.hint,
                line: problem.location.map(\.line), column: problem.location.map(\.column)))
        }
        return finish()
    }

    public func score(xml: [UInt8], forceUTF8: Bool = false, file: String? = nil) -> AttemptOutcome {
        xml.withUnsafeBytes { score(xml: $0, forceUTF8: forceUTF8, file: file) }
    }

    /// Scores answers already loaded as a model (e.g. by `MTurkDocuments.answers`). Same rules.
    public func score(_ answers: QuestionFormAnswers) -> AttemptOutcome {
        reset()
        for a in answers.answers {
            var flat: [UInt8] = []
            var ranges: [Range<Int>] = []
            for s in a.selectionIdentifiers {
                let start = flat.count
                flat += s.utf8
                ranges.append(start..<flat.count)
            }
            let q = Array(a.questionIdentifier.utf8)
            q.withUnsafeBufferPointer { qb in
                flat.withUnsafeBufferPointer { fb in
                    add(question: qb, selections: ranges.map { UnsafeBufferPointer(rebasing: fb[$0]) },
                        hasText: a.freeText != nil || a.otherSelectionText != nil)
                }
            }
        }
        return finish()
    }

    private func reset() {
        t.bits.update(repeating: 0)
        t.flags.update(repeating: 0)
        if detail >= .points { unknownList.removeAll(keepingCapacity: true) }
        if detail == .explain { for i in rawSelections.indices { rawSelections[i].removeAll() } }
    }

    @inline(__always)
    private func add<C: Collection>(question: UnsafeBufferPointer<UInt8>, selections: C, hasText: Bool)
    where C.Element == UnsafeBufferPointer<UInt8> {
        let t = self.t
        let slot = Int(t.slots.lookup(question, tag: 0))
        guard slot >= 0 else { return }  // not in the key: contributes nothing
        t.flags[slot] |= hasText ? 5 : 1
        let base = t.slotWordStart[slot]
        for s in selections {
            let i = Int(t.selections.lookup(s, tag: Int32(slot)))
            if i >= 0 {
                t.bits[base + (i >> 6)] |= 1 << UInt64(i & 63)
            } else {
                t.flags[slot] |= 2
                if detail >= .points {
                    let u = UnknownSelection(slot: slot, identifier: String(decoding: s, as: UTF8.self))
                    if !unknownList.contains(u) { unknownList.append(u) }
                }
            }
            if detail == .explain {
                let id = String(decoding: s, as: UTF8.self)
                if !rawSelections[slot].contains(id) { rawSelections[slot].append(id) }
            }
        }
    }

    private func finish() -> AttemptOutcome {
        let t = self.t
        var sum: Int64 = 0
        var points: [Int64] = []
        var results: [QuestionResult] = []
        if detail >= .points { points.reserveCapacity(t.questionCount) }
        for qi in 0..<t.questionCount {
            let slot = t.questionSlot[qi]
            let base = t.slotWordStart[slot]
            let count = t.slotWordCount[slot]
            var p: Int64 = 0
            var matched: [Int] = []
            var any = false
            if t.flags[slot] & 2 == 0 {
                let first = t.questionOptionStart[qi]
                for o in first..<t.questionOptionStart[qi + 1] {
                    let start = t.optionWordStart[o]
                    var w = 0
                    while w < count && t.optionWords[start + w] == t.bits[base + w] { w += 1 }
                    if w == count {
                        any = true
                        p &+= t.optionScore[o]
                        if detail == .explain { matched.append(o - first) }
                    }
                }
            }
            if !any { p = t.questionDefault[qi] }
            let (s, overflow) = sum.addingReportingOverflow(p)
            if overflow {
                return .failed(AttemptFailure(kind: "value-out-of-range", message: "the summed score overflows 64 bits"))
            }
            sum = s
            if detail >= .points { points.append(p) }
            if detail == .explain {
                results.append(QuestionResult(
                    questionIdentifier: key.questions[qi].identifier, answered: t.flags[slot] & 1 != 0,
                    selections: orderedSelections(slot), matchedOptions: matched, usedDefaultScore: !any, points: p,
                    hadText: t.flags[slot] & 4 != 0))
            }
        }
        switch key.mapper.map(sum) {
        case .failure(let e):
            return .failed(AttemptFailure(kind: "value-out-of-range", message: e.description,
                                          hint: "check the key's scores and mapping: MTurk qualification values are 32-bit integers",
                                          sum: sum))
        case .success(let value):
            return .scored(AttemptScore(
                sum: sum, value: value, points: points,
                selectionBits: detail >= .points ? Array(t.bits) : [],
                unknownSelections: detail >= .points ? unknownList : [], questions: results))
        }
    }

    /// The known selections of a slot in vocabulary order, then unknown ones as given.
    private func orderedSelections(_ slot: Int) -> [String] {
        let vocab = key.slotSelections[slot]
        let base = key.slotWordStart[slot]
        var out: [String] = []
        for (i, id) in vocab.enumerated() where t.bits[base + (i >> 6)] & (1 << UInt64(i & 63)) != 0 { out.append(id) }
        for id in rawSelections[slot] where !vocab.contains(id) { out.append(id) }
        return out
    }
}

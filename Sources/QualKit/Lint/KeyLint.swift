extension Lint {
    /// Checks an AnswerKey on its own.
    public static func key(_ key: AnswerKey) -> [Diagnostic] {
        var out: [Diagnostic] = []
        var seen: [String: KeyQuestion] = [:]
        for q in key.questions {
            out += identifierProblems(q.identifier, what: "QuestionIdentifier", code: .keyIdentifierWhitespace, at: q.origin)
            if let first = seen[q.identifier] {
                out.append(Diagnostic(.keyDuplicateQuestion, nil,
                    "the key lists question \"\(q.identifier)\" twice (first at \(first.origin.location?.description ?? "?"))",
                    hint: "merge the two <Question> entries: MTurk would score the question twice", at: q.origin.location))
            } else {
                seen[q.identifier] = q
            }
            var sets: [Set<String>: AnswerOption] = [:]
            for o in q.options {
                for id in Set(o.selectionIdentifiers) {
                    out += identifierProblems(id, what: "SelectionIdentifier", code: .keyIdentifierWhitespace, at: o.origin)
                }
                if o.selectionSet.count != o.selectionIdentifiers.count {
                    out.append(Diagnostic(.keyRepeatedSelection, nil,
                        "an AnswerOption of question \"\(q.identifier)\" repeats a SelectionIdentifier",
                        hint: "list each selection once; duplicates collapse when matching", at: o.origin.location))
                }
                if let other = sets[o.selectionSet] {
                    out.append(Diagnostic(.keyDuplicateOptionSet, nil,
                        "two AnswerOptions of question \"\(q.identifier)\" match the same selections {\(o.selectionSet.sorted().joined(separator: ", "))} (other at \(other.origin.location?.description ?? "?"))",
                        hint: "keep one option per combination of selections; a matching answer would earn both scores",
                        at: o.origin.location))
                } else {
                    sets[o.selectionSet] = o
                }
            }
            if q.options.allSatisfy({ $0.score == 0 }) && (q.defaultScore ?? 0) == 0 {
                out.append(Diagnostic(.keyAllZero, nil, "every AnswerOption of question \"\(q.identifier)\" scores 0, so it cannot change the result",
                                      hint: "give the correct option a positive AnswerScore", at: q.origin.location))
            }
        }
        out += mappingProblems(key, reachable: ScoreAnalysis(key: key))
        return out
    }

    static func mappingProblems(_ key: AnswerKey, reachable: ScoreAnalysis) -> [Diagnostic] {
        var out: [Diagnostic] = []
        switch key.mapping {
        case .percentage(let max, let origin)?:
            if max <= 0 {
                out.append(Diagnostic(.keyMaximumNotPositive, nil, "MaximumSummedScore is \(max); the percentage divides by it",
                                      hint: "set it to the highest score a worker can reach (\(reachable.maximum))", at: origin.location))
            }
        case .scale(let multiplier, let origin)?:
            if !multiplier.isFinite {
                out.append(Diagnostic(.keyMultiplierNotFinite, nil, "SummedScoreMultiplier is \(multiplier.text)",
                                      hint: "use a finite decimal such as 1 or 2.5", at: origin.location))
            }
        case .range(let ranges, _, let origin)?:
            for r in ranges where r.lowerBound > r.upperBound {
                out.append(Diagnostic(.keyRangeInverted, nil, "range \(r.lowerBound)…\(r.upperBound): the lower bound is above the upper bound",
                                      hint: "swap InclusiveLowerBound and InclusiveUpperBound", at: r.origin.location))
            }
            let valid = ranges.filter { $0.lowerBound <= $0.upperBound }
            for (i, a) in valid.enumerated() {
                for b in valid[(i + 1)...] where a.lowerBound <= b.upperBound && b.lowerBound <= a.upperBound {
                    out.append(Diagnostic(.keyRangeOverlap, nil,
                        "ranges \(a.lowerBound)…\(a.upperBound) and \(b.lowerBound)…\(b.upperBound) overlap; MTurk leaves the result undefined",
                        hint: "make the ranges disjoint", at: b.origin.location))
                }
            }
            if let sums = reachable.sums {
                let uncovered = sums.filter { s in !ranges.contains { $0.contains(s) } }.sorted()
                if !uncovered.isEmpty {
                    let shown = uncovered.prefix(8).map(String.init).joined(separator: ", ") + (uncovered.count > 8 ? ", …" : "")
                    out.append(Diagnostic(.keyRangeGap, nil,
                        "reachable summed scores \(shown) fall in no range and get OutOfRangeQualificationValue",
                        hint: "extend the ranges if those scores deserve another value", at: origin.location))
                }
            }
        case nil:
            break
        }
        if let problem = reachable.valueOverflow(key.mapping) {
            out.append(Diagnostic(.keyValueOutOfRange, nil, problem,
                                  hint: "qualification values are 32-bit integers: use smaller scores or a smaller multiplier",
                                  at: key.questions.first?.origin.location))
        }
        return out
    }
}

/// What summed scores a key can produce: per question the reachable points (every option a worker can
/// choose, plus DefaultScore, which an unanswered or unmatched question earns).
public struct ScoreAnalysis: Sendable {
    public var perQuestion: [(identifier: String, points: Set<Int64>)]

    /// - Parameter form: when given, options that no allowed answer can match are left out.
    public init(key: AnswerKey, form: QuestionForm? = nil) {
        perQuestion = key.questions.map { q in
            var points: Set<Int64> = [Int64(q.defaultScore ?? 0)]
            let selection: SelectionAnswer? = form?.question(q.identifier).flatMap {
                if case .selection(let s) = $0.answer { s } else { nil }
            }
            for o in q.options {
                if let s = selection, !Lint.optionPossible(o, in: s) { continue }
                points.insert(Int64(o.score))
            }
            return (q.identifier, points)
        }
    }

    public var maximum: Int64 { perQuestion.reduce(0) { $0 + ($1.points.max() ?? 0) } }
    public var minimum: Int64 { perQuestion.reduce(0) { $0 + ($1.points.min() ?? 0) } }

    /// Every reachable sum, or nil when there are too many to list.
    public var sums: Set<Int64>? {
        var sums: Set<Int64> = [0]
        for (_, points) in perQuestion {
            var next: Set<Int64> = []
            for s in sums { for p in points { next.insert(s + p) } }
            if next.count > 100_000 { return nil }
            sums = next
        }
        return sums
    }

    func valueOverflow(_ mapping: ValueMapping?) -> String? {
        let range = Int64(Int32.min)...Int64(Int32.max)
        switch mapping {
        case nil:
            if !range.contains(maximum) || !range.contains(minimum) {
                return "summed scores reach \(minimum)…\(maximum), beyond a 32-bit qualification value"
            }
        case .scale(let m, _)?:
            if case .finite(let sig, let exp) = m.value {
                for end in [minimum, maximum] {
                    let scaled = Double(end) * Double(sig) * pow10(exp)
                    if scaled.magnitude > Double(Int32.max) {
                        return "summed score \(end) × \(m.text) is beyond a 32-bit qualification value"
                    }
                }
            }
        default:
            break
        }
        return nil
    }

    private func pow10(_ e: Int) -> Double {
        var r = 1.0
        for _ in 0..<abs(e) { r *= 10 }
        return e < 0 ? 1 / r : r
    }
}

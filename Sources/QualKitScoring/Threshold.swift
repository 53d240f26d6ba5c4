/// The QualificationRequirement (comparator and IntegerValue) that admits workers reaching a goal, computed
/// under the key's own mapping and rounding.
public struct ThresholdResult: Sendable, Hashable, Codable {
    /// What was asked, e.g. `8 of 10 correct` or `90 percent`.
    public var goal: String
    /// The lowest summed score that meets the goal.
    public var goalSum: Int64
    /// The requirement to put on a HIT: `comparator value`.
    public var comparator: ValueComparator
    public var integerValue: Int32
    /// How `goalSum` maps to `integerValue`, with the rounding spelled out.
    public var derivation: ValueDerivation
    /// The lowest summed score whose value passes the requirement (may be below `goalSum` because of rounding).
    public var lowestPassingSum: Int64?
    public var lowestPassingDerivation: ValueDerivation?
    /// Warnings: uneven question weights, rounding that admits lower sums, non-monotonic range mappings.
    public var notes: [String]
}

public enum ThresholdError: Error, Sendable, Hashable, CustomStringConvertible {
    case badGoal(String)
    case unreachable(String)

    public var description: String {
        switch self {
        case .badGoal(let m): "error: \(m)"
        case .unreachable(let m): "error: \(m)"
        }
    }
}

extension ScoringKey {
    /// The requirement for "at least `correct` of the key's questions at full points".
    ///
    /// The goal sum is the lowest sum such a worker can have: the `correct` questions with the smallest maximum
    /// points at full points and every other question at its minimum (negative options count).
    public func threshold(correct: Int, of total: Int) throws(ThresholdError) -> ThresholdResult {
        let k = questions.count
        guard total == k else {
            throw .badGoal("the key has \(k) questions, not \(total): write \"\(correct) of \(k) correct\"")
        }
        guard (0...k).contains(correct) else { throw .badGoal("\(correct) of \(k) is not possible") }
        var notes: [String] = []
        let goal = lowestSum(withRight: correct)
        if correct > 0 {
            let below = highestSum(withRight: correct - 1)
            if below >= goal {
                notes.append("questions are weighted unevenly (or wrong answers score below 0): a worker with only \(correct - 1) right can reach \(below), at or above the goal sum \(goal), so no threshold on the value separates them exactly")
            }
        }
        if k > correct, questions.contains(where: { $0.minimumPoints < 0 }) {
            notes.append("the goal sum assumes " + (k - correct == 1 ? "the other question at its" : "the other \(k - correct) questions at their")
                          + " lowest points (negative options chosen)")
        }
        return try requirement(goal: "\(correct) of \(k) correct", goalSum: goal, notes: notes)
    }

    /// The requirement for "a summed score of at least `percent`% of the maximum".
    ///
    /// With a PercentageMapping the maximum is its MaximumSummedScore; otherwise the highest reachable sum.
    public func threshold(percent: Int) throws(ThresholdError) -> ThresholdResult {
        guard (0...100).contains(percent) else { throw .badGoal("--percent must be between 0 and 100") }
        let maximum: Int64
        if case .percentage(let m) = mapper.kind { maximum = m } else { maximum = maximumSum }
        guard maximum > 0 else { throw .unreachable("the highest reachable sum is \(maximum); a percentage of it is meaningless") }
        // Smallest integer s with 100·s ≥ percent·maximum.
        let num = Int128(percent) * Int128(maximum)
        var s = num / 100
        if s * 100 < num { s += 1 }
        var notes: [String] = []
        if s > Int128(maximumSum) {
            notes.append("no worker can reach \(percent)%: the highest reachable sum is \(maximumSum)")
        }
        return try requirement(goal: "\(percent) percent", goalSum: Int64(s), notes: notes)
    }

    private func requirement(goal: String, goalSum: Int64, notes: [String]) throws(ThresholdError) -> ThresholdResult {
        var notes = notes
        let d = derivation(forSum: goalSum)
        guard let v = d.value else { throw .unreachable("the goal sum \(goalSum) maps outside the 32-bit range") }
        // Look for the lowest sum that passes `>= v` and for sums at or above the goal that fail.
        var lowest: Int64? = nil
        let lo = minimumSum, hi = maximumSum
        if hi - lo <= 2_000_000 {
            var s = lo
            while s <= hi {
                if let x = try? value(forSum: s).get(), x >= v {
                    if lowest == nil { lowest = s }
                } else if s >= goalSum {
                    notes.append("the mapping is not monotonic: sum \(s), above the goal, maps below \(v)")
                    break
                }
                s += 1
            }
        }
        var lowestDerivation: ValueDerivation? = nil
        if let l = lowest, l < goalSum {
            lowestDerivation = derivation(forSum: l)
            notes.append("rounding admits sums from \(l): \(lowestDerivation!.description)")
        }
        return ThresholdResult(goal: goal, goalSum: goalSum, comparator: .greaterThanOrEqualTo, integerValue: v,
                               derivation: d, lowestPassingSum: lowest, lowestPassingDerivation: lowestDerivation,
                               notes: notes)
    }

    /// The lowest sum of a worker with at least `right` questions at full points.
    func lowestSum(withRight right: Int) -> Int64 {
        // Choose the `right` questions where being right costs least over being at minimum.
        let base = questions.reduce(Int64(0)) { $0 + $1.minimumPoints }
        let extra = questions.map { $0.maximumPoints - $0.minimumPoints }.sorted()
        return base + extra.prefix(right).reduce(0, +)
    }

    /// The highest sum of a worker with at most `right` questions at full points (others at their best
    /// non-full points).
    func highestSum(withRight right: Int) -> Int64 {
        // Best points below the maximum for each question: the second-highest reachable value.
        let secondBest: [Int64] = questions.indices.map { i in secondBestPoints(i) }
        let full = questions.map(\.maximumPoints)
        let gains = questions.indices.map { full[$0] - secondBest[$0] }.sorted(by: >)
        return secondBest.reduce(0, +) + gains.prefix(right).reduce(0, +)
    }

    private func secondBestPoints(_ i: Int) -> Int64 {
        let q = questions[i]
        var groups: [Set<String>: Int64] = [:]
        for (o, sel) in q.optionSelections.enumerated() { groups[Set(sel), default: 0] += Int64(q.optionScores[o]) }
        let reachable = Array(groups.values) + [Int64(q.defaultScore)]
        return reachable.filter { $0 < q.maximumPoints }.max() ?? q.minimumPoints
    }
}

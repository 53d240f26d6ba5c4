/// Item statistics over scored attempts (classical test theory).
///
/// Definitions (N scored attempts; xᵢ the points of question i, T the summed score, dᵢ = 1 when xᵢ equals the
/// question's maximum points, else 0; variances are population variances, divided by N):
/// - facility: mean of dᵢ (share at full points); mean points: mean of xᵢ.
/// - point-biserial: Pearson correlation of dᵢ with the rest of the test, T − xᵢ (nil when either is constant).
/// - upper–lower index: share at full points in the top 27% by T minus that in the bottom 27% (group size
///   round(0.27 N), at least 1; ties keep input order).
/// - KR-20: k/(k−1) · (1 − Σ pᵢqᵢ / var(Σ dᵢ)); Cronbach's alpha: k/(k−1) · (1 − Σ var(xᵢ) / var(T)).
public struct ItemAnalyzer: Sendable {
    public let key: ScoringKey
    private var n = 0
    private var sumT: Int128 = 0
    private var sumT2: Int128 = 0
    private var sumD: Int128 = 0
    private var sumD2: Int128 = 0
    private var sumX: [Int128]
    private var sumX2: [Int128]
    private var sumXT: [Int128]
    private var right: [Int]
    private var rightT: [Int128]
    private var rightX: [Int128]
    private var selectionCounts: [[Int]]
    private var unknownCounts: [[String: Int]]
    /// Per attempt: total and the questions at full points (for the upper–lower index).
    private var totals: [Int64] = []
    private var rightBits: [UInt64] = []
    private let words: Int

    public init(key: ScoringKey) {
        self.key = key
        let k = key.questions.count
        sumX = Array(repeating: 0, count: k)
        sumX2 = sumX
        sumXT = sumX
        rightT = sumX
        rightX = sumX
        right = Array(repeating: 0, count: k)
        selectionCounts = key.slotSelections.map { Array(repeating: 0, count: $0.count) }
        unknownCounts = Array(repeating: [:], count: key.slotIdentifiers.count)
        words = max(1, (k + 63) / 64)
    }

    /// Adds one attempt scored with detail `.points` or more.
    public mutating func add(_ s: AttemptScore) {
        precondition(s.points.count == key.questions.count, "score attempts with ScoreDetail.points for item analysis")
        n += 1
        let t = Int128(s.sum)
        sumT += t
        sumT2 += t * t
        var d = 0
        var bits = [UInt64](repeating: 0, count: words)
        for (i, q) in key.questions.enumerated() {
            let x = Int128(s.points[i])
            sumX[i] += x
            sumX2[i] += x * x
            sumXT[i] += x * t
            if s.points[i] == q.maximumPoints {
                d += 1
                right[i] += 1
                rightT[i] += t
                rightX[i] += x
                bits[i >> 6] |= 1 << UInt64(i & 63)
            }
        }
        sumD += Int128(d)
        sumD2 += Int128(d * d)
        totals.append(s.sum)
        rightBits += bits
        for slot in 0..<key.slotIdentifiers.count {
            let base = key.slotWordStart[slot]
            for j in 0..<selectionCounts[slot].count where s.selectionBits[base + (j >> 6)] & (1 << UInt64(j & 63)) != 0 {
                selectionCounts[slot][j] += 1
            }
        }
        for u in s.unknownSelections { unknownCounts[u.slot][u.identifier, default: 0] += 1 }
    }

    public func result() -> ItemAnalysis {
        let N = Double(n)
        let k = key.questions.count
        var items: [ItemStatistics] = []
        var sumPQ = 0.0
        var sumVarX = 0.0
        let meanT = n == 0 ? 0 : Double(sumT) / N
        let varT = n == 0 ? 0 : Double(sumT2) / N - meanT * meanT
        let meanD = n == 0 ? 0 : Double(sumD) / N
        let varD = n == 0 ? 0 : Double(sumD2) / N - meanD * meanD
        let ul = upperLower()
        for (i, q) in key.questions.enumerated() {
            let p = n == 0 ? 0 : Double(right[i]) / N
            let meanX = n == 0 ? 0 : Double(sumX[i]) / N
            let varX = n == 0 ? 0 : Double(sumX2[i]) / N - meanX * meanX
            sumPQ += p * (1 - p)
            sumVarX += varX
            // Rest of test R = T − x.
            var rpb: Double? = nil
            if n > 0 {
                let meanR = (Double(sumT) - Double(sumX[i])) / N
                let eR2 = Double(sumT2 - 2 * sumXT[i] + sumX2[i]) / N
                let varR = eR2 - meanR * meanR
                let eDR = Double(rightT[i] - rightX[i]) / N
                let cov = eDR - p * meanR
                let varDi = p * (1 - p)
                if varDi > 1e-12 && varR > 1e-12 { rpb = cov / (varDi * varR).squareRoot() }
            }
            let vocab = key.slotSelections[q.slot]
            var selections = vocab.enumerated().map { SelectionCount(identifier: $0.element, count: selectionCounts[q.slot][$0.offset], known: true) }
            selections += unknownCounts[q.slot].sorted { $0.key < $1.key }.map { SelectionCount(identifier: $0.key, count: $0.value, known: false) }
            var flags: [ItemFlag] = []
            if n > 0 {
                if right[i] == 0 { flags.append(.nobodyRight) }
                if right[i] == n { flags.append(.everybodyRight) }
                if let r = rpb, r < 0 { flags.append(.negativeDiscrimination) }
                else if let u = ul?[i], u < 0 { flags.append(.negativeDiscrimination) }
                if selections.contains(where: { $0.known && $0.count == 0 }) { flags.append(.unpickedSelection) }
            }
            items.append(ItemStatistics(
                questionIdentifier: q.identifier, maximumPoints: q.maximumPoints, facility: n == 0 ? nil : p,
                meanPoints: n == 0 ? nil : meanX, pointBiserial: rpb, upperLowerIndex: ul?[i],
                selections: selections, flags: flags))
        }
        let factor = k > 1 ? Double(k) / Double(k - 1) : 0
        let kr20 = k > 1 && varD > 1e-12 ? factor * (1 - sumPQ / varD) : nil
        let alpha = k > 1 && varT > 1e-12 ? factor * (1 - sumVarX / varT) : nil
        return ItemAnalysis(attempts: n, meanScore: n == 0 ? nil : meanT, scoreVariance: n == 0 ? nil : varT,
                            kr20: kr20, cronbachAlpha: alpha, items: items)
    }

    private func upperLower() -> [Double]? {
        guard n >= 2 else { return nil }
        let g = max(1, Int((0.27 * Double(n)).rounded()))
        let order = totals.indices.sorted { a, b in totals[a] != totals[b] ? totals[a] > totals[b] : a < b }
        let upper = order.prefix(g)
        let lower = order.suffix(g)
        return key.questions.indices.map { i in
            func share(_ group: ArraySlice<Int>) -> Double {
                Double(group.filter { rightBits[$0 * words + (i >> 6)] & (1 << UInt64(i & 63)) != 0 }.count) / Double(g)
            }
            return share(upper) - share(lower)
        }
    }
}

public enum ItemFlag: String, Sendable, Hashable, Codable {
    case negativeDiscrimination = "negative-discrimination"
    case nobodyRight = "nobody-right"
    case everybodyRight = "everybody-right"
    /// A selection (a distractor, or a key selection) nobody picked.
    case unpickedSelection = "unpicked-selection"
}

public struct SelectionCount: Sendable, Hashable, Codable {
    public var identifier: String
    public var count: Int
    /// False for identifiers neither the key nor the form lists.
    public var known: Bool

    public init(identifier: String, count: Int, known: Bool) {
        self.identifier = identifier
        self.count = count
        self.known = known
    }
}

public struct ItemStatistics: Sendable, Hashable, Codable {
    public var questionIdentifier: String
    public var maximumPoints: Int64
    public var facility: Double?
    public var meanPoints: Double?
    public var pointBiserial: Double?
    public var upperLowerIndex: Double?
    public var selections: [SelectionCount]
    public var flags: [ItemFlag]
}

public struct ItemAnalysis: Sendable, Hashable, Codable {
    public var attempts: Int
    public var meanScore: Double?
    public var scoreVariance: Double?
    public var kr20: Double?
    public var cronbachAlpha: Double?
    public var items: [ItemStatistics]
}

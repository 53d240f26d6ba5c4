#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Dawid–Skene (1979): estimates each object's true class and each worker's confusion matrix together, by EM,
/// without gold.
///
/// Start: each object's class distribution is its share of votes (soft majority vote). M-step: class priors are
/// the mean of those distributions; worker w's row for true class j is the expected count of each answer given
/// j, plus `smoothing` in every cell, normalised (so a class a worker never met gives a uniform row, never a
/// division by zero). E-step: each object's distribution ∝ prior × Π over its answers of the answering worker's
/// probability of that answer. Stops when the log-likelihood of the answers, per answer, gains less than
/// `tolerance` (1e-5) in an iteration (crowd-kit's rule), when no object's probability moves more than
/// `tolerance`, or after `maxIterations`. Flat arrays throughout: objects × classes, workers × classes × classes.
public struct DawidSkene: Sendable {
    public var tolerance = 1e-5
    public var maxIterations = 100
    public var smoothing = 0.01

    public init(tolerance: Double = 1e-5, maxIterations: Int = 100, smoothing: Double = 0.01) {
        self.tolerance = tolerance
        self.maxIterations = maxIterations
        self.smoothing = smoothing
    }

    public struct Result: Sendable {
        /// Per object: the most probable class (-1 for an object nobody answered).
        public var labels: [Int32]
        /// Per object × class (row-major): the estimated probability.
        public var posteriors: [Double]
        /// Class priors.
        public var priors: [Double]
        /// Per worker × true class × answer (row-major): the estimated confusion matrix.
        public var confusion: [Double]
        /// Per worker: the expected share of the worker's answers that are right (mean posterior of the answer).
        public var workerAccuracy: [Double?]
        public var iterations: Int
        public var converged: Bool
    }

    public func run(_ data: LabelData) -> Result {
        let k = data.classes.count
        let n = data.objectCount
        let m = data.workers.count
        let count = data.responseCount
        // Classes go in lanes of SIMD4: q vectors per object (one for up to four classes). Padding lanes stay 0.
        let q = max(1, (k + 3) / 4)
        let objects = data.responseObject, workers = data.responseWorker, labels = data.responseLabel
        var t = [SIMD4<Double>](repeating: .zero, count: n * q)
        var answered = [Bool](repeating: false, count: n)
        for r in 0..<count {
            let o = Int(objects[r]), l = Int(labels[r])
            t[o * q + l / 4][l % 4] += 1
            answered[o] = true
        }
        for o in 0..<n {
            var s = 0.0
            for c in 0..<q { s += t[o * q + c].sum() }
            if s > 0 { for c in 0..<q { t[o * q + c] /= s } }
        }
        var priors = [Double](repeating: 0, count: k)
        // For worker w and answer l, column (w * k + l) holds P(answer l | true class j) over j, in q vectors.
        var columns = [SIMD4<Double>](repeating: .zero, count: m * k * q)
        var logColumns = [SIMD4<Double>](repeating: .zero, count: m * k * q)
        var logT = [SIMD4<Double>](repeating: .zero, count: n * q)
        var byObject: (start: [Int], order: [Int32])? = nil
        var iterations = 0
        var converged = false
        var previousLogLikelihood = -Double.infinity
        let answeredCount = max(1, answered.reduce(0) { $0 + ($1 ? 1 : 0) })
        while iterations < maxIterations && k > 0 {
            iterations += 1
            // M-step: priors, then expected (true class, answer) counts per worker, smoothed and normalised per
            // true class.
            var priorSum = [SIMD4<Double>](repeating: .zero, count: q)
            for o in 0..<n where answered[o] { for c in 0..<q { priorSum[c] += t[o * q + c] } }
            for j in 0..<k { priors[j] = max(priorSum[j / 4][j % 4] / Double(answeredCount), 1e-12) }
            for i in 0..<columns.count { columns[i] = SIMD4(repeating: smoothing) }
            t.withUnsafeBufferPointer { tp in
                columns.withUnsafeMutableBufferPointer { cp in
                    if q == 1 {
                        for r in 0..<count { cp[Int(workers[r]) * k + Int(labels[r])] += tp[Int(objects[r])] }
                    } else {
                        for r in 0..<count {
                            let o = Int(objects[r]) * q, col = (Int(workers[r]) * k + Int(labels[r])) * q
                            for c in 0..<q { cp[col + c] += tp[o + c] }
                        }
                    }
                }
            }
            for w in 0..<m {
                var rowSum = [SIMD4<Double>](repeating: .zero, count: q)
                for l in 0..<k { for c in 0..<q { rowSum[c] += columns[(w * k + l) * q + c] } }
                for l in 0..<k {
                    for c in 0..<q {
                        let i = (w * k + l) * q + c
                        columns[i] /= rowSum[c]
                        var lg = SIMD4<Double>.zero
                        for lane in 0..<4 where c * 4 + lane < k { lg[lane] = log(columns[i][lane]) }
                        logColumns[i] = lg
                    }
                }
            }
            // E-step: prior × Π P(answer | class) over the object's answers, then normalise. Products of
            // probabilities (no exp/log per object); an object whose product underflows is redone in log space.
            var priorVector = [SIMD4<Double>](repeating: .zero, count: q)
            for j in 0..<k { priorVector[j / 4][j % 4] = priors[j] }
            for o in 0..<n { for c in 0..<q { logT[o * q + c] = priorVector[c] } }
            logT.withUnsafeMutableBufferPointer { lt in
                columns.withUnsafeBufferPointer { cp in
                    if q == 1 {
                        for r in 0..<count { lt[Int(objects[r])] *= cp[Int(workers[r]) * k + Int(labels[r])] }
                    } else {
                        for r in 0..<count {
                            let o = Int(objects[r]) * q, col = (Int(workers[r]) * k + Int(labels[r])) * q
                            for c in 0..<q { lt[o + c] *= cp[col + c] }
                        }
                    }
                }
            }
            var change = 0.0
            var logLikelihood = 0.0
            for o in 0..<n where answered[o] {
                var s = 0.0
                for c in 0..<q { s += logT[o * q + c].sum() }
                if !(s > 1e-250) || !s.isFinite {
                    let scale = redoInLogSpace(o, into: &logT, q: q, k: k, priors: priors, logColumns: logColumns, byObject: &byObject, data: data)
                    s = 0
                    for c in 0..<q { s += logT[o * q + c].sum() }
                    logLikelihood += scale
                }
                logLikelihood += log(s)
                for c in 0..<q {
                    let v = logT[o * q + c] / s
                    let d = v - t[o * q + c]
                    change = max(change, d.max(), -d.min())
                    t[o * q + c] = v
                }
            }
            let perAnswer = logLikelihood / Double(max(count, 1))
            if change < tolerance || perAnswer - previousLogLikelihood < tolerance {
                converged = true
                break
            }
            previousLogLikelihood = perAnswer
        }
        var result = [Int32](repeating: -1, count: n)
        var posteriors = [Double](repeating: 0, count: n * k)
        for o in 0..<n {
            for j in 0..<k { posteriors[o * k + j] = t[o * q + j / 4][j % 4] }
            guard answered[o], k > 0 else { continue }
            var best = 0
            for j in 1..<k where posteriors[o * k + j] > posteriors[o * k + best] { best = j }
            result[o] = Int32(best)
        }
        var confusion = [Double](repeating: 0, count: m * k * k)
        for w in 0..<m {
            for l in 0..<k {
                for j in 0..<k { confusion[w * k * k + j * k + l] = iterations > 0 ? columns[(w * k + l) * q + j / 4][j % 4] : 0 }
            }
        }
        var sum = [Double](repeating: 0, count: m)
        var seen = [Int](repeating: 0, count: m)
        for r in 0..<count {
            sum[Int(workers[r])] += posteriors[Int(objects[r]) * k + Int(labels[r])]
            seen[Int(workers[r])] += 1
        }
        let accuracy: [Double?] = (0..<m).map { seen[$0] > 0 ? sum[$0] / Double(seen[$0]) : nil }
        return Result(labels: result, posteriors: posteriors, priors: priors, confusion: confusion, workerAccuracy: accuracy,
                      iterations: iterations, converged: converged)
    }

    /// The E-step for one object in log space (when the product of its probabilities underflows: very many answers).
    /// Returns the log of the scale taken out (the values written are the probabilities divided by e^scale).
    private func redoInLogSpace(_ o: Int, into lt: inout [SIMD4<Double>], q: Int, k: Int, priors: [Double],
                                logColumns: [SIMD4<Double>], byObject: inout (start: [Int], order: [Int32])?, data: LabelData) -> Double {
        if byObject == nil {
            var start = [Int](repeating: 0, count: data.objectCount + 1)
            for r in 0..<data.responseCount { start[Int(data.responseObject[r]) + 1] += 1 }
            for i in 0..<data.objectCount { start[i + 1] += start[i] }
            var fill = start
            var order = [Int32](repeating: 0, count: data.responseCount)
            for r in 0..<data.responseCount {
                let i = Int(data.responseObject[r])
                order[fill[i]] = Int32(r)
                fill[i] += 1
            }
            byObject = (start, order)
        }
        let index = byObject!
        var logs = [Double](repeating: 0, count: k)
        for j in 0..<k { logs[j] = log(priors[j]) }
        for i in index.start[o]..<index.start[o + 1] {
            let r = Int(index.order[i])
            let col = (Int(data.responseWorker[r]) * k + Int(data.responseLabel[r])) * q
            for j in 0..<k { logs[j] += logColumns[col + j / 4][j % 4] }
        }
        let top = logs.max() ?? 0
        for c in 0..<q { lt[o * q + c] = .zero }
        for j in 0..<k { lt[o * q + j / 4][j % 4] = exp(logs[j] - top) }
        return top
    }
}

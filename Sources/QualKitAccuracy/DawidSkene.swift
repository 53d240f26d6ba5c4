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
/// probability of that answer. Stops when no object's probability moves more than `tolerance`, or after
/// `maxIterations`. Flat arrays throughout: objects × classes, workers × classes × classes.
public struct DawidSkene: Sendable {
    public var tolerance = 1e-6
    public var maxIterations = 100
    public var smoothing = 0.01

    public init(tolerance: Double = 1e-6, maxIterations: Int = 100, smoothing: Double = 0.01) {
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
        let objects = data.responseObject, workers = data.responseWorker, labels = data.responseLabel
        var t = [Double](repeating: 0, count: n * k)
        var answered = [Bool](repeating: false, count: n)
        for r in 0..<count {
            t[Int(objects[r]) * k + Int(labels[r])] += 1
            answered[Int(objects[r])] = true
        }
        for o in 0..<n {
            var s = 0.0
            for c in 0..<k { s += t[o * k + c] }
            if s > 0 { for c in 0..<k { t[o * k + c] /= s } }
        }
        var priors = [Double](repeating: 0, count: k)
        var pi = [Double](repeating: 0, count: m * k * k)
        var logPi = [Double](repeating: 0, count: m * k * k)
        var logT = [Double](repeating: 0, count: n * k)
        var iterations = 0
        var converged = false
        let answeredCount = max(1, answered.reduce(0) { $0 + ($1 ? 1 : 0) })
        while iterations < maxIterations && k > 0 {
            iterations += 1
            // M-step.
            for c in 0..<k { priors[c] = 0 }
            for o in 0..<n where answered[o] { for c in 0..<k { priors[c] += t[o * k + c] } }
            for c in 0..<k { priors[c] = max(priors[c] / Double(answeredCount), 1e-12) }
            for i in 0..<pi.count { pi[i] = smoothing }
            t.withUnsafeBufferPointer { tp in
                pi.withUnsafeMutableBufferPointer { pp in
                    for r in 0..<count {
                        let o = Int(objects[r]) * k
                        let base = Int(workers[r]) * k * k + Int(labels[r])
                        for j in 0..<k { pp[base + j * k] += tp[o + j] }
                    }
                }
            }
            for w in 0..<m {
                for j in 0..<k {
                    let row = w * k * k + j * k
                    var s = 0.0
                    for l in 0..<k { s += pi[row + l] }
                    for l in 0..<k {
                        pi[row + l] /= s
                        logPi[row + l] = log(pi[row + l])
                    }
                }
            }
            // E-step.
            for o in 0..<n {
                for c in 0..<k { logT[o * k + c] = log(priors[c]) }
            }
            logT.withUnsafeMutableBufferPointer { lt in
                logPi.withUnsafeBufferPointer { lp in
                    for r in 0..<count {
                        let o = Int(objects[r]) * k
                        let base = Int(workers[r]) * k * k + Int(labels[r])
                        for j in 0..<k { lt[o + j] += lp[base + j * k] }
                    }
                }
            }
            var change = 0.0
            for o in 0..<n where answered[o] {
                var top = -Double.infinity
                for c in 0..<k { top = max(top, logT[o * k + c]) }
                var s = 0.0
                for c in 0..<k {
                    let e = exp(logT[o * k + c] - top)
                    logT[o * k + c] = e
                    s += e
                }
                for c in 0..<k {
                    let v = logT[o * k + c] / s
                    change = max(change, abs(v - t[o * k + c]))
                    t[o * k + c] = v
                }
            }
            if change < tolerance {
                converged = true
                break
            }
        }
        var result = [Int32](repeating: -1, count: n)
        for o in 0..<n where answered[o] {
            var best = 0
            for c in 1..<max(k, 1) where t[o * k + c] > t[o * k + best] { best = c }
            result[o] = Int32(best)
        }
        var sum = [Double](repeating: 0, count: m)
        var seen = [Int](repeating: 0, count: m)
        for r in 0..<count {
            sum[Int(workers[r])] += t[Int(objects[r]) * k + Int(labels[r])]
            seen[Int(workers[r])] += 1
        }
        let accuracy: [Double?] = (0..<m).map { seen[$0] > 0 ? sum[$0] / Double(seen[$0]) : nil }
        return Result(labels: result, posteriors: t, priors: priors, confusion: pi, workerAccuracy: accuracy,
                      iterations: iterations, converged: converged)
    }
}

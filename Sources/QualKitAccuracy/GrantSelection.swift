/// Chooses whom to grant a qualification after a pilot: workers with enough gold answers and a high enough gold
/// accuracy, each with value = round(100 × gold accuracy) (halves round up).
public struct GrantSelection: Sendable {
    public struct Grant: Sendable, Hashable {
        public var workerId: String
        public var value: Int32
    }

    public struct LeftOut: Sendable, Hashable {
        public enum Reason: Sendable, Hashable {
            case noGold
            case tooFewGold(have: Int, need: Int)
            case belowBar(accuracy: Double, bar: Double)
            case notGrantable
        }
        public var workerId: String
        public var reason: Reason

        public var description: String {
            switch reason {
            case .noGold: "\(workerId): no gold answers"
            case .tooFewGold(let have, let need): "\(workerId): too few gold answers (\(have), at least \(need) needed)"
            case .belowBar(let a, let bar):
                "\(workerId): gold accuracy \(Self.format(a)) is below \(Self.format(bar))"
            case .notGrantable: "\(workerId): not an MTurk worker ID, so it cannot be granted a qualification"
            }
        }

        static func format(_ x: Double) -> String {
            let v = (x * 1000).rounded() / 1000
            return String(v)
        }
    }

    public var grants: [Grant] = []
    public var leftOut: [LeftOut] = []

    /// - Parameters:
    ///   - workers: The measured workers (in the order the grants are written).
    ///   - minAccuracy: The bar (inclusive), 0…1.
    ///   - minGold: The least number of gold answers.
    ///   - isGrantable: Whether an id can be granted (MTurk worker ids only; Ground Truth's `public.…` ids are not).
    public init(_ workers: [WorkerAccuracy], minAccuracy: Double, minGold: Int,
                isGrantable: (String) -> Bool = { _ in true }) {
        for w in workers {
            guard let accuracy = w.goldAccuracy else {
                leftOut.append(LeftOut(workerId: w.workerId, reason: .noGold))
                continue
            }
            if w.goldResponses < minGold {
                leftOut.append(LeftOut(workerId: w.workerId, reason: .tooFewGold(have: w.goldResponses, need: minGold)))
            } else if accuracy < minAccuracy - 1e-12 {
                leftOut.append(LeftOut(workerId: w.workerId, reason: .belowBar(accuracy: accuracy, bar: minAccuracy)))
            } else if !isGrantable(w.workerId) {
                leftOut.append(LeftOut(workerId: w.workerId, reason: .notGrantable))
            } else {
                grants.append(Grant(workerId: w.workerId, value: Int32((200 * w.goldCorrect + w.goldResponses) / (2 * w.goldResponses))))
            }
        }
    }

    /// The grants file: `worker,value` header and one row per grant.
    public var csv: String {
        var text = "worker,value\n"
        for g in grants { text += "\(g.workerId),\(g.value)\n" }
        return text
    }
}

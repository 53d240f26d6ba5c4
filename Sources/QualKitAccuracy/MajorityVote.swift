/// Consolidation by majority vote.
public enum MajorityVote {
    /// The most frequent answer of each object (-1 for an object nobody answered).
    ///
    /// Ties go to the class that comes first in sorted class order (``LabelData/classes``): deterministic, and the
    /// same rule as crowd-kit's `MajorityVote` (first of the tied columns).
    public static func labels(_ data: LabelData) -> [Int32] {
        let k = data.classes.count
        var votes = [Int32](repeating: 0, count: data.objectCount * k)
        for r in 0..<data.responseCount {
            votes[Int(data.responseObject[r]) * k + Int(data.responseLabel[r])] += 1
        }
        var out = [Int32](repeating: -1, count: data.objectCount)
        for o in 0..<data.objectCount {
            var best = -1
            var bestVotes: Int32 = 0
            for c in 0..<k where votes[o * k + c] > bestVotes {
                best = c
                bestVotes = votes[o * k + c]
            }
            out[o] = Int32(best)
        }
        return out
    }
}

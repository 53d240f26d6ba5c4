/// The Wilson score interval for a binomial proportion.
public enum Wilson {
    /// z for a two-sided 95% interval.
    public static let z95 = 1.959963984540054

    /// The interval for `successes` out of `trials` (nil when there are no trials).
    ///
    /// (p + z²/2n ± z·√(p(1−p)/n + z²/4n²)) / (1 + z²/n), clipped to [0, 1].
    public static func interval(successes: Double, trials: Double, z: Double = z95) -> (low: Double, high: Double)? {
        guard trials > 0 else { return nil }
        let p = successes / trials
        let z2 = z * z
        let denominator = 1 + z2 / trials
        let centre = p + z2 / (2 * trials)
        let margin = z * (p * (1 - p) / trials + z2 / (4 * trials * trials)).squareRoot()
        return (max(0, (centre - margin) / denominator), min(1, (centre + margin) / denominator))
    }
}

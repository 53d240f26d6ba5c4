import QualKit

/// How one summed score became a qualification value, step by step.
public struct ValueDerivation: Sendable, Hashable, Codable, CustomStringConvertible {
    public var sum: Int64
    /// `none`, `percentage`, `scale` or `range`.
    public var mapping: String
    /// The exact computation, e.g. `100 × 7 ÷ 8 = 87.5`.
    public var formula: String
    /// Whether rounding changed the exact value (it was not an integer).
    public var rounded: Bool
    /// The rounding mode used (only meaningful when `rounded`).
    public var rounding: Rounding
    /// The value, or nil when it does not fit 32 bits.
    public var value: Int32?

    public var description: String {
        var s = formula
        if rounded { s += " → \(value.map(String.init) ?? "out of range") (\(rounding.rawValue))" }
        else if value == nil { s += " → out of 32-bit range" }
        return s
    }
}

/// The value mapping of a key, validated once.
struct ValueMapper: Sendable {
    enum Kind: Sendable {
        case none
        case percentage(max: Int64)
        case scale(significand: Int128, exponent: Int, text: String)
        case range(ranges: [ScoreRange], outOfRange: Int32)
    }

    let kind: Kind
    let rounding: Rounding

    init(_ mapping: ValueMapping?, rounding: Rounding) throws(ScoringKeyError) {
        self.rounding = rounding
        switch mapping {
        case nil:
            kind = .none
        case .percentage(let max, let origin)?:
            guard max > 0 else {
                throw ScoringKeyError("MaximumSummedScore is \(max); the percentage divides by it",
                                      hint: "set MaximumSummedScore to the highest score a worker can reach (a positive integer)",
                                      at: origin.location)
            }
            kind = .percentage(max: Int64(max))
        case .scale(let multiplier, let origin)?:
            guard case .finite(var significand, var exponent) = multiplier.value else {
                throw ScoringKeyError("SummedScoreMultiplier is \(multiplier.text), not a finite number",
                                      hint: "use a finite decimal such as 1, 2.5 or 0.1", at: origin.location)
            }
            // Normalise 1.50 (150 × 10⁻²) to 15 × 10⁻¹ so the common cases stay in the fast path.
            while significand != 0, significand % 10 == 0, exponent < 0 {
                significand /= 10
                exponent += 1
            }
            kind = .scale(significand: significand, exponent: exponent, text: multiplier.text)
        case .range(let ranges, let outOfRange, _)?:
            kind = .range(ranges: ranges, outOfRange: outOfRange)
        }
    }

    @inline(__always)
    func map(_ sum: Int64) -> Result<Int32, ValueError> {
        switch kind {
        case .none:
            if let v = Int32(exactly: sum) { return .success(v) }
            return .failure(ValueError(sum: sum, mapped: String(sum)))
        case .percentage(let max):
            let v = rounding.divide(Int128(sum) * 100, by: Int128(max))
            if let v32 = Int32(exactly: v) { return .success(v32) }
            return .failure(ValueError(sum: sum, mapped: Self.fraction(Int128(sum) * 100, Int128(max))))
        case .scale(let significand, let exponent, let text):
            if let v = ExactDecimal.scale(sum, significand: significand, exponent: exponent, mode: rounding),
               let v32 = Int32(exactly: v) {
                return .success(v32)
            }
            return .failure(ValueError(sum: sum, mapped: "\(sum) × \(text)"))
        case .range(let ranges, let outOfRange):
            for r in ranges where r.contains(sum) { return .success(r.value) }
            return .success(outOfRange)
        }
    }

    func derive(_ sum: Int64) -> ValueDerivation {
        let result = try? map(sum).get()
        switch kind {
        case .none:
            return ValueDerivation(sum: sum, mapping: "none", formula: "summed score \(sum)", rounded: false,
                                   rounding: rounding, value: result)
        case .percentage(let max):
            let n = Int128(sum) * 100
            return ValueDerivation(sum: sum, mapping: "percentage", formula: "100 × \(sum) ÷ \(max) = \(Self.fraction(n, Int128(max)))",
                                   rounded: n % Int128(max) != 0, rounding: rounding, value: result)
        case .scale(let significand, let exponent, let text):
            let exact = Self.decimal(Int128(sum), significand: significand, exponent: exponent)
            let inexact = exponent < 0 && !Self.isWhole(Int128(sum), significand: significand, exponent: exponent)
            return ValueDerivation(sum: sum, mapping: "scale", formula: "\(sum) × \(text) = \(exact)",
                                   rounded: inexact, rounding: rounding, value: result)
        case .range(let ranges, let outOfRange):
            if let r = ranges.first(where: { $0.contains(sum) }) {
                return ValueDerivation(sum: sum, mapping: "range", formula: "\(sum) is in \(r.lowerBound)…\(r.upperBound)",
                                       rounded: false, rounding: rounding, value: r.value)
            }
            return ValueDerivation(sum: sum, mapping: "range", formula: "\(sum) is in no range: OutOfRangeQualificationValue \(outOfRange)",
                                   rounded: false, rounding: rounding, value: outOfRange)
        }
    }

    private static func isWhole(_ sum: Int128, significand: Int128, exponent: Int) -> Bool {
        let (p, o) = sum.multipliedReportingOverflow(by: significand)
        guard !o, exponent >= -38 else { return false }
        var d: Int128 = 1
        for _ in 0..<(-exponent) { d *= 10 }
        return p % d == 0
    }

    /// `n ÷ d` as an exact decimal when it terminates within 6 places, else rounded to 6 with "…".
    static func fraction(_ n: Int128, _ d: Int128) -> String {
        let negative = (n < 0) != (d < 0)
        var num = n.magnitude
        let den = d.magnitude
        let whole = num / den
        num %= den
        var s = (negative && (whole != 0 || num != 0) ? "-" : "") + String(whole)
        if num == 0 { return s }
        s += "."
        var digits = 0
        while num != 0 && digits < 6 {
            num *= 10
            s += String(num / den)
            num %= den
            digits += 1
        }
        if num != 0 { s += "…" }
        return s
    }

    /// `sum × significand × 10^exponent` written exactly (when it fits 128 bits).
    static func decimal(_ sum: Int128, significand: Int128, exponent: Int) -> String {
        let (p, o) = sum.multipliedReportingOverflow(by: significand)
        guard !o else { return "\(sum) × \(significand)e\(exponent)" }
        if exponent >= 0 { return String(p) + String(repeating: "0", count: min(exponent, 400)) }
        var digits = String(p.magnitude)
        let places = -exponent
        if digits.count <= places { digits = String(repeating: "0", count: places - digits.count + 1) + digits }
        var intPart = String(digits.dropLast(places))
        var frac = String(digits.suffix(places))
        while frac.last == "0" { frac.removeLast() }
        if intPart.isEmpty { intPart = "0" }
        return (p < 0 ? "-" : "") + intPart + (frac.isEmpty ? "" : "." + frac)
    }
}

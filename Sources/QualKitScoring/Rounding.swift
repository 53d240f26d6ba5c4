/// How a non-integer qualification value is rounded to an integer.
///
/// MTurk documents "rounded to the nearest integer" for PercentageMapping without a tie rule; QualKit's
/// default is ``halfUp``, Java's `Math.round` (ties toward +∞), and every mode is computed exactly in
/// integers, never in binary floating point.
public enum Rounding: String, Sendable, Hashable, CaseIterable, Codable {
    /// Nearest integer, ties toward +∞ (Java `Math.round`): 2.5 → 3, −2.5 → −2.
    case halfUp = "half-up"
    /// Nearest integer, ties to the even neighbour (banker's rounding): 2.5 → 2, 3.5 → 4, −2.5 → −2.
    case halfEven = "half-even"
    /// Nearest integer, ties away from zero: 2.5 → 3, −2.5 → −3.
    case halfAway = "half-away"
    /// Toward zero: 2.7 → 2, −2.7 → −2.
    case truncate

    /// Rounds the exact quotient `numerator / denominator` (denominator > 0) to an integer.
    public func divide(_ numerator: Int128, by denominator: Int128) -> Int128 {
        precondition(denominator > 0, "denominator must be positive")
        // Floor division: q = ⌊n/d⌋, 0 ≤ r < d.
        var q = numerator / denominator
        var r = numerator % denominator
        if r < 0 {
            q -= 1
            r += denominator
        }
        if r == 0 { return q }
        return Self.adjust(floor: q, remainderVsHalf: Self.compare(remainder: r, denominator: denominator),
                           negative: numerator < 0, mode: self)
    }

    /// -1, 0 or 1 as 2r is below, equal to or above d (without overflow).
    static func compare(remainder r: Int128, denominator d: Int128) -> Int {
        let other = d - r  // 2r vs d  ⇔  r vs d − r
        return r < other ? -1 : (r == other ? 0 : 1)
    }

    /// Given ⌊x⌋ of a non-integer x and how its fraction compares to ½, returns x rounded under `mode`.
    static func adjust(floor q: Int128, remainderVsHalf c: Int, negative: Bool, mode: Rounding) -> Int128 {
        switch mode {
        case .truncate:
            return negative ? q + 1 : q
        case .halfUp:
            return c >= 0 ? q + 1 : q
        case .halfAway:
            if c != 0 { return c > 0 ? q + 1 : q }
            return negative ? q : q + 1
        case .halfEven:
            if c != 0 { return c > 0 ? q + 1 : q }
            return q % 2 == 0 ? q : q + 1
        }
    }

    /// A short description for tables: `half-up (ties toward +∞, Java Math.round)`.
    public var explanation: String {
        switch self {
        case .halfUp: "half-up: nearest integer, ties toward +∞ (Java Math.round)"
        case .halfEven: "half-even: nearest integer, ties to even"
        case .halfAway: "half-away: nearest integer, ties away from zero"
        case .truncate: "truncate: toward zero"
        }
    }
}

/// Exact `(a × m) ÷ 10^k` rounding for a ScaleMapping, with a fall-back to arbitrary precision when
/// 128 bits are not enough.
enum ExactDecimal {
    /// `value × significand × 10^exponent` rounded under `mode`; nil when the result does not fit in Int64.
    static func scale(_ value: Int64, significand: Int128, exponent: Int, mode: Rounding) -> Int64? {
        if value == 0 || significand == 0 { return 0 }
        let (product, overflow) = Int128(value).multipliedReportingOverflow(by: significand)
        if !overflow {
            if exponent >= 0 {
                var result = product
                for _ in 0..<exponent {
                    let (next, o) = result.multipliedReportingOverflow(by: 10)
                    if o { return nil }
                    result = next
                }
                return Int64(exactly: result)
            }
            if exponent >= -38 {
                var divisor: Int128 = 1
                for _ in 0..<(-exponent) { divisor *= 10 }
                return Int64(exactly: mode.divide(product, by: divisor))
            }
        }
        return bigScale(value, significand: significand, exponent: exponent, mode: mode)
    }

    /// Schoolbook arithmetic on base-2³² limbs; slow, reached only for extreme multipliers.
    static func bigScale(_ value: Int64, significand: Int128, exponent: Int, mode: Rounding) -> Int64? {
        let negative = (value < 0) != (significand < 0)
        var limbs = limbsOf(value.magnitude)
        let sigLimbs = limbsOf(significand.magnitude)
        limbs = multiply(limbs, sigLimbs)
        if exponent >= 0 {
            for _ in 0..<exponent {
                multiplySmall(&limbs, 10)
                if limbs.count > 4 { return nil }
            }
            guard let m = magnitude(limbs) else { return nil }
            return signed(m, negative: negative)
        }
        // Divide by 10 |exponent| times; track the last discarded digit and whether any other was non-zero.
        var lastDigit: UInt32 = 0
        var stickyNonZero = false
        for _ in 0..<(-exponent) {
            if limbs.isEmpty {
                if lastDigit != 0 { stickyNonZero = true }
                lastDigit = 0
                continue
            }
            let digit = divideSmall(&limbs, 10)
            if lastDigit != 0 { stickyNonZero = true }
            lastDigit = digit
        }
        guard let floorMagnitude = magnitude(limbs) else { return nil }
        let c: Int = lastDigit > 5 || (lastDigit == 5 && stickyNonZero) ? 1 : (lastDigit == 5 ? 0 : -1)
        let inexact = lastDigit != 0 || stickyNonZero
        guard let m = Int128(exactly: floorMagnitude) else { return nil }
        // Work on the signed value: floor of a negative non-integer is −m − 1.
        var q = negative ? -m : m
        if inexact {
            if negative {
                q -= 1
                // The fraction of x above ⌊x⌋ is 1 − (discarded fraction): mirror the comparison.
                let mirrored = -c
                return Int64(exactly: Rounding.adjust(floor: q, remainderVsHalf: mirrored, negative: true, mode: mode))
            }
            return Int64(exactly: Rounding.adjust(floor: q, remainderVsHalf: c, negative: false, mode: mode))
        }
        return Int64(exactly: q)
    }

    private static func signed(_ m: UInt128, negative: Bool) -> Int64? {
        guard let v = Int128(exactly: m) else { return nil }
        return Int64(exactly: negative ? -v : v)
    }

    private static func limbsOf(_ v: some UnsignedInteger & FixedWidthInteger) -> [UInt32] {
        var out: [UInt32] = []
        var x = UInt128(v)
        while x != 0 {
            out.append(UInt32(truncatingIfNeeded: x))
            x >>= 32
        }
        return out
    }

    private static func multiply(_ a: [UInt32], _ b: [UInt32]) -> [UInt32] {
        if a.isEmpty || b.isEmpty { return [] }
        var out = [UInt32](repeating: 0, count: a.count + b.count)
        for i in 0..<a.count {
            var carry: UInt64 = 0
            for j in 0..<b.count {
                let t = UInt64(a[i]) * UInt64(b[j]) + UInt64(out[i + j]) + carry
                out[i + j] = UInt32(truncatingIfNeeded: t)
                carry = t >> 32
            }
            out[i + b.count] = UInt32(carry)
        }
        while out.last == 0 { out.removeLast() }
        return out
    }

    private static func multiplySmall(_ a: inout [UInt32], _ m: UInt32) {
        var carry: UInt64 = 0
        for i in 0..<a.count {
            let t = UInt64(a[i]) * UInt64(m) + carry
            a[i] = UInt32(truncatingIfNeeded: t)
            carry = t >> 32
        }
        if carry != 0 { a.append(UInt32(carry)) }
    }

    private static func divideSmall(_ a: inout [UInt32], _ d: UInt32) -> UInt32 {
        var remainder: UInt64 = 0
        for i in stride(from: a.count - 1, through: 0, by: -1) {
            let cur = (remainder << 32) | UInt64(a[i])
            a[i] = UInt32(cur / UInt64(d))
            remainder = cur % UInt64(d)
        }
        while a.last == 0 { a.removeLast() }
        return UInt32(remainder)
    }

    private static func magnitude(_ a: [UInt32]) -> UInt128? {
        guard a.count <= 4 else { return nil }
        var v: UInt128 = 0
        for limb in a.reversed() { v = (v << 32) | UInt128(limb) }
        return v
    }
}

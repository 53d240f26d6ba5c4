/// An AnswerKey: how MTurk grades a qualification test automatically.
public struct AnswerKey: Sendable, Hashable {
    public var questions: [KeyQuestion]
    public var mapping: ValueMapping?

    public init(questions: [KeyQuestion], mapping: ValueMapping? = nil) {
        self.questions = questions
        self.mapping = mapping
    }
}

public struct KeyQuestion: Sendable, Hashable {
    public var identifier: String
    public var options: [AnswerOption]
    /// Added when no option matches the worker's answer (absent = 0).
    public var defaultScore: Int32?
    public var origin: Origin

    public init(identifier: String, options: [AnswerOption], defaultScore: Int32? = nil, origin: Origin = Origin()) {
        self.identifier = identifier
        self.options = options
        self.defaultScore = defaultScore
        self.origin = origin
    }
}

public struct AnswerOption: Sendable, Hashable {
    /// The selections a worker must choose, all of them and no others, to earn `score`.
    public var selectionIdentifiers: [String]
    public var score: Int32
    public var origin: Origin

    public init(selectionIdentifiers: [String], score: Int32, origin: Origin = Origin()) {
        self.selectionIdentifiers = selectionIdentifiers
        self.score = score
        self.origin = origin
    }

    /// The option's identifiers as a set (duplicates collapse, case-sensitive, no trimming).
    public var selectionSet: Set<String> { Set(selectionIdentifiers) }
}

/// How the summed score becomes the qualification value.
public enum ValueMapping: Sendable, Hashable {
    /// 100 × sum ÷ maximum, rounded to the nearest integer.
    case percentage(maximumSummedScore: Int32, origin: Origin)
    /// sum × multiplier.
    case scale(multiplier: DecimalNumber, origin: Origin)
    /// The value of the range holding the sum (inclusive bounds), else `outOfRange`.
    case range(ranges: [ScoreRange], outOfRange: Int32, origin: Origin)
}

public struct ScoreRange: Sendable, Hashable {
    public var lowerBound: Int32
    public var upperBound: Int32
    public var value: Int32
    public var origin: Origin

    public init(lowerBound: Int32, upperBound: Int32, value: Int32, origin: Origin = Origin()) {
        self.lowerBound = lowerBound
        self.upperBound = upperBound
        self.value = value
        self.origin = origin
    }

    public func contains(_ sum: Int64) -> Bool { Int64(lowerBound) <= sum && sum <= Int64(upperBound) }
}

/// An xs:double value kept exactly as written: `significand × 10^exponent`, or NaN / ±infinity.
/// `1.5` is 15 × 10⁻¹ and `2.5E1` is 25 × 10⁰, with no binary floating point involved.
public struct DecimalNumber: Sendable, Hashable, CustomStringConvertible {
    public enum Value: Sendable, Hashable {
        case finite(significand: Int128, exponent: Int)
        case notANumber
        case infinity(negative: Bool)
    }

    /// The text as written in the document.
    public var text: String
    public var value: Value

    /// Parses the xs:double lexical space (`-1.5`, `.5`, `1e-3`, `NaN`, `INF`, `-INF`). Returns nil for
    /// anything else or for a significand with more than 38 digits.
    public init?(_ text: String) {
        let t = text.trimmingXMLWhitespace()
        self.text = t
        switch t {
        case "NaN": value = .notANumber; return
        case "INF", "+INF": value = .infinity(negative: false); return
        case "-INF": value = .infinity(negative: true); return
        default: break
        }
        var chars = Substring(t)
        var negative = false
        if chars.first == "-" || chars.first == "+" {
            negative = chars.first == "-"
            chars = chars.dropFirst()
        }
        var mantissa = chars
        var exponent = 0
        if let e = chars.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = chars[..<e]
            guard let exp = Int(chars[chars.index(after: e)...]), abs(exp) < 1000 else { return nil }
            exponent = exp
        }
        let parts = mantissa.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, !mantissa.isEmpty, mantissa != "." else { return nil }
        let whole = parts[0]
        let fraction = parts.count == 2 ? parts[1] : ""
        let digits = (whole + fraction).drop { $0 == "0" }
        guard (whole + fraction).allSatisfy(\.isASCIIDigit), !(whole + fraction).isEmpty, digits.count <= 38 else { return nil }
        var significand: Int128 = 0
        for d in digits { significand = significand * 10 + Int128(d.asciiValue! - 48) }
        value = .finite(significand: negative ? -significand : significand, exponent: exponent - fraction.count)
    }

    public var description: String { text }

    public var isFinite: Bool { if case .finite = value { true } else { false } }
}

extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}

extension StringProtocol {
    /// Trims the XML whitespace characters (space, tab, CR, LF), as xs:int and friends do.
    func trimmingXMLWhitespace() -> String {
        let ws: Set<Character> = [" ", "\t", "\r", "\n", "\r\n"]
        var s = Substring(self)
        while let f = s.first, ws.contains(f) { s = s.dropFirst() }
        while let l = s.last, ws.contains(l) { s = s.dropLast() }
        return String(s)
    }
}

/// Finding where a JSON string ends, shared by the byte-level JSON readers of scoring and accuracy.
///
/// A string's content runs to the first quote that is not escaped. Most of it is plain text, so the scan tests
/// sixteen bytes at a time for the three bytes that need a closer look: a quote, a backslash, or a control
/// character (which RFC 8259 §7 forbids unescaped). The `Test` and `Answer` fields of a QualificationRequest are
/// kilobytes of XML with few escapes, so this is most of the time spent skipping or finding them.
public enum JSONStringScan {
    /// Why a string's end could not be found.
    public enum Problem: Error, Sendable, Equatable {
        /// A raw control character (below U+0020) at this offset.
        case controlCharacter(UInt8, at: Int)
        /// The text ends before the closing quote.
        case unterminated

        /// A sentence for messages.
        public var message: String {
            switch self {
            case .controlCharacter(let b, _):
                "control character 0x\(String(b, radix: 16)) inside a string (escape it, e.g. \\n or \\t)"
            case .unterminated: "unterminated string"
            }
        }
    }

    /// Where a string ends.
    public struct End: Sendable, Equatable {
        /// The offset of the closing quote.
        public var quote: Int
        /// Whether the content holds a backslash escape.
        public var escapes: Bool

        public init(quote: Int, escapes: Bool) {
            self.quote = quote
            self.escapes = escapes
        }
    }

    /// Finds the closing quote of the string whose content starts at `start` (just after the opening quote).
    public static func end(of bytes: UnsafeRawBufferPointer, contentStart start: Int) throws(Problem) -> End {
        let n = bytes.count
        var i = start
        var escapes = false
        while true {
            i = nextSpecial(in: bytes, from: i)
            guard i < n else { throw .unterminated }
            let b = bytes[i]
            if b == 0x22 { return End(quote: i, escapes: escapes) }
            if b == 0x5C {
                // The escaped byte is skipped whatever it is; decoding checks that the escape is valid.
                escapes = true
                i += 2
                if i > n { throw .unterminated }
                continue
            }
            throw .controlCharacter(b, at: i)
        }
    }

    /// The offset of the first quote, backslash or control character at or after `from`, or `bytes.count`.
    public static func nextSpecial(in bytes: UnsafeRawBufferPointer, from: Int) -> Int {
        let n = bytes.count
        var i = from
        #if _endian(little)
        // Locals, not static lets: a static would be an initialisation check on every step.
        let ones = SIMD2<UInt64>(repeating: 0x0101_0101_0101_0101)
        let highs = SIMD2<UInt64>(repeating: 0x8080_8080_8080_8080)
        let quotes = SIMD2<UInt64>(repeating: 0x2222_2222_2222_2222)
        let backslashes = SIMD2<UInt64>(repeating: 0x5C5C_5C5C_5C5C_5C5C)
        let spaces = SIMD2<UInt64>(repeating: 0x2020_2020_2020_2020)
        // Sixteen bytes are tested at once as two 64-bit lanes (little-endian machines): a zero byte after an xor
        // with '"' or with '\\', or a byte below 0x20, gets its high bit set. Borrows can also flag bytes above a
        // flagged one, never below, so the lowest flagged byte is the first special one. (Integer arithmetic on
        // SIMD2<UInt64> compiles to vector instructions; SIMD16<UInt8> comparisons do not.)
        @inline(__always) func flags(_ at: Int) -> SIMD2<UInt64> {
            let w = bytes.loadUnaligned(fromByteOffset: at, as: SIMD2<UInt64>.self)
            let q = w ^ quotes, b = w ^ backslashes
            return (((q &- ones) & ~q) | ((b &- ones) & ~b) | ((w &- spaces) & ~w)) & highs
        }
        /// The offset in a 16-byte block of its first flagged byte, or nil.
        @inline(__always) func firstFlagged(_ f: SIMD2<UInt64>) -> Int? {
            if f[0] != 0 { return f[0].trailingZeroBitCount >> 3 }
            if f[1] != 0 { return 8 + f[1].trailingZeroBitCount >> 3 }
            return nil
        }
        // A clean stretch is passed 32 bytes per test; the two blocks' flags are then looked at lane by lane.
        while i + 32 <= n {
            let a = flags(i), b = flags(i + 16)
            let f = a | b
            if f[0] | f[1] != 0 { return i + (firstFlagged(a) ?? 16 + firstFlagged(b)!) }
            i += 32
        }
        if i + 16 <= n {
            if let k = firstFlagged(flags(i)) { return i + k }
            i += 16
        }
        #endif
        while i < n {
            let b = bytes[i]
            if b == 0x22 || b == 0x5C || b < 0x20 { return i }
            i += 1
        }
        return n
    }
}

/// Decoding of JSON string escapes (RFC 8259 §7), shared by the byte-level JSON readers of scoring and accuracy:
/// each finds its strings its own way and hands every backslash here.
public enum JSONEscape {
    /// Why an escape could not be decoded.
    public enum Problem: Error, Sendable, Equatable {
        /// A backslash is the last byte of the string.
        case dangling
        /// `\` followed by a character that is not an escape.
        case unknown(UInt8)
        /// `\u` not followed by four hex digits.
        case badUnicode
        /// A `\uD800`–`\uDFFF` half without its other half.
        case unpairedSurrogate

        /// A sentence for messages.
        public var message: String {
            switch self {
            case .dangling: "dangling backslash in a string"
            case .unknown(let e): "unknown escape \\\(Character(Unicode.Scalar(e)))"
            case .badUnicode: "bad \\u escape (four hex digits needed)"
            case .unpairedSurrogate: "unpaired surrogate in a \\u escape"
            }
        }
    }

    /// Decodes the escape whose backslash is at `text[at]` (`text` ends where the string's content ends), appending
    /// its UTF-8 to `out`.
    ///
    /// - Returns: The number of bytes the escape spans (2, 6, or 12 for a surrogate pair).
    /// - Throws: ``Problem``; the escape starts at `at`.
    @inlinable
    public static func decode(_ text: UnsafeRawBufferPointer, at: Int, appendingTo out: inout [UInt8]) throws(Problem) -> Int {
        guard at + 1 < text.count else { throw .dangling }
        let e = text[at + 1]
        switch e {
        case 0x22, 0x5C, 0x2F: out.append(e)
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "f"): out.append(0x0C)
        case UInt8(ascii: "n"): out.append(0x0A)
        case UInt8(ascii: "r"): out.append(0x0D)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "u"):
            guard let high = hex4(text, at + 2) else { throw .badUnicode }
            var scalar = high
            var length = 6
            if (0xD800..<0xDC00).contains(high) {
                guard at + 7 < text.count, text[at + 6] == 0x5C, text[at + 7] == UInt8(ascii: "u"),
                      let low = hex4(text, at + 8), (0xDC00..<0xE000).contains(low) else { throw .unpairedSurrogate }
                scalar = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
                length = 12
            } else if (0xDC00..<0xE000).contains(high) {
                throw .unpairedSurrogate
            }
            out.append(contentsOf: String(Unicode.Scalar(scalar)!).utf8)
            return length
        default:
            throw .unknown(e)
        }
        return 2
    }

    /// The value of four hex digits at `text[at]`, nil when they are not there.
    @usableFromInline
    static func hex4(_ text: UnsafeRawBufferPointer, _ at: Int) -> UInt32? {
        guard at + 4 <= text.count else { return nil }
        var v: UInt32 = 0
        for k in at..<(at + 4) {
            let b = text[k]
            let d: UInt32
            switch b {
            case 0x30...0x39: d = UInt32(b - 0x30)
            case 0x41...0x46: d = UInt32(b - 0x41 + 10)
            case 0x61...0x66: d = UInt32(b - 0x61 + 10)
            default: return nil
            }
            v = v << 4 | d
        }
        return v
    }
}

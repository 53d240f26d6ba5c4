import JSONEscapes
import Testing

/// The word-at-a-time string scanner against a byte-by-byte reading of the same rule.
struct JSONStringScanTests {
    /// The rule, one byte at a time: the first unescaped quote ends the string; a raw control character is an error.
    private func naive(_ b: [UInt8], from start: Int) -> Result<JSONStringScan.End, JSONStringScan.Problem> {
        var i = start
        var escapes = false
        while i < b.count {
            switch b[i] {
            case 0x22: return .success(JSONStringScan.End(quote: i, escapes: escapes))
            case 0x5C: escapes = true; i += 2
            case let c where c < 0x20: return .failure(.controlCharacter(c, at: i))
            default: i += 1
            }
        }
        return .failure(.unterminated)
    }

    private func scan(_ b: [UInt8], from start: Int) -> Result<JSONStringScan.End, JSONStringScan.Problem> {
        b.withUnsafeBytes { p in Result { () throws(JSONStringScan.Problem) in try JSONStringScan.end(of: p, contentStart: start) } }
    }

    @Test func agreesWithAByteByByteScanOnRandomText() {
        var rng = SystemRandomNumberGenerator()
        // Mostly plain text, with quotes, backslashes, control characters and non-ASCII bytes sprinkled in at
        // every offset relative to the 8-byte steps.
        let alphabet: [UInt8] = Array("abcdefghij<>=/ ".utf8) + [0x22, 0x5C, 0x09, 0x0A, 0x00, 0x1F, 0x20, 0x7F, 0x80, 0xC3, 0xA9, 0xFF]
        for _ in 0..<20_000 {
            let length = Int.random(in: 0..<80, using: &rng)
            let rare = Int.random(in: 2...40, using: &rng)
            let bytes = (0..<length).map { _ in
                Int.random(in: 0..<rare, using: &rng) == 0 ? alphabet.randomElement(using: &rng)! : UInt8(ascii: "m")
            }
            let start = length == 0 ? 0 : Int.random(in: 0...length, using: &rng)
            #expect(scan(bytes, from: start) == naive(bytes, from: start), "\(bytes) from \(start)")
        }
    }

    @Test func escapedQuotesAndBackslashesAtTheEdgeOfEachStep() {
        for pad in 0..<34 {
            let s = Array(String(repeating: "a", count: pad).utf8) + Array(#"\"\\"x"#.utf8)
            #expect(scan(s, from: 0) == .success(JSONStringScan.End(quote: pad + 4, escapes: true)), "pad \(pad)")
            let cut = Array(String(repeating: "a", count: pad).utf8) + [0x5C]
            #expect(scan(cut, from: 0) == .failure(.unterminated), "pad \(pad)")
        }
    }
}

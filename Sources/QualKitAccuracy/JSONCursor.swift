import JSONEscapes
/// A small pull reader over JSON bytes: walks objects and arrays, reads strings, skips what is not needed.
///
/// It checks syntax fully (strings, escapes, numbers, literals, nesting) so a damaged file is an error, not a
/// silently wrong count; it builds no tree, which keeps reading a million worker answers cheap.
struct JSONCursor {
    private let bytes: UnsafeRawBufferPointer
    private(set) var position: Int
    private var depth = 0
    static let maximumDepth = 512

    init(_ bytes: UnsafeRawBufferPointer, from start: Int = 0) {
        self.bytes = bytes
        self.position = start
    }

    struct Failure: Error {
        var offset: Int
        var message: String
    }

    var atEnd: Bool { position >= bytes.count }

    private func fail(_ message: String) -> Failure { Failure(offset: position, message: message) }

    private func describeHere() -> String {
        guard position < bytes.count else { return "the end of the input" }
        let b = bytes[position]
        if b >= 0x20 && b < 0x7F { return "'\(Character(Unicode.Scalar(b)))'" }
        return "byte 0x\(String(b, radix: 16))"
    }

    mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }

    /// The next non-space byte without consuming it (nil at the end).
    mutating func peek() -> UInt8? {
        skipWhitespace()
        return position < bytes.count ? bytes[position] : nil
    }

    mutating func expect(_ byte: UInt8, _ what: String) throws(Failure) {
        skipWhitespace()
        guard position < bytes.count, bytes[position] == byte else { throw fail("expected \(what), found \(describeHere())") }
        position += 1
    }

    // MARK: objects and arrays

    /// Consumes `{`.
    mutating func beginObject() throws(Failure) {
        try expect(UInt8(ascii: "{"), "'{' (a JSON object)")
        depth += 1
        if depth > Self.maximumDepth { throw fail("nesting deeper than \(Self.maximumDepth)") }
    }

    /// The next key of the current object as a byte range (the cursor then sits after the colon),
    /// or nil when the object ends (the `}` is consumed). `first` is true before the first key.
    mutating func nextKey(first: inout Bool) throws(Failure) -> Range<Int>? {
        skipWhitespace()
        guard position < bytes.count else { throw fail("unterminated object") }
        if bytes[position] == UInt8(ascii: "}") {
            position += 1
            depth -= 1
            return nil
        }
        if !first {
            try expect(UInt8(ascii: ","), "',' or '}' in an object")
            skipWhitespace()
        }
        first = false
        guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else { throw fail("expected a key string, found \(describeHere())") }
        let range = try scanString()
        try expect(UInt8(ascii: ":"), "':' after a key")
        return range
    }

    /// Consumes `[`.
    mutating func beginArray() throws(Failure) {
        try expect(UInt8(ascii: "["), "'[' (a JSON array)")
        depth += 1
        if depth > Self.maximumDepth { throw fail("nesting deeper than \(Self.maximumDepth)") }
    }

    /// True when another element follows (the cursor then sits at it); false when the array ends.
    mutating func nextElement(first: inout Bool) throws(Failure) -> Bool {
        skipWhitespace()
        guard position < bytes.count else { throw fail("unterminated array") }
        if bytes[position] == UInt8(ascii: "]") {
            position += 1
            depth -= 1
            return false
        }
        if !first { try expect(UInt8(ascii: ","), "',' or ']' in an array") }
        first = false
        return true
    }

    /// Whether the raw key bytes (without quotes, no escapes) equal `name`.
    func key(_ range: Range<Int>, is name: StaticString) -> Bool {
        guard range.count == name.utf8CodeUnitCount else { return false }
        let p = name.utf8Start
        var i = 0
        for j in range {
            if bytes[j] != p[i] { return false }
            i += 1
        }
        return true
    }

    /// Whether the raw key bytes equal `name` (given as UTF-8 bytes).
    func key(_ range: Range<Int>, equals name: [UInt8]) -> Bool {
        guard range.count == name.count else { return false }
        var i = 0
        for j in range {
            if bytes[j] != name[i] { return false }
            i += 1
        }
        return true
    }

    /// Whether the raw key bytes end with `suffix`.
    func key(_ range: Range<Int>, endsWith suffix: StaticString) -> Bool {
        let n = suffix.utf8CodeUnitCount
        guard range.count >= n else { return false }
        let p = suffix.utf8Start
        var i = 0
        for j in (range.upperBound - n)..<range.upperBound {
            if bytes[j] != p[i] { return false }
            i += 1
        }
        return true
    }

    /// The decoded text of a string range returned by `nextKey` or `scanString`.
    func text(_ range: Range<Int>) throws(Failure) -> String {
        var hasEscape = false
        for j in range where bytes[j] == UInt8(ascii: "\\") {
            hasEscape = true
            break
        }
        let slice = UnsafeRawBufferPointer(rebasing: bytes[range])
        if !hasEscape { return String(decoding: slice, as: UTF8.self) }
        return try Self.unescape(slice, offset: range.lowerBound)
    }

    // MARK: values

    /// Reads a string value (the cursor must be at it, possibly after spaces).
    mutating func readString() throws(Failure) -> String {
        skipWhitespace()
        guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else { throw fail("expected a string, found \(describeHere())") }
        return try text(scanString())
    }

    /// Reads a string value and returns the range of its raw (still escaped) content, building no `String`.
    mutating func readStringRange() throws(Failure) -> Range<Int> {
        skipWhitespace()
        guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else { throw fail("expected a string, found \(describeHere())") }
        return try scanString()
    }

    /// Whether a raw string range holds a backslash escape.
    func hasEscape(_ range: Range<Int>) -> Bool {
        for j in range where bytes[j] == UInt8(ascii: "\\") { return true }
        return false
    }

    /// Reads a string or a number as text (manifests write the class index either way).
    mutating func readScalarText() throws(Failure) -> String? {
        switch peek() ?? 0 {
        case UInt8(ascii: "\""): return try readString()
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            let start = position
            try skipValue()
            return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
        default:
            try skipValue()
            return nil
        }
    }

    /// Skips one complete value of any kind, checking its syntax.
    mutating func skipValue() throws(Failure) {
        skipWhitespace()
        guard position < bytes.count else { throw fail("expected a value, found the end of the input") }
        switch bytes[position] {
        case UInt8(ascii: "\""):
            _ = try scanString()
        case UInt8(ascii: "{"):
            try beginObject()
            var first = true
            while try nextKey(first: &first) != nil { try skipValue() }
        case UInt8(ascii: "["):
            try beginArray()
            var first = true
            while try nextElement(first: &first) { try skipValue() }
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            try scanNumber()
        default:
            throw fail("expected a value, found \(describeHere())")
        }
    }

    /// Checks that only spaces follow.
    mutating func expectEnd() throws(Failure) {
        skipWhitespace()
        if position < bytes.count { throw fail("unexpected \(describeHere()) after the JSON value") }
    }

    private mutating func literal(_ word: StaticString) throws(Failure) {
        let n = word.utf8CodeUnitCount
        guard position + n <= bytes.count else { throw fail("expected \(word)") }
        let p = word.utf8Start
        for i in 0..<n where bytes[position + i] != p[i] { throw fail("expected \(word)") }
        position += n
    }

    private mutating func scanNumber() throws(Failure) {
        let start = position
        if bytes[position] == UInt8(ascii: "-") { position += 1 }
        func digits(_ c: inout JSONCursor) -> Int {
            var n = 0
            while c.position < c.bytes.count, c.bytes[c.position] >= 0x30, c.bytes[c.position] <= 0x39 {
                c.position += 1
                n += 1
            }
            return n
        }
        let intStart = position
        let intDigits = digits(&self)
        if intDigits == 0 { position = start; throw fail("malformed number") }
        if intDigits > 1 && bytes[intStart] == 0x30 { position = start; throw fail("number with a leading zero") }
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            position += 1
            if digits(&self) == 0 { throw fail("malformed number: no digits after '.'") }
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") { position += 1 }
            if digits(&self) == 0 { throw fail("malformed number: no digits in the exponent") }
        }
    }

    /// Scans a string at the cursor (at its opening quote); returns the range of its raw content.
    private mutating func scanString() throws(Failure) -> Range<Int> {
        let start = position + 1
        do throws(JSONStringScan.Problem) {
            let end = try JSONStringScan.end(of: bytes, contentStart: start)
            position = end.quote + 1
            return start..<end.quote
        } catch {
            if case .controlCharacter(_, let at) = error { position = at }
            throw fail(error.message)
        }
    }

    private static func unescape(_ raw: UnsafeRawBufferPointer, offset: Int) throws(Failure) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var i = 0
        while i < raw.count {
            let b = raw[i]
            guard b == UInt8(ascii: "\\") else {
                out.append(b)
                i += 1
                continue
            }
            do throws(JSONEscape.Problem) {
                i += try JSONEscape.decode(raw, at: i, appendingTo: &out)
            } catch {
                throw Failure(offset: offset + i, message: error.message)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

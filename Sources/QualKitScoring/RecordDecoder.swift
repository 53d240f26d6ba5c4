#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where an attempt came from: the request's identifiers and its place in the input.
public struct AttemptSource: Sendable, Hashable, Codable {
    /// `QualificationRequestId` (or `AssignmentId` for assignment records).
    public var requestId: String?
    public var workerId: String?
    public var qualificationTypeId: String?
    /// `SubmitTime` as written (an ISO date string or epoch seconds).
    public var submitTime: String?
    /// The input name: a file path, or `-` for standard input.
    public var input: String
    /// The line where the record starts (JSON inputs).
    public var line: Int?

    public init(requestId: String? = nil, workerId: String? = nil, qualificationTypeId: String? = nil,
                submitTime: String? = nil, input: String, line: Int? = nil) {
        self.requestId = requestId
        self.workerId = workerId
        self.qualificationTypeId = qualificationTypeId
        self.submitTime = submitTime
        self.input = input
        self.line = line
    }

    /// A short name for messages: the request id, else `input:line`.
    public var label: String { requestId ?? (line.map { "\(input):\($0)" } ?? input) }
}

/// One attempt read from an input: its source and its QuestionFormAnswers bytes, or why the record is broken.
public struct AttemptRecord: Sendable {
    public var source: AttemptSource
    /// The `Answer` text (empty: no answers).
    public var answer: [UInt8]
    /// The text came from JSON, so it is UTF-8 whatever its XML declaration says.
    public var fromJSON: Bool
    /// Set when the record itself could not be read (bad JSON); the attempt then counts as failed.
    public var failure: AttemptFailure?

    public init(source: AttemptSource, answer: [UInt8], fromJSON: Bool, failure: AttemptFailure? = nil) {
        self.source = source
        self.answer = answer
        self.fromJSON = fromJSON
        self.failure = failure
    }
}

/// Decodes QualificationRequest records from JSON text: one record object, a ListQualificationRequests
/// response page (`{"QualificationRequests": [...], "NextToken": ...}`), an array of records, or assignment
/// records (`AssignmentId`, `Assignments`). Only the fields scoring needs are decoded; `Test` is skipped.
public enum RecordDecoder {
    /// Decodes one top-level JSON value.
    ///
    /// - Parameters:
    ///   - bytes: The value's text.
    ///   - input: The input name, for sources and messages.
    ///   - line: The line where the value starts in the input.
    /// - Returns: One record per attempt found; a broken value gives one record with `failure` set.
    public static func decode(_ bytes: UnsafeRawBufferPointer, input: String, line: Int) -> [AttemptRecord] {
        var c = JSONCursor(bytes: bytes)
        var out: [AttemptRecord] = []
        do {
            c.skipWhitespace()
            guard let first = c.peek() else { throw c.error("empty JSON value") }
            switch first {
            case UInt8(ascii: "{"):
                try decodeObject(&c, input: input, baseLine: line, allowPage: true, into: &out)
            case UInt8(ascii: "["):
                try decodeArray(&c, input: input, baseLine: line, into: &out)
            default:
                throw c.error("expected a JSON object (a QualificationRequest record) or an array of them")
            }
            c.skipWhitespace()
            if c.peek() != nil { throw c.error("unexpected text after the JSON value") }
        } catch let e as JSONSyntaxError {
            let (l, col) = position(of: e.offset, in: bytes, baseLine: line)
            out.append(AttemptRecord(
                source: AttemptSource(input: input, line: line), answer: [], fromJSON: true,
                failure: AttemptFailure(kind: "bad-record", message: "invalid JSON: \(e.message)",
                                        hint: "each record must be a JSON object like ListQualificationRequests returns",
                                        line: l, column: col)))
        } catch {}
        return out
    }

    public static func decode(_ bytes: [UInt8], input: String, line: Int) -> [AttemptRecord] {
        bytes.withUnsafeBytes { decode($0, input: input, line: line) }
    }

    static func position(of offset: Int, in bytes: UnsafeRawBufferPointer, baseLine: Int) -> (Int, Int) {
        var line = baseLine
        var lineStart = 0
        for i in 0..<min(offset, bytes.count) where bytes[i] == 0x0A {
            line += 1
            lineStart = i + 1
        }
        return (line, offset - lineStart + 1)
    }

    private static func decodeArray(_ c: inout JSONCursor, input: String, baseLine: Int, into out: inout [AttemptRecord]) throws {
        c.i += 1
        c.skipWhitespace()
        if c.peek() == UInt8(ascii: "]") { c.i += 1; return }
        while true {
            c.skipWhitespace()
            guard c.peek() == UInt8(ascii: "{") else { throw c.error("array elements must be QualificationRequest objects") }
            try decodeObject(&c, input: input, baseLine: baseLine, allowPage: false, into: &out)
            c.skipWhitespace()
            guard let b = c.next() else { throw c.error("unterminated array") }
            if b == UInt8(ascii: "]") { return }
            guard b == UInt8(ascii: ",") else { throw c.error("expected ',' or ']' in array", at: c.i - 1) }
        }
    }

    private static func decodeObject(_ c: inout JSONCursor, input: String, baseLine: Int, allowPage: Bool,
                                     into out: inout [AttemptRecord]) throws {
        let start = c.i
        c.i += 1
        var source = AttemptSource(input: input, line: baseLine + c.newlines(before: start))
        var answer: [UInt8] = []
        var recordFields = 0
        var isPage = false
        c.skipWhitespace()
        if c.peek() == UInt8(ascii: "}") {
            c.i += 1
        } else {
            while true {
                c.skipWhitespace()
                let key = try c.string()
                c.skipWhitespace()
                guard c.next() == UInt8(ascii: ":") else { throw c.error("expected ':' after a key", at: c.i - 1) }
                c.skipWhitespace()
                switch Field(key) {
                case .answer:
                    recordFields += 1
                    if c.peek() == UInt8(ascii: "n") { try c.literal("null") } else { answer = try c.string() }
                case .requestId, .assignmentId:
                    recordFields += 1
                    source.requestId = try c.optionalText()
                case .workerId:
                    recordFields += 1
                    source.workerId = try c.optionalText()
                case .typeId:
                    source.qualificationTypeId = try c.optionalText()
                case .submitTime:
                    source.submitTime = try c.scalarText()
                case .page where allowPage && c.peek() == UInt8(ascii: "["):
                    isPage = true
                    try decodeArray(&c, input: input, baseLine: baseLine, into: &out)
                default:
                    try c.skipValue()
                }
                c.skipWhitespace()
                guard let b = c.next() else { throw c.error("unterminated object") }
                if b == UInt8(ascii: "}") { break }
                guard b == UInt8(ascii: ",") else { throw c.error("expected ',' or '}' in object", at: c.i - 1) }
            }
        }
        if isPage { return }
        guard recordFields > 0 else {
            throw c.error("this object has no QualificationRequestId, WorkerId or Answer: not a QualificationRequest record", at: start)
        }
        out.append(AttemptRecord(source: source, answer: answer, fromJSON: true))
    }

    private enum Field {
        case answer, requestId, assignmentId, workerId, typeId, submitTime, page, other

        private enum Names {
            static let answer = Array("Answer".utf8)
            static let workerId = Array("WorkerId".utf8)
            static let submitTime = Array("SubmitTime".utf8)
            static let assignments = Array("Assignments".utf8)
            static let assignmentId = Array("AssignmentId".utf8)
            static let typeId = Array("QualificationTypeId".utf8)
            static let requests = Array("QualificationRequests".utf8)
            static let requestId = Array("QualificationRequestId".utf8)
        }

        init(_ key: [UInt8]) {
            switch key.count {
            case 6 where key == Names.answer: self = .answer
            case 8 where key == Names.workerId: self = .workerId
            case 10 where key == Names.submitTime: self = .submitTime
            case 11 where key == Names.assignments: self = .page
            case 12 where key == Names.assignmentId: self = .assignmentId
            case 19 where key == Names.typeId: self = .typeId
            case 21 where key == Names.requests: self = .page
            case 22 where key == Names.requestId: self = .requestId
            default: self = .other
            }
        }
    }
}

struct JSONSyntaxError: Error {
    var offset: Int
    var message: String
}

/// A minimal JSON reader over bytes: strings are decoded to UTF-8, everything else skipped or kept as text.
struct JSONCursor {
    let bytes: UnsafeRawBufferPointer
    var i = 0
    private var newlineCountedTo = 0
    private var newlineCount = 0

    init(bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    func error(_ message: String, at offset: Int? = nil) -> JSONSyntaxError {
        JSONSyntaxError(offset: offset ?? i, message: message)
    }

    @inline(__always) func peek() -> UInt8? { i < bytes.count ? bytes[i] : nil }

    @inline(__always) mutating func next() -> UInt8? {
        guard i < bytes.count else { return nil }
        defer { i += 1 }
        return bytes[i]
    }

    @inline(__always) mutating func skipWhitespace() {
        while i < bytes.count {
            let b = bytes[i]
            guard b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 else { return }
            i += 1
        }
    }

    /// Newlines in `bytes[..<offset]` (offsets asked for in increasing order are counted once).
    mutating func newlines(before offset: Int) -> Int {
        if offset < newlineCountedTo { newlineCountedTo = 0; newlineCount = 0 }
        for j in newlineCountedTo..<offset where bytes[j] == 0x0A { newlineCount += 1 }
        newlineCountedTo = offset
        return newlineCount
    }

    mutating func literal(_ word: StaticString) throws {
        let n = word.utf8CodeUnitCount
        guard i + n <= bytes.count else { throw error("unexpected end of JSON") }
        for k in 0..<n where bytes[i + k] != word.utf8Start[k] { throw error("invalid JSON literal") }
        i += n
    }

    /// A string value, or nil for `null`.
    mutating func optionalText() throws -> String? {
        if peek() == UInt8(ascii: "n") {
            try literal("null")
            return nil
        }
        return String(decoding: try string(), as: UTF8.self)
    }

    /// A string or a number/literal as its text (for SubmitTime, which may be epoch seconds).
    mutating func scalarText() throws -> String? {
        switch peek() {
        case UInt8(ascii: "\""): return String(decoding: try string(), as: UTF8.self)
        case UInt8(ascii: "n"): try literal("null"); return nil
        default:
            let start = i
            try skipValue()
            return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
        }
    }

    /// Decodes a string at the cursor into UTF-8 bytes.
    mutating func string() throws -> [UInt8] {
        guard peek() == UInt8(ascii: "\"") else { throw error("expected a string") }
        let start = i + 1
        let p = bytes.baseAddress!.assumingMemoryBound(to: UInt8.self)
        let count = bytes.count
        // First pass: find the closing quote; note whether there is any escape.
        // memchr finds quotes and backslashes a vector at a time; the Answer text is long and has few escapes.
        var j = start
        var escapes = false
        while true {
            guard j < count, let q = memchr(p + j, 0x22, count - j) else { throw error("unterminated string", at: start - 1) }
            let quote = UnsafeRawPointer(p).distance(to: UnsafeRawPointer(q))
            guard let bs = memchr(p + j, 0x5C, quote - j) else {
                j = quote
                break
            }
            escapes = true
            j = UnsafeRawPointer(p).distance(to: UnsafeRawPointer(bs)) + 2
        }
        if !escapes {
            i = j + 1
            return Array(UnsafeBufferPointer(start: p + start, count: j - start))
        }
        // Second pass: decode into at most as many bytes as the escaped text has.
        let end = j
        var k = start
        var failure: JSONSyntaxError? = nil
        let out = [UInt8](unsafeUninitializedCapacity: end - start) { buf, n in
            let o = buf.baseAddress!
            n = 0
            while k < end {
                // Copy the run up to the next backslash.
                var r = end
                if let bs = memchr(p + k, 0x5C, end - k) { r = UnsafeRawPointer(p).distance(to: UnsafeRawPointer(bs)) }
                if r > k {
                    (o + n).update(from: p + k, count: r - k)
                    n += r - k
                    k = r
                }
                guard k < end else { break }
                let e = p[k + 1]
                k += 2
                switch e {
                case 0x22: o[n] = 0x22
                case 0x5C: o[n] = 0x5C
                case 0x2F: o[n] = 0x2F
                case UInt8(ascii: "b"): o[n] = 0x08
                case UInt8(ascii: "f"): o[n] = 0x0C
                case UInt8(ascii: "n"): o[n] = 0x0A
                case UInt8(ascii: "r"): o[n] = 0x0D
                case UInt8(ascii: "t"): o[n] = 0x09
                case UInt8(ascii: "u"):
                    guard var scalar = Self.hex4(p, k, end) else {
                        failure = JSONSyntaxError(offset: k - 2, message: "invalid \\u escape")
                        return
                    }
                    k += 4
                    if (0xD800..<0xDC00).contains(scalar) {
                        guard k + 1 < end, p[k] == 0x5C, p[k + 1] == UInt8(ascii: "u"), let low = Self.hex4(p, k + 2, end),
                              (0xDC00..<0xE000).contains(low) else {
                            failure = JSONSyntaxError(offset: k - 6, message: "lone surrogate in \\u escape")
                            return
                        }
                        k += 6
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00..<0xE000).contains(scalar) {
                        failure = JSONSyntaxError(offset: k - 6, message: "lone surrogate in \\u escape")
                        return
                    }
                    for byte in String(Unicode.Scalar(scalar)!).utf8 {
                        o[n] = byte
                        n += 1
                    }
                    continue
                default:
                    failure = JSONSyntaxError(offset: k - 2, message: "invalid escape \\\(Character(Unicode.Scalar(e)))")
                    return
                }
                n += 1
            }
        }
        if let failure { throw failure }
        i = end + 1
        return out
    }

    private static func hex4(_ p: UnsafePointer<UInt8>, _ at: Int, _ end: Int) -> UInt32? {
        guard at + 4 <= end else { return nil }
        var v: UInt32 = 0
        for k in at..<(at + 4) {
            let b = p[k]
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

    /// Skips a string without decoding it (e.g. the large `Test` field).
    mutating func skipString() throws {
        let start = i
        i += 1
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "\"") { i += 1; return }
            if b == UInt8(ascii: "\\") { i += 2; continue }
            if b < 0x20 { throw error("control character in a string (write \\n, \\t …)") }
            i += 1
        }
        throw error("unterminated string", at: start)
    }

    /// Skips any JSON value.
    mutating func skipValue() throws {
        skipWhitespace()
        guard let b = peek() else { throw error("unexpected end of JSON, expected a value") }
        switch b {
        case UInt8(ascii: "\""): try skipString()
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            let close = b == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]")
            i += 1
            skipWhitespace()
            if peek() == close { i += 1; return }
            while true {
                skipWhitespace()
                if close == UInt8(ascii: "}") {
                    guard peek() == UInt8(ascii: "\"") else { throw error("expected a key string") }
                    try skipString()
                    skipWhitespace()
                    guard next() == UInt8(ascii: ":") else { throw error("expected ':' after a key", at: i - 1) }
                }
                try skipValue()
                skipWhitespace()
                guard let n = next() else { throw error("unterminated \(close == UInt8(ascii: "}") ? "object" : "array")") }
                if n == close { return }
                guard n == UInt8(ascii: ",") else { throw error("expected ',' or '\(Character(Unicode.Scalar(close)))'", at: i - 1) }
            }
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        case UInt8(ascii: "-"), 0x30...0x39:
            let start = i
            i += 1
            while i < bytes.count {
                let d = bytes[i]
                guard (0x30...0x39).contains(d) || d == UInt8(ascii: ".") || d == UInt8(ascii: "e") || d == UInt8(ascii: "E")
                    || d == UInt8(ascii: "+") || d == UInt8(ascii: "-") else { break }
                i += 1
            }
            if i == start + 1 && b == UInt8(ascii: "-") { throw error("invalid number", at: start) }
        default:
            throw error("unexpected character '\(Character(Unicode.Scalar(b)))'")
        }
    }
}

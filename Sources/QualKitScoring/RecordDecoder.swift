import JSONEscapes
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
    /// One record as the decoder sees it. `answer` points into the value's text or the caller's scratch space:
    /// valid only during the call that receives it.
    public struct RecordView {
        public var source: AttemptSource
        /// The `Answer` text, unescaped (empty: no answers).
        public var answer: UnsafeRawBufferPointer
        /// Set when the record itself could not be read (bad JSON); the attempt then counts as failed.
        public var failure: AttemptFailure?
    }

    /// Decodes one top-level JSON value, calling `each` once per attempt found (a broken value gives one call
    /// with `failure` set, after the records read before the break). Nothing is allocated for an `Answer`
    /// written without escapes; one with escapes is unescaped into `scratch`, which is reused.
    ///
    /// - Parameters:
    ///   - bytes: The value's text.
    ///   - input: The input name, for sources and messages.
    ///   - line: The line where the value starts in the input.
    public static func decode(_ bytes: UnsafeRawBufferPointer, input: String, line: Int, scratch: inout [UInt8],
                              each: (RecordView) -> Void) {
        var c = JSONCursor(bytes: bytes)
        do {
            c.skipWhitespace()
            guard let first = c.peek() else { throw c.error("empty JSON value") }
            switch first {
            case UInt8(ascii: "{"):
                try decodeObject(&c, input: input, baseLine: line, allowPage: true, scratch: &scratch, each: each)
            case UInt8(ascii: "["):
                try decodeArray(&c, input: input, baseLine: line, scratch: &scratch, each: each)
            default:
                throw c.error("expected a JSON object (a QualificationRequest record) or an array of them")
            }
            c.skipWhitespace()
            if c.peek() != nil { throw c.error("unexpected text after the JSON value") }
        } catch let e as JSONSyntaxError {
            let (l, col) = position(of: e.offset, in: bytes, baseLine: line)
            each(RecordView(
                source: AttemptSource(input: input, line: line), answer: UnsafeRawBufferPointer(start: nil, count: 0),
                failure: AttemptFailure(kind: "bad-record", message: "invalid JSON: \(e.message)",
                                        hint: "each record must be a JSON object like ListQualificationRequests returns",
                                        line: l, column: col)))
        } catch {}
    }

    /// Decodes one top-level JSON value into records that own their answer bytes.
    ///
    /// - Returns: One record per attempt found; a broken value gives one record with `failure` set.
    public static func decode(_ bytes: UnsafeRawBufferPointer, input: String, line: Int) -> [AttemptRecord] {
        var out: [AttemptRecord] = []
        var scratch: [UInt8] = []
        decode(bytes, input: input, line: line, scratch: &scratch) { r in
            out.append(AttemptRecord(source: r.source, answer: Array(r.answer), fromJSON: true, failure: r.failure))
        }
        return out
    }

    public static func decode(_ bytes: [UInt8], input: String, line: Int) -> [AttemptRecord] {
        bytes.withUnsafeBytes { decode($0, input: input, line: line) }
    }

    public static func decode(_ bytes: ArraySlice<UInt8>, input: String, line: Int) -> [AttemptRecord] {
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

    private static func decodeArray(_ c: inout JSONCursor, input: String, baseLine: Int, scratch: inout [UInt8],
                                    each: (RecordView) -> Void) throws {
        c.i += 1
        c.skipWhitespace()
        if c.peek() == UInt8(ascii: "]") { c.i += 1; return }
        while true {
            c.skipWhitespace()
            guard c.peek() == UInt8(ascii: "{") else { throw c.error("array elements must be QualificationRequest objects") }
            try decodeObject(&c, input: input, baseLine: baseLine, allowPage: false, scratch: &scratch, each: each)
            c.skipWhitespace()
            guard let b = c.next() else { throw c.error("unterminated array") }
            if b == UInt8(ascii: "]") { return }
            guard b == UInt8(ascii: ",") else { throw c.error("expected ',' or ']' in array", at: c.i - 1) }
        }
    }

    /// Where a record's answer text is: straight in the JSON text, or unescaped into the scratch buffer.
    private enum AnswerText {
        case none
        case raw(Range<Int>)
        case scratch
    }

    private static func decodeObject(_ c: inout JSONCursor, input: String, baseLine: Int, allowPage: Bool,
                                     scratch: inout [UInt8], each: (RecordView) -> Void) throws {
        let start = c.i
        c.i += 1
        var source = AttemptSource(input: input, line: baseLine + c.newlines(before: start))
        var answer = AnswerText.none
        var recordFields = 0
        var isPage = false
        c.skipWhitespace()
        if c.peek() == UInt8(ascii: "}") {
            c.i += 1
        } else {
            while true {
                c.skipWhitespace()
                let key = try c.rawString()
                c.skipWhitespace()
                guard c.next() == UInt8(ascii: ":") else { throw c.error("expected ':' after a key", at: c.i - 1) }
                c.skipWhitespace()
                let field = key.escapes ? Field(try c.decoded(key.range)) : Field(c.raw(key.range))
                switch field {
                case .answer:
                    recordFields += 1
                    if c.peek() == UInt8(ascii: "n") {
                        try c.literal("null")
                        answer = .none
                    } else {
                        let text = try c.rawString()
                        if text.escapes {
                            scratch.removeAll(keepingCapacity: true)
                            try c.decode(text.range, appendingTo: &scratch)
                            answer = .scratch
                        } else {
                            answer = .raw(text.range)
                        }
                    }
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
                    try decodeArray(&c, input: input, baseLine: baseLine, scratch: &scratch, each: each)
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
        switch answer {
        case .none:
            each(RecordView(source: source, answer: UnsafeRawBufferPointer(start: nil, count: 0), failure: nil))
        case .raw(let range):
            each(RecordView(source: source, answer: c.raw(range), failure: nil))
        case .scratch:
            scratch.withUnsafeBytes { each(RecordView(source: source, answer: $0, failure: nil)) }
        }
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
            self = key.withUnsafeBytes { Field($0) }
        }

        init(_ key: UnsafeRawBufferPointer) {
            /// Whether `key` is `name` (the lengths are equal: the switch matched on them).
            func isName(_ name: [UInt8]) -> Bool {
                name.withUnsafeBytes { memcmp($0.baseAddress!, key.baseAddress!, name.count) == 0 }
            }
            switch key.count {
            case 6 where isName(Names.answer): self = .answer
            case 8 where isName(Names.workerId): self = .workerId
            case 10 where isName(Names.submitTime): self = .submitTime
            case 11 where isName(Names.assignments): self = .page
            case 12 where isName(Names.assignmentId): self = .assignmentId
            case 19 where isName(Names.typeId): self = .typeId
            case 21 where isName(Names.requests): self = .page
            case 22 where isName(Names.requestId): self = .requestId
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
        return try text()
    }

    /// A string or a number/literal as its text (for SubmitTime, which may be epoch seconds).
    mutating func scalarText() throws -> String? {
        switch peek() {
        case UInt8(ascii: "\""): return try text()
        case UInt8(ascii: "n"): try literal("null"); return nil
        default:
            let start = i
            try skipValue()
            return String(decoding: raw(start..<i), as: UTF8.self)
        }
    }

    /// A string value as a `String` (made straight from the JSON text when it has no escapes).
    mutating func text() throws -> String {
        let s = try rawString()
        return s.escapes ? String(decoding: try decoded(s.range), as: UTF8.self) : String(decoding: raw(s.range), as: UTF8.self)
    }

    /// The text in `range` as it is written.
    func raw(_ range: Range<Int>) -> UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: bytes[range]) }

    /// Moves past a string at the cursor; returns where its content is (between the quotes) and whether it has
    /// escapes.
    mutating func rawString() throws -> (range: Range<Int>, escapes: Bool) {
        guard peek() == UInt8(ascii: "\"") else { throw error("expected a string") }
        let start = i + 1
        do throws(JSONStringScan.Problem) {
            let end = try JSONStringScan.end(of: bytes, contentStart: start)
            i = end.quote + 1
            return (start..<end.quote, end.escapes)
        } catch {
            switch error {
            case .controlCharacter(_, let at): throw self.error(error.message, at: at)
            case .unterminated: throw self.error(error.message, at: start - 1)
            }
        }
    }

    /// The string content in `range` (from ``rawString()``) with its escapes decoded.
    func decoded(_ range: Range<Int>) throws -> [UInt8] {
        var out: [UInt8] = []
        try decode(range, appendingTo: &out)
        return out
    }

    /// Appends the string content in `range` (from ``rawString()``) with its escapes decoded to `out`.
    func decode(_ range: Range<Int>, appendingTo out: inout [UInt8]) throws {
        let p = bytes.baseAddress!.assumingMemoryBound(to: UInt8.self)
        let end = range.upperBound
        var k = range.lowerBound
        out.reserveCapacity(out.count + range.count)
        while k < end {
            // Copy the run up to the next backslash.
            var r = end
            if let bs = memchr(p + k, 0x5C, end - k) { r = UnsafeRawPointer(p).distance(to: UnsafeRawPointer(bs)) }
            if r > k {
                out.append(contentsOf: UnsafeBufferPointer(start: p + k, count: r - k))
                k = r
            }
            guard k < end else { break }
            do throws(JSONEscape.Problem) {
                k += try JSONEscape.decode(UnsafeRawBufferPointer(start: p, count: end), at: k, appendingTo: &out)
            } catch {
                throw JSONSyntaxError(offset: k, message: error.message)
            }
        }
    }

    /// Skips a string without decoding it (e.g. the large `Test` field).
    mutating func skipString() throws { _ = try rawString() }

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

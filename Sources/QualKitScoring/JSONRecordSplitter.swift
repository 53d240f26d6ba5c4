import JSONEscapes
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One top-level JSON value cut out of a stream (not yet decoded), or a stream-level syntax error.
public struct JSONItem: Sendable {
    /// The line where the value starts.
    public var line: Int
    /// The value's text: a slice of the block it was read in, shared with the other values of that block (no
    /// copy per value).
    public var bytes: ArraySlice<UInt8>
    /// Set when the stream itself is broken here; `bytes` is then empty.
    public var error: AttemptFailure?

    public init(line: Int, bytes: ArraySlice<UInt8>, error: AttemptFailure? = nil) {
        self.line = line
        self.bytes = bytes
        self.error = error
    }
}

/// Cuts a byte stream of JSON into record-sized values without decoding them, so that decoding can run in
/// parallel. Accepts JSON Lines (one object per line), concatenated or pretty-printed objects, a top-level
/// array, and response objects (`{"QualificationRequests": [...]}` or `{"Assignments": [...]}`, as the AWS CLI
/// prints all pages merged into one). The elements of an array and the records of a response object are cut out
/// one by one, so a huge array or response streams in flat memory; the response object's other fields
/// (`NextToken`, `NumResults`) are skipped.
///
/// A line of JSON Lines is taken as one value when it starts with `{` and ends with `}` (a line longer than
/// 4 MiB is scanned instead, so that a response object on one line is cut record by record); any other object
/// is scanned to its balanced end. A broken line is reported and reading resumes on the next line.
public struct JSONRecordSplitter {
    private var buffer: [UInt8] = []
    private var pos = 0
    private var line = 1
    private var inArray = false
    private var afterElement = false
    private var valueStart: Int? = nil
    private var valueLine = 0
    private var depth = 0
    private var inString = false
    private var escaped = false
    /// Where to resume looking for the end of a top-level JSON Lines object.
    private var lineSearchFrom: Int? = nil
    /// In the record array of a response object: its elements are cut like a top-level array's.
    private var inPage = false
    /// The value being scanned is the rest of a response object after its record array (`NextToken` and the
    /// like): it is scanned to its end like any value, then dropped.
    private var discarding = false
    /// A JSON Lines line longer than this is scanned rather than held whole.
    static let longLine = 4 << 20
    private var stopped = false
    public let input: String

    public init(input: String) { self.input = input }

    /// Adds bytes and returns every value completed so far.
    public mutating func feed(_ chunk: [UInt8]) -> [JSONItem] {
        chunk.withUnsafeBytes { feed($0) }
    }

    /// Adds bytes and returns every value completed so far.
    public mutating func feed(_ chunk: UnsafeRawBufferPointer) -> [JSONItem] {
        buffer.append(contentsOf: chunk)
        var items: [JSONItem] = []
        run(final: false, into: &items)
        compact(handedOut: !items.isEmpty)
        return items
    }

    /// Reads the next block with `read` straight behind the unfinished tail, instead of reading into a block
    /// that ``feed(_:)-(UnsafeRawBufferPointer)`` then copies, and returns every value completed so far.
    ///
    /// Each call starts a fresh buffer holding what is not cut yet, then the block: the one copy of that tail,
    /// and values already handed out keep the old buffer's bytes.
    ///
    /// - Parameters:
    ///   - blockSize: How much to read at most (more while one value spans several blocks, so that moving the
    ///     growing tail stays linear in its size).
    ///   - read: Fills the buffer it is given and returns the number of bytes written; 0 at the end of the input.
    /// - Returns: nil at the end of the input (then call ``finish()``).
    public mutating func feed(blockSize: Int, readingWith read: (UnsafeMutableRawBufferPointer) throws -> Int) rethrows -> [JSONItem]? {
        let keep = valueStart ?? pos
        let tail = buffer[keep...]
        let room = max(blockSize, tail.count)
        var count = 0
        buffer = try [UInt8](unsafeUninitializedCapacity: tail.count + room) { storage, initialized in
            _ = storage.initialize(fromContentsOf: tail)
            count = try read(UnsafeMutableRawBufferPointer(UnsafeMutableBufferPointer(rebasing: storage[tail.count...])))
            initialized = tail.count + count
        }
        shiftOffsets(by: keep)
        if count == 0 { return nil }
        var items: [JSONItem] = []
        run(final: false, into: &items)
        return items
    }

    /// Call at the end of the input: returns what is left, or an error for an unfinished value.
    public mutating func finish() -> [JSONItem] {
        var items: [JSONItem] = []
        run(final: true, into: &items)
        if !stopped {
            if valueStart != nil && discarding {
                items.append(failure(line: line, column: nil, "the input ends inside the response object after its records (missing '}')"))
            } else if valueStart != nil {
                items.append(failure(line: valueLine, column: nil, "the input ends inside a JSON value that starts here"))
            } else if inArray {
                items.append(failure(line: line, column: nil, "the input ends inside a JSON array (missing ']')"))
            }
        }
        buffer = []
        pos = 0
        return items
    }

    private func failure(line: Int, column: Int?, _ message: String) -> JSONItem {
        JSONItem(line: line, bytes: [], error: AttemptFailure(
            kind: "bad-record", message: "invalid JSON: \(message)",
            hint: "give JSON Lines (one QualificationRequest object per line), a JSON array, or ListQualificationRequests output",
            line: line, column: column))
    }

    /// Drops what has been cut. When values were handed out, they share the buffer's storage: the unfinished
    /// tail moves to a fresh buffer (the only copy), so later writes never touch the values' bytes.
    private mutating func compact(handedOut: Bool) {
        let keep = valueStart ?? pos
        if handedOut {
            buffer = Array(buffer[keep...])
        } else {
            guard keep > 0, keep >= buffer.count / 2 || keep > 1 << 20 else { return }
            buffer.removeSubrange(0..<keep)
        }
        shiftOffsets(by: keep)
    }

    /// Moves the scanning offsets back by the `keep` bytes dropped from the front of the buffer.
    private mutating func shiftOffsets(by keep: Int) {
        pos -= keep
        if valueStart != nil { valueStart! -= keep }
        if lineSearchFrom != nil { lineSearchFrom! -= keep }
    }

    private mutating func skipLine() {
        while pos < buffer.count, buffer[pos] != 0x0A { pos += 1 }
    }

    private mutating func run(final: Bool, into items: inout [JSONItem]) {
        guard !stopped else { pos = buffer.count; return }
        let n = buffer.count
        outer: while pos < n {
            if let start = valueStart {
                // Scanning a value to its balanced end.
                var completed = false
                while pos < n {
                    if inString && !escaped {
                        // Straight to the next quote, backslash or control byte: a record's Test and Answer are
                        // kilobytes of text (16 bytes per test).
                        pos = buffer.withUnsafeBytes { JSONStringScan.nextSpecial(in: $0, from: pos) }
                        if pos == n { break }
                    }
                    let b = buffer[pos]
                    if inString {
                        if escaped { escaped = false }
                        else if b == UInt8(ascii: "\\") { escaped = true }
                        else if b == UInt8(ascii: "\"") { inString = false }
                        else if b == 0x0A {
                            items.append(failure(line: valueLine, column: nil,
                                                 "a string is not closed before the end of line \(line)"))
                            valueStart = nil
                            discarding = false
                            inString = false
                            if inArray { stopped = true; pos = n; return }
                            break
                        }
                    } else {
                        switch b {
                        case UInt8(ascii: "\""): inString = true
                        case UInt8(ascii: "["):
                            if depth == 1 && !inArray && !discarding && startsRecordArray(at: pos) {
                                // A response object's records: cut them one by one instead of holding the object.
                                valueStart = nil
                                inArray = true
                                inPage = true
                                afterElement = false
                                pos += 1
                                continue outer
                            }
                            depth += 1
                        case UInt8(ascii: "{"): depth += 1
                        case UInt8(ascii: "}"), UInt8(ascii: "]"):
                            depth -= 1
                            if depth == 0 {
                                if !discarding { items.append(JSONItem(line: valueLine, bytes: buffer[start...pos])) }
                                discarding = false
                                valueStart = nil
                                completed = true
                            }
                        case 0x0A:
                            // A '{' in column 1 inside an unfinished top-level object: that object was a broken
                            // JSON Lines record (pretty-printers indent nested values). Report it, restart here.
                            if !inArray {
                                if pos + 1 >= n && !final { return }
                                if pos + 1 < n && buffer[pos + 1] == UInt8(ascii: "{") {
                                    items.append(failure(line: valueLine, column: nil,
                                                         "the JSON object that starts here is not complete at the end of its line"))
                                    valueStart = nil
                                    discarding = false
                                    line += 1
                                    pos += 1
                                    continue outer
                                }
                            }
                            line += 1
                        default: break
                        }
                    }
                    pos += 1
                    if completed || valueStart == nil { break }
                }
                if completed { afterElement = inArray }
                continue
            }
            let b = buffer[pos]
            switch b {
            case 0x20, 0x09, 0x0D:
                pos += 1
            case 0x0A:
                line += 1
                pos += 1
            case UInt8(ascii: "{"):
                if inArray {
                    if afterElement {
                        items.append(failure(line: line, column: nil, "expected ',' between array elements"))
                        stopped = true
                        return
                    }
                    startValue()
                    continue
                }
                // JSON Lines fast path: a line that starts with '{' and ends with '}' is one value.
                let from = lineSearchFrom ?? pos
                let j = buffer.withUnsafeBytes { b -> Int in
                    guard let hit = memchr(b.baseAddress! + from, 0x0A, n - from) else { return n }
                    return b.baseAddress!.distance(to: UnsafeRawPointer(hit))
                }
                if j == n && !final {
                    if n - pos <= Self.longLine {
                        lineSearchFrom = j
                        return  // wait for the rest of the line
                    }
                    lineSearchFrom = nil
                    startValue()
                    continue
                }
                lineSearchFrom = nil
                var end = j
                while end > pos, buffer[end - 1] == 0x20 || buffer[end - 1] == 0x0D || buffer[end - 1] == 0x09 { end -= 1 }
                if end - pos >= 2, end - pos <= Self.longLine, buffer[end - 1] == UInt8(ascii: "}") {
                    items.append(JSONItem(line: line, bytes: buffer[pos..<end]))
                    pos = j
                } else {
                    startValue()
                }
            case UInt8(ascii: "["):
                if inArray {
                    items.append(failure(line: line, column: nil, "array elements must be QualificationRequest objects"))
                    stopped = true
                    return
                }
                inArray = true
                afterElement = false
                pos += 1
            case UInt8(ascii: ",") where inArray && afterElement:
                afterElement = false
                pos += 1
            case UInt8(ascii: "]") where inArray:
                inArray = false
                afterElement = false
                pos += 1
                if inPage {
                    // The rest of the response object, from here to its closing brace.
                    inPage = false
                    startValue()
                    depth = 1
                    discarding = true
                }
            default:
                let column = column(at: pos)
                items.append(failure(line: line, column: column,
                    inArray ? "expected a QualificationRequest object, ',' or ']'" : "expected a JSON object or array"))
                if inArray { stopped = true; pos = n; return }
                skipLine()
            }
        }
    }

    /// Whether the `[` at `bracket` opens the value of a `"QualificationRequests"` or `"Assignments"` key.
    private func startsRecordArray(at bracket: Int) -> Bool {
        var k = bracket - 1
        func skipBlanks() { while k >= 0, buffer[k] == 0x20 || buffer[k] == 0x0A || buffer[k] == 0x0D || buffer[k] == 0x09 { k -= 1 } }
        skipBlanks()
        guard k >= 0, buffer[k] == UInt8(ascii: ":") else { return false }
        k -= 1
        skipBlanks()
        guard k >= 0, buffer[k] == UInt8(ascii: "\"") else { return false }
        let end = k
        k -= 1
        while k >= 0, buffer[k] != UInt8(ascii: "\"") {
            if end - k > 21 { return false }
            k -= 1
        }
        guard k >= 0 else { return false }
        let key = buffer[(k + 1)..<end]
        return key.elementsEqual("QualificationRequests".utf8) || key.elementsEqual("Assignments".utf8)
    }

    private mutating func startValue() {
        discarding = false
        valueStart = pos
        valueLine = line
        depth = 0
        inString = false
        escaped = false
    }

    private func column(at offset: Int) -> Int {
        var k = offset
        while k > 0, buffer[k - 1] != 0x0A { k -= 1 }
        return offset - k + 1
    }
}

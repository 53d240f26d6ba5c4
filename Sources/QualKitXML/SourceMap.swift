/// Maps byte offsets of a document to 1-based lines and character columns, and lists the start tags
/// in document order so element positions can be given with a column (libxml2 keeps only lines).
struct SourceMap {
    private let bytes: [UInt8]
    private var lineStarts: [Int] = [0]
    /// For each start tag in document order: offset of `<` and offset just past the closing `>`.
    private(set) var startTags: [(start: Int, end: Int)] = []
    /// Offset of a `<!DOCTYPE` declaration, if any.
    private(set) var doctypeOffset: Int?

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
        for (i, b) in bytes.enumerated() where b == UInt8(ascii: "\n") { lineStarts.append(i + 1) }
        scanTags()
    }

    func location(ofOffset offset: Int, file: String?) -> SourceLocation {
        let clamped = max(0, min(offset, bytes.count))
        var lo = 0, hi = lineStarts.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if lineStarts[mid] <= clamped { lo = mid } else { hi = mid - 1 }
        }
        var column = 1
        var i = lineStarts[lo]
        while i < clamped {
            if bytes[i] & 0xC0 != 0x80 { column += 1 }
            i += 1
        }
        return SourceLocation(file: file, line: lo + 1, column: column)
    }

    /// Where the `ordinal`-th start tag (0-based, document order) begins and where its content begins.
    func elementLocations(ordinal: Int, file: String?) -> (tag: SourceLocation, content: SourceLocation)? {
        guard ordinal < startTags.count else { return nil }
        let tag = startTags[ordinal]
        var contentStart = tag.end
        let cdata = Array("<![CDATA[".utf8)
        if contentStart + cdata.count <= bytes.count, Array(bytes[contentStart..<contentStart + cdata.count]) == cdata {
            contentStart += cdata.count
        }
        return (location(ofOffset: tag.start, file: file), location(ofOffset: contentStart, file: file))
    }

    private func hasPrefix(_ prefix: StaticString, at i: Int) -> Bool {
        let n = prefix.utf8CodeUnitCount
        guard i + n <= bytes.count else { return false }
        return prefix.withUTF8Buffer { p in
            for k in 0..<n where bytes[i + k] != p[k] { return false }
            return true
        }
    }

    private func find(_ terminator: StaticString, from i: Int) -> Int {
        var j = i
        while j < bytes.count {
            if hasPrefix(terminator, at: j) { return j + terminator.utf8CodeUnitCount }
            j += 1
        }
        return bytes.count
    }

    private mutating func scanTags() {
        var i = 0
        let n = bytes.count
        while i < n {
            guard bytes[i] == UInt8(ascii: "<") else { i += 1; continue }
            if hasPrefix("<!--", at: i) { i = find("-->", from: i + 4); continue }
            if hasPrefix("<![CDATA[", at: i) { i = find("]]>", from: i + 9); continue }
            if hasPrefix("<?", at: i) { i = find("?>", from: i + 2); continue }
            if hasPrefix("<!DOCTYPE", at: i) || hasPrefix("<!doctype", at: i) {
                if doctypeOffset == nil { doctypeOffset = i }
                i += 9
                continue
            }
            if hasPrefix("</", at: i) || hasPrefix("<!", at: i) { i += 2; continue }
            // A start tag: find its closing '>' outside quoted attribute values.
            var j = i + 1
            var quote: UInt8? = nil
            while j < n {
                let b = bytes[j]
                if let q = quote {
                    if b == q { quote = nil }
                } else if b == UInt8(ascii: "\"") || b == UInt8(ascii: "'") {
                    quote = b
                } else if b == UInt8(ascii: ">") {
                    break
                }
                j += 1
            }
            startTags.append((i, min(j + 1, n)))
            i = j + 1
        }
    }
}

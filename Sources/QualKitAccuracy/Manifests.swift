/// Readers for the line-oriented Ground Truth files: the input (dataset) manifest, the output manifest and the
/// golden manifest, plus gold CSV files. Each takes the file's bytes and a name for errors.
public enum Manifests {
    /// Problems kept per file before the rest are only counted (a wrong file would otherwise flood the screen).
    static let problemLimit = 50

    /// Calls `body` with each non-blank line (without its line break) and its 1-based line number.
    static func forEachLine(_ bytes: UnsafeRawBufferPointer,
                            _ body: (UnsafeRawBufferPointer, Int) -> Void) {
        var start = 0
        var line = 1
        let n = bytes.count
        if n >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { start = 3 }
        var i = start
        while i <= n {
            if i == n || bytes[i] == 0x0A {
                var end = i
                if end > start, bytes[end - 1] == 0x0D { end -= 1 }
                let slice = UnsafeRawBufferPointer(rebasing: bytes[start..<end])
                if slice.contains(where: { $0 != 0x20 && $0 != 0x09 }) { body(slice, line) }
                line += 1
                start = i + 1
            }
            i += 1
        }
    }

    static func jsonProblem(_ source: String, _ line: Int, _ f: JSONCursor.Failure, _ hint: String) -> AccuracyError {
        AccuracyError(source: source, line: line, message: "not valid JSON at column \(f.offset + 1): \(f.message)", hint: hint)
    }

    // MARK: dataset.manifest

    /// The number of objects in an input manifest: its non-blank lines, each of which must be one JSON object
    /// (the object's index is its 0-based position among them, as Ground Truth numbers them).
    public static func datasetObjectCount(_ bytes: [UInt8], source: String) throws(AccuracyProblems) -> Int {
        var problems: [AccuracyError] = []
        var count = 0
        bytes.withUnsafeBytes { raw in
            forEachLine(raw) { line, number in
                count += 1
                var c = JSONCursor(line)
                do throws(JSONCursor.Failure) {
                    guard c.peek() == UInt8(ascii: "{") else {
                        throw JSONCursor.Failure(offset: c.position, message: "a manifest line must be a JSON object")
                    }
                    try c.skipValue()
                    try c.expectEnd()
                } catch {
                    if problems.count < problemLimit {
                        problems.append(jsonProblem(source, number, error, "each line of a dataset manifest is one JSON object such as {\"source\": \"The fox ran.\"}"))
                    }
                }
            }
        }
        if !problems.isEmpty { throw AccuracyProblems(problems) }
        return count
    }

    // MARK: output.manifest

    /// The consolidated label of each object of an output manifest, by line (non-blank lines, 0-based).
    ///
    /// The label is `class-name` inside the `<attribute>-metadata` object. The attribute is the one whose
    /// metadata carries a `class-name` on the first line that has one; an object whose line has no such metadata
    /// (a failed object) gets nil.
    public static func consolidatedLabels(_ bytes: [UInt8], source: String) throws(AccuracyProblems) -> [String?] {
        var problems: [AccuracyError] = []
        var labels: [String?] = []
        var attribute: String? = nil
        bytes.withUnsafeBytes { raw in
            forEachLine(raw) { line, number in
                var c = JSONCursor(line)
                var label: String? = nil
                do throws(JSONCursor.Failure) {
                    guard c.peek() == UInt8(ascii: "{") else {
                        throw JSONCursor.Failure(offset: c.position, message: "a manifest line must be a JSON object")
                    }
                    try c.beginObject()
                    var first = true
                    while let key = try c.nextKey(first: &first) {
                        guard label == nil, c.key(key, endsWith: "-metadata"), c.peek() == UInt8(ascii: "{") else {
                            try c.skipValue()
                            continue
                        }
                        let name = try c.text(key)
                        if let attribute, attribute != name {
                            try c.skipValue()
                            continue
                        }
                        var inner = true
                        var className: String? = nil
                        try c.beginObject()
                        while let k = try c.nextKey(first: &inner) {
                            if c.key(k, is: "class-name"), c.peek() == UInt8(ascii: "\"") {
                                className = try c.readString()
                            } else {
                                try c.skipValue()
                            }
                        }
                        if let className {
                            label = className
                            if attribute == nil { attribute = name }
                        }
                    }
                    try c.expectEnd()
                    labels.append(label)
                } catch {
                    labels.append(nil)
                    if problems.count < problemLimit {
                        problems.append(jsonProblem(source, number, error, "each line of an output manifest is one JSON object with \"<attribute>-metadata\": {\"class-name\": …}"))
                    }
                }
            }
        }
        if !problems.isEmpty { throw AccuracyProblems(problems) }
        return labels
    }

    // MARK: gold

    /// One raw gold pair: the object key as written, the label, the line.
    public struct GoldPair: Sendable, Hashable {
        public var key: String
        public var label: String
        public var line: Int
    }

    /// Reads gold labels: JSON Lines (`{"17": "animal"}`, any number of pairs per line; the golden.manifest of
    /// the Ground Truth notebook) when the first non-space byte is `{`, else CSV `key,label` with an optional
    /// header row. A key given twice with the same label is kept once; with different labels it is an error.
    ///
    /// - Parameter isHeader: Decides whether a CSV first row is a header, from its two fields.
    public static func goldPairs(_ bytes: [UInt8], source: String,
                                 isHeader: (String, String) -> Bool) throws(AccuracyProblems) -> [GoldPair] {
        let (pairs, problems) = collectGoldPairs(bytes, source: source, isHeader: isHeader)
        if !problems.isEmpty { throw AccuracyProblems(problems) }
        return pairs
    }

    /// ``goldPairs(_:source:isHeader:)`` without throwing: the good pairs and the problems, so a reader can check
    /// the good pairs further and report everything at once.
    static func collectGoldPairs(_ bytes: [UInt8], source: String,
                                 isHeader: (String, String) -> Bool) -> ([GoldPair], [AccuracyError]) {
        let firstByte = bytes.first(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D && $0 != 0xEF && $0 != 0xBB && $0 != 0xBF })
        var pairs: [GoldPair] = []
        var problems: [AccuracyError] = []
        func note(_ e: AccuracyError) { if problems.count < problemLimit { problems.append(e) } }
        if firstByte == UInt8(ascii: "{") {
            bytes.withUnsafeBytes { raw in
                forEachLine(raw) { line, number in
                    var c = JSONCursor(line)
                    var found: [GoldPair] = []
                    do throws(JSONCursor.Failure) {
                        try c.beginObject()
                        var first = true
                        while let key = try c.nextKey(first: &first) {
                            let k = try c.text(key)
                            guard c.peek() == UInt8(ascii: "\"") else {
                                try c.skipValue()
                                note(AccuracyError(source: source, line: number, message: "the label of \"\(k)\" is not a string",
                                                   hint: "write {\"<index>\": \"<class name>\"}, e.g. {\"17\": \"animal\"}"))
                                continue
                            }
                            found.append(GoldPair(key: k, label: try c.readString(), line: number))
                        }
                        try c.expectEnd()
                        pairs.append(contentsOf: found)
                    } catch {
                        note(jsonProblem(source, number, error, "each line of a golden manifest is a JSON object such as {\"17\": \"animal\"}"))
                    }
                }
            }
        } else {
            bytes.withUnsafeBytes { raw in
                var rowNumber = 0
                do throws(AccuracyError) {
                    try CSVReader.forEachRow(raw, source: source) { fields, line throws(AccuracyError) in
                        rowNumber += 1
                        if fields.count == 1 && fields[0].isEmpty { return }
                        guard fields.count == 2 else {
                            note(AccuracyError(source: source, line: line, message: "\(fields.count) columns",
                                               hint: "a gold CSV has two columns: key,label"))
                            return
                        }
                        let key = fields[0].trimmingSpaces, label = fields[1].trimmingSpaces
                        if rowNumber == 1 && isHeader(key, label) { return }
                        guard !key.isEmpty, !label.isEmpty else {
                            note(AccuracyError(source: source, line: line, message: key.isEmpty ? "empty key" : "empty label",
                                               hint: "write key,label with both filled in"))
                            return
                        }
                        pairs.append(GoldPair(key: key, label: label, line: line))
                    }
                } catch {
                    note(error)
                }
            }
        }
        // Duplicates.
        var firstSeen: [String: GoldPair] = [:]
        var unique: [GoldPair] = []
        for p in pairs {
            if let earlier = firstSeen[p.key] {
                if earlier.label != p.label {
                    note(AccuracyError(source: source, line: p.line,
                                       message: "gold for \"\(p.key)\" is \"\(p.label)\" here but \"\(earlier.label)\" on line \(earlier.line)",
                                       hint: "keep one gold label per object"))
                }
                continue
            }
            firstSeen[p.key] = p
            unique.append(p)
        }
        return (unique, problems)
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return String(s)
    }
}

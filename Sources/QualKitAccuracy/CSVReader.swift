/// RFC 4180 CSV, as MTurk writes batch results: comma separated, fields optionally in double quotes, `""` for a
/// quote inside quotes, quoted fields may hold commas and line breaks, CRLF or LF line ends, optional UTF-8 BOM.
enum CSVReader {
    /// Calls `row` with each record's fields and the 1-based line it starts on. Blank lines are skipped.
    static func forEachRow(
        _ bytes: UnsafeRawBufferPointer, source: String,
        _ row: (_ fields: [String], _ line: Int) throws(AccuracyError) -> Void
    ) throws(AccuracyError) {
        var i = 0
        let n = bytes.count
        if n >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { i = 3 }
        var line = 1
        var fields: [String] = []
        var field: [UInt8] = []
        var rowStart = 1
        var fieldStarted = false
        func endField() {
            fields.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
        }
        while i < n {
            let b = bytes[i]
            if !fieldStarted && b == UInt8(ascii: "\"") {
                // quoted field
                let quoteLine = line
                i += 1
                var closed = false
                while i < n {
                    let c = bytes[i]
                    if c == UInt8(ascii: "\"") {
                        if i + 1 < n && bytes[i + 1] == UInt8(ascii: "\"") {
                            field.append(c)
                            i += 2
                            continue
                        }
                        i += 1
                        closed = true
                        break
                    }
                    if c == 0x0A { line += 1 }
                    field.append(c)
                    i += 1
                }
                if !closed {
                    throw AccuracyError(source: source, line: quoteLine, message: "a quoted field is never closed",
                                        hint: "every field that starts with \" must end with \"; write \"\" for a quote inside it")
                }
                fieldStarted = true
                if i < n, bytes[i] != UInt8(ascii: ","), bytes[i] != 0x0A, bytes[i] != 0x0D {
                    throw AccuracyError(source: source, line: line, message: "text after a closing quote",
                                        hint: "quote the whole field, and write \"\" for a quote inside it")
                }
                continue
            }
            switch b {
            case UInt8(ascii: ","):
                endField()
                fieldStarted = false
                i += 1
            case 0x0D, 0x0A:
                if b == 0x0D, i + 1 < n, bytes[i + 1] == 0x0A { i += 1 }
                i += 1
                if fieldStarted || !fields.isEmpty {
                    endField()
                    try row(fields, rowStart)
                }
                fields.removeAll(keepingCapacity: true)
                fieldStarted = false
                line += 1
                rowStart = line
            default:
                field.append(b)
                fieldStarted = true
                i += 1
            }
        }
        if fieldStarted || !fields.isEmpty {
            endField()
            try row(fields, rowStart)
        }
    }
}

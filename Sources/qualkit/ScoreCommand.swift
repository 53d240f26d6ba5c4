import ArgumentParser
import Foundation
import QualKit
import QualKitScoring
import QualKitOperations

enum ScoreFormat: String, ExpressibleByArgument, CaseIterable {
    case table, csv, json, jsonl
}

extension Rounding: ExpressibleByArgument {}

struct ScoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score",
        abstract: "Score qualification attempts exactly as MTurk's AnswerKey grading does.",
        discussion: """
            Give a test directory (form.xml, answer-key.xml, answers/*.xml) or --key. INPUTs are QuestionFormAnswers \
            XML files or directories, JSON Lines / JSON arrays / ListQualificationRequests output of \
            QualificationRequest records, or - for standard input. Without INPUT the test directory's answers/ are scored.
            Scoring streams in flat memory and uses every core. Exit codes: 0 all scored, 1 some attempts failed \
            (reported with record id, line and column), 2 usage or I/O error.
            """)

    @Argument(help: "A test directory, then inputs (files, directories, or - for stdin).")
    var paths: [String] = []

    @Option(help: "The AnswerKey file (instead of a test directory).")
    var key: String?

    @Option(help: "The QuestionForm file (adds the form's selections to --explain and analysis).")
    var form: String?

    @Option(help: "Output format: table, csv, json or jsonl.")
    var format: ScoreFormat = .table

    @Flag(help: "Show, per question, the selections, the matched option (or DefaultScore) and the points.")
    var explain = false

    @Option(name: .customLong("pass-value"), help: "Pass rule on the value, like a HIT requirement: 80 (>=), '>=80', 'GreaterThan:79'.")
    var passValue: String?

    @Option(help: "Rounding of non-integer values: half-up (Java Math.round, default), half-even, half-away, truncate.")
    var rounding: Rounding = .halfUp

    @Option(name: .customLong("compare-key"), help: "An older AnswerKey: list the attempts whose value changes from it to the new key.")
    var compareKey: String?

    @Option(help: "Write a grants file (worker,value; the last attempt of each worker) for the qualification grant commands.")
    var grants: String?

    @Option(help: "Worker threads (default: every core).")
    var jobs: Int?

    func validate() throws {
        if key == nil && paths.isEmpty { throw ValidationError("give a test directory, or --key FILE and inputs") }
        if let passValue, PassRule(parsing: passValue) == nil {
            throw ValidationError("--pass-value \"\(passValue)\": write a number (means >=), '>=80', '<50' or 'GreaterThanOrEqualTo:80'")
        }
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
    }

    func run() throws {
        let setup = try ScoringSetup(paths: paths, keyPath: key, formPath: form, rounding: rounding)
        let oldKey = try compareKey.map { try ScoringSetup.loadKey($0, form: setup.form, rounding: rounding) }
        let batch = BatchScorer(key: setup.key, compareKey: oldKey, detail: explain ? .explain : .value)
        let out = OutputSink()
        let rule = passValue.flatMap(PassRule.init(parsing:))
        if let rule { warnIfPassRuleCannotSeparate(rule, key: setup.key) }
        var summary = ScoreSummary(passRule: rule)
        var comparison = KeyComparison()
        var grantRows: [String: Int32] = [:]
        var grantOrder: [String] = []
        let writer = AttemptWriter(format: format, explain: explain, compare: oldKey != nil, rule: rule, key: setup.key, out: out)
        writer.begin()
        try runBatch(batch, inputs: setup.inputs, jobs: jobs) { result in
            summary.add(result.outcome)
            if let failure = result.outcome.failure { reportFailure(result.source, failure) }
            if oldKey != nil {
                if let change = comparison.add(result) {
                    writer.writeChange(change)
                    if let w = change.source.workerId, let v = change.newValue { remember(w, v) }
                }
            } else {
                writer.write(result)
                if let w = result.source.workerId, let v = result.outcome.score?.value { remember(w, v) }
            }
        }
        func remember(_ worker: String, _ value: Int32) {
            guard grants != nil else { return }
            if grantRows.updateValue(value, forKey: worker) == nil { grantOrder.append(worker) }
        }
        writer.end(summary: summary, comparison: oldKey != nil ? comparison : nil)
        out.flush()
        if let grants {
            var text = "worker,value\n"
            for w in grantOrder { text += "\(w),\(grantRows[w]!)\n" }
            do { try Data(text.utf8).write(to: URL(fileURLWithPath: grants)) } catch {
                throw CLIError.io("cannot write \(grants): \(error.localizedDescription)")
            }
        }
        if summary.failed > 0 { throw ExitCode(1) }
    }
}

// MARK: - Shared by score and analyze

/// The key, form and inputs a scoring command works on.
struct ScoringSetup {
    var key: ScoringKey
    var form: QuestionForm?
    var inputs: [String]

    init(paths: [String], keyPath: String?, formPath: String?, rounding: Rounding) throws {
        var inputs = paths
        var keyFile = keyPath
        var formFile = formPath
        if keyFile == nil {
            let dir = inputs.removeFirst()
            guard TestDirectory.isTestDirectory(dir) else {
                throw CLIError.usage("\(dir) is not a test directory (no form.xml); give one, or --key FILE")
            }
            let td = TestDirectory(path: dir)
            guard let k = td.keyPath else {
                throw CLIError.usage("\(dir) has no \(TestDirectory.keyFile): MTurk cannot grade this test automatically; give --key FILE")
            }
            keyFile = k
            if formFile == nil { formFile = td.formPath }
            if inputs.isEmpty { inputs = [(dir as NSString).appendingPathComponent(TestDirectory.answersFolder)] }
        }
        if inputs.isEmpty { throw CLIError.usage("no inputs: give answer files, directories, JSON (Lines) files, or - for stdin") }
        var form: QuestionForm? = nil
        if let formFile {
            let loaded = MTurkDocuments.questionForm(try Self.read(formFile), file: formFile)
            guard let f = loaded.value else { throw Self.documentError(formFile, loaded.diagnostics) }
            form = f
        }
        self.form = form
        self.key = try Self.loadKey(keyFile!, form: form, rounding: rounding)
        self.inputs = inputs
    }

    static func loadKey(_ path: String, form: QuestionForm?, rounding: Rounding) throws -> ScoringKey {
        let loaded = MTurkDocuments.answerKey(try read(path), file: path)
        guard let k = loaded.value else { throw documentError(path, loaded.diagnostics) }
        do { return try ScoringKey(k, form: form, rounding: rounding) } catch {
            throw CLIError.usage("\(path): \(error.location.map { "\($0.line): " } ?? "")\(error.message) (hint: \(error.hint))")
        }
    }

    static func read(_ path: String) throws -> [UInt8] {
        do { return try Files.read(path) } catch { throw CLIError.io(error.description) }
    }

    static func documentError(_ path: String, _ diagnostics: [Diagnostic]) -> CLIError {
        let text = diagnostics.filter { $0.severity == .error }.prefix(5).map { d in
            d.description + (d.hint.map { "\n  hint: \($0)" } ?? "")
        }.joined(separator: "\n")
        return CLIError.usage("\(path) cannot be used:\n\(text.isEmpty ? "unknown problem" : text)")
    }
}

/// Warns on standard error when a pass rule cannot tell attempts apart under the key's mapping: no value it gives
/// passes, or every one does (often a percentage threshold given to a RangeMapping key, or the reverse).
func warnIfPassRuleCannotSeparate(_ rule: PassRule, key: ScoringKey) {
    guard let possible = key.possibleValues else { return }
    let (some, all) = possible.passing(rule)
    guard !some || all else { return }
    note("warning: --pass-value \(rule): \(some ? "every attempt passes" : "no attempt can pass"): this key gives values "
         + "\(possible) (summed scores \(key.minimumSum)…\(key.maximumSum)); `qualkit threshold` finds the value for a goal")
}

/// Prints a failed attempt to standard error: which record, where, what.
func reportFailure(_ source: AttemptSource, _ failure: AttemptFailure) {
    var where_ = source.input
    if let l = source.line { where_ += ":\(l)" }
    var id = source.requestId.map { "request \($0)" } ?? "attempt"
    if let w = source.workerId { id += " (worker \(w))" }
    var position = ""
    if let line = failure.line {
        position = failure.kind == "bad-record" ? "" : " XML line \(line)" + (failure.column.map { ", column \($0)" } ?? "") + ":"
        if failure.kind == "bad-record" { where_ = source.input + ":\(line)" + (failure.column.map { ":\($0)" } ?? "") }
    }
    var text = "\(where_): error: \(id) not scored:\(position) \(failure.message)"
    if let hint = failure.hint { text += "\n  hint: \(hint)" }
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// Streams every input through the batch scorer on all cores; `deliver` sees results in input order.
func runBatch(_ batch: BatchScorer, inputs: [String], jobs: Int?, deliver: (AttemptResult) throws -> Void) throws {
    var reader = InputReader(paths: inputs)
    try OrderedParallelMap.run(
        workers: jobs ?? OrderedParallelMap.processorCount,
        produce: { try reader.nextChunk() },
        makeState: { batch.makeWorker() },
        process: { worker, chunk in batch.process(chunk, worker: worker) },
        deliver: { results in for r in results { try deliver(r) } })
}

/// Turns input paths into chunks of attempts: XML files read whole, JSON streamed in blocks.
struct InputReader {
    private var pending: [String]
    private var files: [String] = []
    private var stream: (fd: Int32, name: String, splitter: JSONRecordSplitter, close: Bool)? = nil
    private var buffered: [JSONItem] = []
    /// The first record of `buffered` not yet handed out.
    private var next = 0
    /// A chunk is the unit handed to a worker: at most this many attempts or bytes. Each finished chunk may wake
    /// the main thread (a futex wake, costly on virtual machines), so chunks hold hundreds of attempts; with four
    /// chunks in flight per worker, memory stays at a few MiB per worker.
    static let chunkAttempts = 512
    static let chunkBytes = 2 << 20
    static let blockSize = 1 << 20

    init(paths: [String]) { pending = paths }

    mutating func nextChunk() throws -> [AttemptInput]? {
        var chunk: [AttemptInput] = []
        var bytes = 0
        while chunk.count < Self.chunkAttempts && bytes < Self.chunkBytes {
            if next < buffered.count, let s = stream {
                // An index, not removeFirst(): a 1 MiB block holds hundreds of records (no shifting per record).
                let item = buffered[next]
                next += 1
                bytes += item.bytes.count
                chunk.append(.json(item, input: s.name))
                continue
            }
            if var s = stream {
                let fd = s.fd
                let items = try s.splitter.feed(blockSize: Self.blockSize) { room in
                    let n = read(fd, room.baseAddress, room.count)
                    if n < 0 { throw CLIError.io("\(s.name): read error: \(String(cString: strerror(errno)))") }
                    return n
                }
                guard let items else {
                    buffered = s.splitter.finish()
                    if s.close { Foundation.close(s.fd) }
                    stream = nil
                    for item in buffered { chunk.append(.json(item, input: s.name)) }
                    buffered = []
                    next = 0
                    continue
                }
                buffered = items
                next = 0
                stream = s
                continue
            }
            if !files.isEmpty {
                let path = files.removeFirst()
                do {
                    let data = try Files.read(path)
                    bytes += data.count
                    chunk.append(.xml(bytes: data, source: AttemptSource(workerId: workerId(fromFileName: path), input: path)))
                } catch {
                    chunk.append(.failed(AttemptSource(input: path), AttemptFailure(kind: "unreadable", message: error.description)))
                }
                continue
            }
            guard !pending.isEmpty else { break }
            try open(pending.removeFirst(), into: &chunk)
        }
        return chunk.isEmpty ? nil : chunk
    }

    /// Sorts one input path into XML files or a JSON stream (by extension, else by the first character).
    private mutating func open(_ path: String, into chunk: inout [AttemptInput]) throws {
        if path == "-" {
            // Standard input: one XML document, or a JSON stream.
            let head = peekStdin()
            if head == UInt8(ascii: "<") || head == nil {
                let data = Array(FileHandle.standardInput.readDataToEndOfFile())
                chunk.append(.xml(bytes: stdinPrefix + data, source: AttemptSource(input: "-")))
                stdinPrefix = []
            } else {
                var splitter = JSONRecordSplitter(input: "-")
                buffered = splitter.feed(stdinPrefix)
                next = 0
                stdinPrefix = []
                stream = (STDIN_FILENO, "-", splitter, false)
            }
            return
        }
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            throw CLIError.io("\(path): no such file or directory")
        }
        if isDir.boolValue {
            let dir = TestDirectory.isTestDirectory(path) ? (path as NSString).appendingPathComponent(TestDirectory.answersFolder) : path
            let found = Files.xmlFiles(under: dir)
            if found.isEmpty { throw CLIError.usage("\(path): no .xml answer files found") }
            files += found
            return
        }
        if path.hasSuffix(".xml") {
            files.append(path)
            return
        }
        let fd = Foundation.open(path, O_RDONLY)
        guard fd >= 0 else { throw CLIError.io("\(path): cannot open (\(String(cString: strerror(errno))))") }
        var first: UInt8 = 0
        var probe = [UInt8](repeating: 0, count: 4096)
        let n = probe.withUnsafeMutableBytes { pread(fd, $0.baseAddress, 4096, 0) }
        for b in probe.prefix(max(0, n)) where !(b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 || b == 0xEF || b == 0xBB || b == 0xBF) {
            first = b
            break
        }
        if first == UInt8(ascii: "<") {
            Foundation.close(fd)
            files.append(path)
            return
        }
        stream = (fd, path, JSONRecordSplitter(input: path), true)
    }

    private var stdinPrefix: [UInt8] = []

    private mutating func peekStdin() -> UInt8? {
        while true {
            var block = [UInt8](repeating: 0, count: 4096)
            let n = block.withUnsafeMutableBytes { read(STDIN_FILENO, $0.baseAddress, 4096) }
            if n <= 0 { return nil }
            stdinPrefix += block.prefix(n)
            if let b = stdinPrefix.first(where: { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09) }) { return b }
        }
    }
}

/// Buffered standard output.
final class OutputSink {
    /// Unchecked: appended to byte by byte on one thread; the runtime exclusivity check would cost a call per byte.
    @exclusivity(unchecked) private var buffer: [UInt8] = []

    init() { buffer.reserveCapacity(1 << 16) }

    func write(_ s: String) {
        buffer.append(contentsOf: s.utf8)
        if buffer.count >= 1 << 16 { flush() }
    }

    /// Starts a field of the current CSV row: a separator unless it is the row's first.
    private func separate(_ first: Bool) { if !first { buffer.append(UInt8(ascii: ",")) } }

    /// Writes one CSV text field, quoted only when it must be (as ``csvField(_:)`` does), straight into the buffer;
    /// nil writes an empty field. `first` is true for the row's first field.
    func csvText(_ value: String?, first: Bool = false) {
        separate(first)
        guard var s = value else { return }
        s.withUTF8 { u in
            guard u.contains(where: csvNeedsQuotes) else { return buffer.append(contentsOf: u) }
            buffer.append(UInt8(ascii: "\""))
            for b in u {
                if b == 0x22 { buffer.append(0x22) }
                buffer.append(b)
            }
            buffer.append(UInt8(ascii: "\""))
        }
    }

    /// Writes one CSV integer field; nil writes an empty field.
    func csvInteger(_ value: Int64?) {
        separate(false)
        guard let value else { return }
        buffer.append(contentsOf: String(value).utf8)  // a small string: no allocation
    }

    /// Ends the current CSV row.
    func endCSVRow() {
        buffer.append(0x0A)
        if buffer.count >= 1 << 16 { flush() }
    }

    func flush() {
        buffer.withUnsafeBytes { p in
            var offset = 0
            while offset < p.count {
                let n = Foundation.write(STDOUT_FILENO, p.baseAddress! + offset, p.count - offset)
                if n <= 0 { break }
                offset += n
            }
        }
        buffer.removeAll(keepingCapacity: true)
    }
}

/// Formats attempt results as a table, CSV, JSON or JSON Lines.
struct AttemptWriter {
    var format: ScoreFormat
    var explain: Bool
    var compare: Bool
    var rule: PassRule?
    var key: ScoringKey
    var out: OutputSink

    private static let tableColumns = ["WORKER", "REQUEST", "SUM", "VALUE"]

    func begin() {
        switch format {
        case .table:
            if compare {
                out.write(pad(["WORKER", "REQUEST", "OLD", "NEW", "OLD SUM", "NEW SUM"]) + "\n")
            } else {
                out.write(pad(Self.tableColumns + (rule != nil ? ["PASS"] : []) + ["STATUS"]) + "\n")
            }
        case .csv:
            if compare {
                out.write("worker_id,request_id,old_value,new_value,old_sum,new_sum,input,line\n")
            } else {
                out.write("worker_id,request_id,qualification_type_id,submit_time,sum,value,"
                          + (rule != nil ? "passed," : "") + "status,error,input,line" + (explain ? ",breakdown" : "") + "\n")
            }
        case .json:
            out.write(compare ? "{\"changes\":[" : "{\"attempts\":[")
        case .jsonl:
            break
        }
    }

    let firstJSON = FirstFlag()

    func write(_ r: AttemptResult) {
        let s = r.outcome.score
        let f = r.outcome.failure
        switch format {
        case .table:
            let status = f.map { "failed: \(failureText($0))" } ?? "ok"
            // A file's attempt is named by its file name: the folder is the same for every row.
            let label = r.source.requestId ?? (r.source.line == nil ? (r.source.input as NSString).lastPathComponent : r.source.label)
            var cols = [r.source.workerId ?? "-", label,
                        s.map { String($0.sum) } ?? "-", s.map { String($0.value) } ?? "-"]
            if let rule { cols.append(s.map { rule.passes($0.value) ? "yes" : "no" } ?? "-") }
            cols.append(status)
            out.write(pad(cols) + "\n")
            if explain, let s {
                for q in s.questions { out.write("    " + explainLine(q) + "\n") }
                out.write("    value: \(key.derivation(forSum: s.sum).description)\n")
            }
        case .csv:
            // Written field by field into the output buffer: no row array, no copies of the strings.
            out.csvText(r.source.workerId, first: true)
            out.csvText(r.source.requestId)
            out.csvText(r.source.qualificationTypeId)
            out.csvText(r.source.submitTime)
            out.csvInteger(s?.sum)
            out.csvInteger(s.map { Int64($0.value) })
            if let rule { out.csvText(s.map { rule.passes($0.value) ? "true" : "false" }) }
            out.csvText(f == nil ? "ok" : "failed")
            out.csvText(f.map(failureText))
            out.csvText(r.source.input)
            out.csvInteger(r.source.line.map(Int64.init))
            if explain { out.csvText(s.map { $0.questions.map(explainCompact).joined(separator: "; ") }) }
            out.endCSVRow()
        case .json, .jsonl:
            var o: [String: JSONValue] = [
                "workerId": .string(r.source.workerId), "requestId": .string(r.source.requestId),
                "qualificationTypeId": .string(r.source.qualificationTypeId), "submitTime": .string(r.source.submitTime),
                "input": .string(r.source.input), "line": .int(r.source.line.map(Int64.init)),
                "sum": .int(s?.sum), "value": .int(s.map { Int64($0.value) }),
                "status": .string(f == nil ? "ok" : "failed"),
            ]
            if let rule { o["passed"] = s.map { .bool(rule.passes($0.value)) } ?? .null }
            if let f {
                o["error"] = .object(["kind": .string(f.kind), "message": .string(f.message), "hint": .string(f.hint),
                                      "line": .int(f.line.map(Int64.init)), "column": .int(f.column.map(Int64.init))])
            }
            if explain, let s {
                o["questions"] = .array(s.questions.map { q in
                    .object(["questionIdentifier": .string(q.questionIdentifier), "answered": .bool(q.answered),
                             "selections": .array(q.selections.map { .string($0) }),
                             "matchedOptions": .array(q.matchedOptions.map { .int(Int64($0 + 1)) }),
                             "defaultScore": .bool(q.usedDefaultScore), "points": .int(q.points), "hadText": .bool(q.hadText)])
                })
                o["derivation"] = .string(key.derivation(forSum: s.sum).description)
            }
            emitJSON(.object(o))
        }
    }

    func writeChange(_ c: KeyComparison.Change) {
        let old = c.oldValue.map(String.init) ?? "failed", new = c.newValue.map(String.init) ?? "failed"
        switch format {
        case .table:
            let oldS: String = c.oldSum.map { String($0) } ?? "-"
            let newS: String = c.newSum.map { String($0) } ?? "-"
            let cols: [String] = [c.source.workerId ?? "-", c.source.requestId ?? c.source.label, old, new, oldS, newS]
            out.write(pad(cols) + "\n")
        case .csv:
            let oldV: String = c.oldValue.map { String($0) } ?? ""
            let newV: String = c.newValue.map { String($0) } ?? ""
            let oldS: String = c.oldSum.map { String($0) } ?? ""
            let newS: String = c.newSum.map { String($0) } ?? ""
            let line: String = c.source.line.map { String($0) } ?? ""
            let cols: [String] = [c.source.workerId ?? "", c.source.requestId ?? "", oldV, newV, oldS, newS, c.source.input, line]
            out.write(cols.map(csvField).joined(separator: ",") + "\n")
        case .json, .jsonl:
            emitJSON(.object(["workerId": .string(c.source.workerId), "requestId": .string(c.source.requestId),
                              "oldValue": .int(c.oldValue.map(Int64.init)), "newValue": .int(c.newValue.map(Int64.init)),
                              "oldSum": .int(c.oldSum), "newSum": .int(c.newSum), "input": .string(c.source.input),
                              "line": .int(c.source.line.map(Int64.init))]))
        }
    }

    private func emitJSON(_ v: JSONValue) {
        if format == .json {
            out.write((firstJSON.take() ? "\n" : ",\n") + v.text)
        } else {
            out.write(v.text + "\n")
        }
    }

    func end(summary: ScoreSummary, comparison: KeyComparison?) {
        let summaryJSON = Self.summaryJSON(summary, comparison: comparison)
        switch format {
        case .json:
            out.write("\n],\"summary\":" + summaryJSON.text + "}\n")
        case .jsonl, .csv:
            out.flush()
            // Keep machine-readable output clean: the summary goes to standard error.
            FileHandle.standardError.write(Data(Self.summaryText(summary, comparison: comparison, color: false).utf8))
        case .table:
            out.write("\n" + Self.summaryText(summary, comparison: comparison, color: isatty(STDOUT_FILENO) != 0))
        }
    }

    static func summaryJSON(_ s: ScoreSummary, comparison: KeyComparison?) -> JSONValue {
        var o: [String: JSONValue] = [
            "attempts": .int(Int64(s.attempts)), "scored": .int(Int64(s.scored)), "failed": .int(Int64(s.failed)),
            "values": .object(Dictionary(uniqueKeysWithValues: s.valueCounts.map { (String($0.key), JSONValue.int(Int64($0.value))) })),
            "minimumValue": .int(s.minimumValue.map(Int64.init)), "maximumValue": .int(s.maximumValue.map(Int64.init)),
            "meanValue": .double(s.meanValue),
        ]
        if let rule = s.passRule {
            o["passRule"] = .object(["comparator": .string(rule.comparator.rawValue), "integerValue": .int(Int64(rule.value))])
            o["passed"] = .int(Int64(s.passed))
            o["passRate"] = .double(s.passRate)
        }
        if let c = comparison {
            o["changed"] = .int(Int64(c.changed))
            o["unchanged"] = .int(Int64(c.unchanged))
            o["raised"] = .int(Int64(c.raised))
            o["lowered"] = .int(Int64(c.lowered))
        }
        return .object(o)
    }

    static func summaryText(_ s: ScoreSummary, comparison: KeyComparison?, color: Bool) -> String {
        var t = "\(s.attempts) attempt\(s.attempts == 1 ? "" : "s"): \(s.scored) scored, \(s.failed) failed\n"
        if let c = comparison {
            t += "compared with the old key: \(c.changed) changed (\(c.raised) raised, \(c.lowered) lowered), \(c.unchanged) unchanged\n"
        }
        if let rule = s.passRule, let rate = s.passRate {
            t += "pass rule \(rule.comparator.rawValue) \(rule.value): \(s.passed) of \(s.scored) pass (\(percent(rate)))\n"
        }
        if let mean = s.meanValue, let lo = s.minimumValue, let hi = s.maximumValue {
            t += "value: min \(lo), mean \(String(format: "%.2f", mean)), max \(hi)\n"
        }
        let bars = s.histogram()
        let top = bars.map(\.count).max() ?? 0
        let labels = bars.map { $0.low == $0.high ? String($0.low) : "\($0.low)…\($0.high)" }
        let width = labels.map(\.count).max() ?? 0
        for (bar, label) in zip(bars, labels) {
            let len = top == 0 ? 0 : Int((Double(bar.count) / Double(top) * 40).rounded(.up))
            var line = String(repeating: " ", count: width - label.count) + label + " │" + String(repeating: "█", count: len)
            if color, let rule = s.passRule, bar.low == bar.high {
                line = (rule.passes(bar.low) ? "\u{1B}[32m" : "\u{1B}[2m") + line + "\u{1B}[0m"
            }
            t += line + " \(bar.count)\n"
        }
        return t
    }

    static func percent(_ x: Double) -> String { String(format: "%.1f%%", x * 100) }

    private func failureText(_ f: AttemptFailure) -> String {
        var s = ""
        // A broken record's line is the input's (as in the line column); any other failure's is inside the answer XML.
        if let l = f.line { s += (f.kind == "bad-record" ? "line \(l)" : "XML line \(l)") + (f.column.map { ", column \($0)" } ?? "") + ": " }
        return s + f.message
    }

    private func explainLine(_ q: QuestionResult) -> String {
        let sel = q.answered ? "{" + q.selections.joined(separator: ", ") + "}" : "no answer"
        let match = q.usedDefaultScore ? "DefaultScore" : "option " + q.matchedOptions.map { String($0 + 1) }.joined(separator: "+")
        return "\(q.questionIdentifier): \(sel) → \(match): \(q.points >= 0 ? "+" : "")\(q.points)" + (q.hadText ? " (text ignored)" : "")
    }

    private func explainCompact(_ q: QuestionResult) -> String {
        let match = q.usedDefaultScore ? "default" : "option" + q.matchedOptions.map { String($0 + 1) }.joined(separator: "+")
        return "\(q.questionIdentifier)={\(q.selections.joined(separator: "|"))}:\(match):\(q.points)"
    }

    private func pad(_ cols: [String]) -> String {
        let widths = [16, 32, 8, 8, 8, 8]
        return cols.enumerated().map { i, c in
            i == cols.count - 1 || i >= widths.count ? c : c.padding(toLength: max(widths[i], c.count), withPad: " ", startingAt: 0)
        }.joined(separator: " ")
    }
}

/// True the first time only.
final class FirstFlag {
    private var used = false
    func take() -> Bool {
        defer { used = true }
        return !used
    }
}

/// Whether a CSV field holding this byte must be quoted: a comma, a quote or a line break.
func csvNeedsQuotes(_ b: UInt8) -> Bool { b == 0x2C || b == 0x22 || b == 0x0A || b == 0x0D }

func csvField(_ s: String) -> String {
    guard s.utf8.contains(where: csvNeedsQuotes) else { return s }
    return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
}

/// A small JSON value writer with stable (sorted) key order.
indirect enum JSONValue {
    case null
    case string(String?)
    case int(Int64?)
    case double(Double?)
    case bool(Bool)
    case array([JSONValue])
    case object([String: JSONValue])

    var text: String {
        switch self {
        case .null: return "null"
        case .string(let s): return s.map(Self.quote) ?? "null"
        case .int(let i): return i.map(String.init) ?? "null"
        case .double(let d):
            guard let d, d.isFinite else { return "null" }
            return String(format: "%.6g", d)
        case .bool(let b): return b ? "true" : "false"
        case .array(let a): return "[" + a.map(\.text).joined(separator: ",") + "]"
        case .object(let o):
            return "{" + o.keys.sorted().map { Self.quote($0) + ":" + o[$0]!.text }.joined(separator: ",") + "}"
        }
    }

    static func quote(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 { out += String(format: "\\u%04x", u.value) } else { out.unicodeScalars.append(u) }
            }
        }
        return out + "\""
    }
}

/// `answers/A1B2C3D4E5F6G7.xml` holds worker A1B2C3D4E5F6G7's attempt (the SampleForms convention).
func workerId(fromFileName path: String) -> String? {
    let stem = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
    return GrantList.isValidWorkerId(stem) ? stem : nil
}

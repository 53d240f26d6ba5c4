/// Reads an MTurk batch results CSV (the requester site's "Download CSV": `HITId`, …, `WorkerId`,
/// `AssignmentStatus`, …, `Input.<field>` per input column, `Answer.<field>` per answer, `Approve`, `Reject`)
/// and a gold CSV (`item,label`) into ``LabelData``.
public struct BatchResults: Sendable {
    /// The batch results file.
    public var resultsFile: String
    /// The gold CSV (item key, label; header optional).
    public var goldFile: String?
    /// The column naming the item (e.g. `Input.id`); nil: the only `Input.*` column, else `Input.id`.
    public var itemColumn: String?
    /// The column holding the label (e.g. `Answer.label`); nil: the only `Answer.*` column.
    public var answerColumn: String?

    public init(resultsFile: String, goldFile: String?, itemColumn: String? = nil, answerColumn: String? = nil) {
        self.resultsFile = resultsFile
        self.goldFile = goldFile
        self.itemColumn = itemColumn
        self.answerColumn = answerColumn
    }

    /// A column choice that cannot be made (a usage problem: exit 2 in the CLI).
    public struct ColumnError: Error, Sendable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// Picks the column: the given name, else the only column with `prefix`, else `fallback`.
    static func pickColumn(_ header: [String], given: String?, prefix: String, fallback: String?, option: String,
                           source: String) throws(ColumnError) -> Int {
        if let given {
            if let i = header.firstIndex(of: given) { return i }
            if let i = header.firstIndex(of: prefix + given) { return i }
            throw ColumnError(message: "\(source) has no column \"\(given)\"; its \(prefix)* columns are: \(header.filter { $0.hasPrefix(prefix) }.joined(separator: ", "))")
        }
        let candidates = header.indices.filter { header[$0].hasPrefix(prefix) }
        if candidates.count == 1 { return candidates[0] }
        if let fallback, let i = header.firstIndex(of: fallback) { return i }
        if candidates.isEmpty {
            throw ColumnError(message: "\(source) has no \(prefix)* column; is it an MTurk batch results CSV? Name the column with \(option)")
        }
        throw ColumnError(message: "\(source) has \(candidates.count) \(prefix)* columns (\(candidates.map { header[$0] }.joined(separator: ", "))); choose one with \(option)")
    }

    /// Reads the batch and the gold file.
    ///
    /// - Throws: ``AccuracyIOError`` (file unreadable), ``ColumnError`` (columns cannot be chosen),
    ///   ``AccuracyProblems`` (bad CSV, empty worker ids or answers, gold items not in the batch, unknown labels).
    public func read() throws -> LabelData {
        let bytes = try FileSystem.read(resultsFile)
        var problems: [AccuracyError] = []
        func note(_ e: AccuracyError) { if problems.count < Manifests.problemLimit { problems.append(e) } }
        var header: [String]? = nil
        var workerColumn = 0, item = 0, answer = 0
        var collector = ResponseCollector()
        var itemNumber: [String: Int] = [:]
        var itemNames: [String] = []
        var columnError: ColumnError? = nil
        bytes.withUnsafeBytes { raw in
            do throws(AccuracyError) {
                try CSVReader.forEachRow(raw, source: resultsFile) { fields, line throws(AccuracyError) in
                    guard let h = header else {
                        header = fields
                        guard let w = fields.firstIndex(of: "WorkerId") else {
                            throw AccuracyError(source: resultsFile, line: line, message: "no WorkerId column in the header",
                                                hint: "give the batch results CSV as downloaded from the requester site (HITId, …, WorkerId, …, Input.*, Answer.*)")
                        }
                        workerColumn = w
                        do throws(ColumnError) {
                            item = try Self.pickColumn(fields, given: itemColumn, prefix: "Input.", fallback: "Input.id", option: "--item-column", source: resultsFile)
                            answer = try Self.pickColumn(fields, given: answerColumn, prefix: "Answer.", fallback: nil, option: "--answer-column", source: resultsFile)
                        } catch {
                            columnError = error
                            throw AccuracyError(source: resultsFile, line: line, message: "", hint: "")
                        }
                        return
                    }
                    guard fields.count == h.count else {
                        note(AccuracyError(source: resultsFile, line: line, message: "\(fields.count) fields, the header has \(h.count)",
                                           hint: "quote fields that hold commas or line breaks"))
                        return
                    }
                    let worker = fields[workerColumn].trimmingSpaces
                    let key = fields[item]
                    let label = fields[answer].trimmingSpaces
                    guard !worker.isEmpty else {
                        note(AccuracyError(source: resultsFile, line: line, message: "empty WorkerId",
                                           hint: "remove rows of assignments nobody submitted"))
                        return
                    }
                    guard !label.isEmpty else {
                        note(AccuracyError(source: resultsFile, line: line, message: "empty \(h[answer]) (worker \(worker))",
                                           hint: "choose the column that holds the label with --answer-column, or remove the row"))
                        return
                    }
                    let object: Int
                    if let o = itemNumber[key] { object = o } else {
                        object = itemNames.count
                        itemNumber[key] = object
                        itemNames.append(key)
                    }
                    collector.add(object: object, worker: worker, label: label)
                }
            } catch {
                if columnError == nil { note(error) }
            }
        }
        if let columnError { throw columnError }
        if header == nil {
            note(AccuracyError(source: resultsFile, message: "the file is empty", hint: "give the batch results CSV"))
        }
        var gold: [GoldLabel] = []
        if let goldFile {
            do {
                let itemName = header.map { $0[item] } ?? ""
                let names: Set<String> = ["item", "id", "key", "index", "object", "itemid", "item_id", itemName.lowercased(),
                                          String(itemName.lowercased().dropFirst("input.".count))]
                let labels: Set<String> = ["label", "gold", "answer", "class", "gold_label", "truth", "category"]
                let (pairs, goldProblems) = Manifests.collectGoldPairs(try FileSystem.read(goldFile), source: goldFile) { key, label in
                    names.contains(key.lowercased()) || labels.contains(label.lowercased())
                }
                for p in goldProblems { note(p) }
                for p in pairs {
                    guard let o = itemNumber[p.key] else {
                        note(AccuracyError(source: goldFile, line: p.line, message: "gold item \"\(p.key)\" is not in the batch",
                                           hint: "keys are the values of the batch's \(header.map { $0[item] } ?? "item") column (choose another with --item-column)"))
                        continue
                    }
                    gold.append(GoldLabel(object: o, label: p.label, source: goldFile, line: p.line))
                }
            }
        }
        if !problems.isEmpty { throw AccuracyProblems(problems) }
        if collector.count == 0 {
            throw AccuracyProblems([AccuracyError(source: resultsFile, message: "no answers (only a header)", hint: "give a batch with submitted assignments")])
        }
        return try LabelData(source: resultsFile, responses: collector, objectNames: itemNames, gold: gold, consolidated: nil)
    }
}

import ArgumentParser
import Foundation
import QualKitAccuracy
import QualKitOperations

enum AccuracyFormat: String, ExpressibleByArgument, CaseIterable {
    case table, csv, json
}

struct AccuracyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "accuracy",
        abstract: "Gold-standard worker accuracy of a labelling job (Ground Truth output or an MTurk batch).",
        discussion: """
            --job reads a SageMaker Ground Truth text-classification job's output folder (annotations/worker-response, \
            manifests/output/output.manifest, dataset.manifest); --batch reads an MTurk batch results CSV. Per worker: \
            answers, objects, gold answers, gold accuracy (absent when the worker saw no gold), accuracy against the \
            consolidated label (the output manifest's, else majority vote), 95% Wilson intervals, a weighted gold score \
            (--weight), confusion tables (JSON) and, with --dawid-skene or without consolidated labels, Dawid–Skene. \
            --grants writes worker,value (value = round(100 × gold accuracy)) for `qualkit workers grant --from`. \
            Exit codes: 0 done, 1 problems in the data (listed with file and line), 2 usage or I/O error.
            """)

    @Option(help: "A Ground Truth job output folder (holding annotations/ and manifests/).")
    var job: String?

    @Option(help: "The input manifest (default: JOB/dataset.manifest when present).")
    var dataset: String?

    @Option(name: .customLong("output-manifest"), help: "The output manifest (default: JOB/manifests/output/output.manifest when present).")
    var outputManifest: String?

    @Option(help: "An MTurk batch results CSV (instead of --job).")
    var batch: String?

    @Option(help: "Gold labels: golden.manifest JSON Lines ({\"17\": \"animal\"}) or CSV key,label.")
    var gold: String?

    @Option(name: .customLong("item-column"), help: "Batch column naming the item (default: the only Input.* column, else Input.id).")
    var itemColumn: String?

    @Option(name: .customLong("answer-column"), help: "Batch column holding the label (default: the only Answer.* column).")
    var answerColumn: String?

    @Option(name: .customLong("weight"), help: ArgumentHelp("A class weight for the weighted gold score, CLASS=W (repeatable; others weigh 1).", valueName: "CLASS=W"))
    var weights: [String] = []

    @Flag(name: .customLong("dawid-skene"), help: "Also estimate labels and worker accuracy with Dawid–Skene (always on without consolidated labels).")
    var dawidSkene = false

    @Option(help: "Output format: table, csv or json.")
    var format: AccuracyFormat = .table

    @Option(name: .customLong("object-labels"), help: ArgumentHelp("Write object,consolidated,majority,dawid_skene per object to this CSV file.", valueName: "FILE"))
    var objectLabels: String?

    @Option(name: .customLong("min-gold-accuracy"), help: "The bar for --grants: gold accuracy at least this (0 to 1).")
    var minGoldAccuracy: Double?

    @Option(name: .customLong("min-gold"), help: "For --grants: at least this many gold answers (default 1).")
    var minGold: Int = 1

    @Option(help: ArgumentHelp("Write worker,value for workers who pass the bar (for `qualkit workers grant --from`).", valueName: "FILE"))
    var grants: String?

    func validate() throws {
        if (job == nil) == (batch == nil) { throw ValidationError("give --job JOB_DIR or --batch RESULTS.csv") }
        if batch != nil {
            if gold == nil { throw ValidationError("--batch needs --gold GOLD.csv (item,label)") }
            if dataset != nil || outputManifest != nil { throw ValidationError("--dataset and --output-manifest go with --job") }
        } else if itemColumn != nil || answerColumn != nil {
            throw ValidationError("--item-column and --answer-column go with --batch")
        }
        _ = try parsedWeights()
        if let x = minGoldAccuracy, !(0...1).contains(x) {
            throw ValidationError("--min-gold-accuracy \(x): write a share from 0 to 1 (0.9 for 90%)")
        }
        if minGold < 0 { throw ValidationError("--min-gold must be 0 or more") }
        if grants != nil && minGoldAccuracy == nil { throw ValidationError("--grants needs --min-gold-accuracy X") }
        if grants == nil && minGoldAccuracy != nil { throw ValidationError("--min-gold-accuracy needs --grants FILE") }
        if grants != nil && gold == nil { throw ValidationError("--grants needs --gold FILE") }
    }

    func parsedWeights() throws -> [String: Double] {
        var out: [String: Double] = [:]
        for w in weights {
            guard let eq = w.lastIndex(of: "="), let v = Double(w[w.index(after: eq)...]), v >= 0, v.isFinite,
                  eq != w.startIndex
            else { throw ValidationError("--weight \"\(w)\": write CLASS=W with W a number of 0 or more, e.g. person=2") }
            out[String(w[..<eq])] = v
        }
        return out
    }

    func run() throws {
        let data: LabelData
        do {
            if let job {
                data = try GroundTruthJob(jobDirectory: job, datasetManifest: dataset, outputManifest: outputManifest, goldFile: gold).read()
            } else {
                data = try BatchResults(resultsFile: batch!, goldFile: gold, itemColumn: itemColumn, answerColumn: answerColumn).read()
            }
        } catch let e as AccuracyProblems {
            Self.report(e)
            throw ExitCode(1)
        } catch let e as AccuracyIOError {
            throw CLIError.io(e.message)
        } catch let e as BatchResults.ColumnError {
            throw CLIError.usage(e.message)
        }
        let report: AccuracyReport
        do { report = try AccuracyReport(data, weights: try parsedWeights(), dawidSkene: dawidSkene) } catch let e as UnknownClassError {
            throw CLIError.usage(e.description)
        }
        switch format {
        case .table: print(AccuracyOutput.table(report), terminator: "")
        case .csv: print(AccuracyOutput.csv(report), terminator: "")
        case .json: print(JSONText.encode(AccuracyOutput.JSONReport(report)), terminator: "")
        }
        if let objectLabels {
            try write(AccuracyOutput.objectLabels(report), to: objectLabels)
        }
        if let grants, let bar = minGoldAccuracy {
            let selection = GrantSelection(report.workers, minAccuracy: bar, minGold: minGold, isGrantable: GrantList.isValidWorkerId)
            try write(selection.csv, to: grants)
            var text = "wrote \(grants): \(selection.grants.count) worker(s) at or above \(bar) with at least \(minGold) gold answer(s)"
            if !selection.leftOut.isEmpty {
                text += "; left out \(selection.leftOut.count):\n" + selection.leftOut.map { "  " + $0.description }.joined(separator: "\n")
            }
            FileHandle.standardError.write(Data((text + "\n").utf8))
        }
    }

    private func write(_ text: String, to path: String) throws {
        do { try Data(text.utf8).write(to: URL(fileURLWithPath: path)) } catch {
            throw CLIError.io("cannot write \(path): \(error.localizedDescription)")
        }
    }

    static func report(_ problems: AccuracyProblems) {
        var text = ""
        for p in problems.problems.prefix(100) {
            text += "\(p.line.map { "\(p.source):\($0)" } ?? p.source): error: \(p.message)\n  hint: \(p.hint)\n"
        }
        if problems.problems.count > 100 { text += "… and \(problems.problems.count - 100) more\n" }
        text += "\(problems.problems.count) problem(s) in the input; nothing was measured\n"
        FileHandle.standardError.write(Data(text.utf8))
    }
}

// MARK: - Output


/// Table, CSV and JSON renderings of an ``AccuracyReport``.
enum AccuracyOutput {
    static func number(_ x: Double?, digits: Int = 6) -> String {
        guard let x else { return "" }
        return String(format: "%.\(digits)f", x)
    }

    static let csvHeader = "workerId,responses,objects,goldResponses,goldAccuracy,goldIntervalLow,goldIntervalHigh,consolidatedAccuracy,consolidatedIntervalLow,consolidatedIntervalHigh,weightedGoldAccuracy,dawidSkeneAccuracy"

    static func csv(_ r: AccuracyReport) -> String {
        var out = csvHeader + "\n"
        for w in r.workers {
            let fields = [
                csvField(w.workerId), String(w.responses), String(w.objects), String(w.goldResponses),
                number(w.goldAccuracy), number(w.goldInterval?.lowerBound), number(w.goldInterval?.upperBound),
                number(w.consolidatedAccuracy), number(w.consolidatedInterval?.lowerBound), number(w.consolidatedInterval?.upperBound),
                number(w.weightedGoldAccuracy), number(w.dawidSkeneAccuracy),
            ]
            out += fields.joined(separator: ",") + "\n"
        }
        return out
    }

    static func table(_ r: AccuracyReport) -> String {
        var out = "\(r.source): \(r.objectNames.count) objects, \(r.responses) answers, \(r.workers.count) workers; classes: \(r.classes.joined(separator: ", "))\n"
        out += "consolidated label: \(r.consolidation == .outputManifest ? "output manifest" : "majority vote")"
        if let it = r.dawidSkeneIterations {
            out += "; Dawid–Skene: \(it) iteration(s), \(r.dawidSkeneConverged == true ? "converged" : "not converged")"
        }
        out += "\n\n"
        func acc(_ x: Double?, _ i: ClosedRange<Double>?) -> String {
            guard let x, let i else { return "-" }
            return "\(number(x, digits: 3)) [\(number(i.lowerBound, digits: 3)), \(number(i.upperBound, digits: 3))]"
        }
        let header = ["worker", "answers", "objects", "gold", "gold accuracy [95%]", "vs consolidated [95%]", "weighted", "D-S"]
        var rows = [header]
        for w in r.workers {
            rows.append([w.workerId, String(w.responses), String(w.objects), String(w.goldResponses),
                         acc(w.goldAccuracy, w.goldInterval), acc(w.consolidatedAccuracy, w.consolidatedInterval),
                         w.weightedGoldAccuracy.map { number($0, digits: 3) } ?? "-",
                         w.dawidSkeneAccuracy.map { number($0, digits: 3) } ?? "-"])
        }
        var widths = [Int](repeating: 0, count: header.count)
        for row in rows { for (i, c) in row.enumerated() { widths[i] = max(widths[i], c.count) } }
        for row in rows {
            var line = ""
            for (i, c) in row.enumerated() {
                let pad = String(repeating: " ", count: widths[i] - c.count)
                line += i == 0 ? c + pad : "  " + pad + c
            }
            out += line + "\n"
        }
        return out
    }

    static func objectLabels(_ r: AccuracyReport) -> String {
        var out = "object,consolidated,majority,dawid_skene\n"
        func name(_ c: Int32?) -> String { guard let c, c >= 0 else { return "" }; return csvField(r.classes[Int(c)]) }
        for (o, object) in r.objectNames.enumerated() {
            out += csvField(object) + "," + name(r.manifestLabels?[o]) + "," + name(r.majority[o]) + "," + name(r.dawidSkeneLabels?[o]) + "\n"
        }
        return out
    }

    /// The `--format json` document. Absent values are written as null.
    struct JSONReport: Encodable {
        var report: AccuracyReport
        init(_ r: AccuracyReport) { report = r }

        enum Keys: String, CodingKey {
            case source, objects, responses, classes, consolidation, workers, dawidSkene
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: Keys.self)
            try c.encode(report.source, forKey: .source)
            try c.encode(report.objectNames.count, forKey: .objects)
            try c.encode(report.responses, forKey: .responses)
            try c.encode(report.classes, forKey: .classes)
            try c.encode(report.consolidation.rawValue, forKey: .consolidation)
            try c.encode(report.workers.map { WorkerJSON(worker: $0, report: report) }, forKey: .workers)
            if let it = report.dawidSkeneIterations {
                try c.encode(DSJSON(iterations: it, converged: report.dawidSkeneConverged ?? false), forKey: .dawidSkene)
            } else {
                try c.encodeNil(forKey: .dawidSkene)
            }
        }
    }

    struct DSJSON: Encodable {
        var iterations: Int
        var converged: Bool
    }

    struct ConfusionJSON: Encodable {
        var gold: [String: [String: Int]]
        var consolidated: [String: [String: Int]]
    }

    struct WorkerJSON: Encodable {
        var worker: WorkerAccuracy
        var report: AccuracyReport

        enum Keys: String, CodingKey {
            case workerId, responses, objects, goldResponses, goldAccuracy, goldInterval, consolidatedAccuracy,
                 consolidatedInterval, weightedGoldAccuracy, dawidSkeneAccuracy, confusion
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: Keys.self)
            try c.encode(worker.workerId, forKey: .workerId)
            try c.encode(worker.responses, forKey: .responses)
            try c.encode(worker.objects, forKey: .objects)
            try c.encode(worker.goldResponses, forKey: .goldResponses)
            try c.encode(worker.goldAccuracy, forKey: .goldAccuracy)
            try c.encode(worker.goldInterval.map { [$0.lowerBound, $0.upperBound] }, forKey: .goldInterval)
            try c.encode(worker.consolidatedAccuracy, forKey: .consolidatedAccuracy)
            try c.encode(worker.consolidatedInterval.map { [$0.lowerBound, $0.upperBound] }, forKey: .consolidatedInterval)
            try c.encode(worker.weightedGoldAccuracy, forKey: .weightedGoldAccuracy)
            try c.encode(worker.dawidSkeneAccuracy, forKey: .dawidSkeneAccuracy)
            try c.encode(ConfusionJSON(gold: report.confusionTable(worker.goldConfusion),
                                       consolidated: report.confusionTable(worker.consolidatedConfusion)), forKey: .confusion)
        }
    }
}

import ArgumentParser
import Foundation
import QualKit
import QualKitScoring

enum AnalyzeFormat: String, ExpressibleByArgument, CaseIterable {
    case table, csv, json
}

struct AnalyzeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyze",
        abstract: "Item analysis of scored attempts: facility, discrimination, selection counts, reliability.",
        discussion: """
            Takes the same test directory / --key and inputs as `qualkit score`. Per question: facility (share at \
            full points), mean points, point-biserial against the rest of the test, upper–lower 27% index, how \
            often each selection was chosen, and flags. For the test: KR-20 and Cronbach's alpha. \
            Attempts that cannot be scored are reported and left out (exit code 1).
            """)

    @Argument(help: "A test directory, then inputs (files, directories, or - for stdin).")
    var paths: [String] = []

    @Option(help: "The AnswerKey file (instead of a test directory).")
    var key: String?

    @Option(help: "The QuestionForm file (its selections are counted even when nobody picks them).")
    var form: String?

    @Option(help: "Output format: table, csv or json.")
    var format: AnalyzeFormat = .table

    @Option(help: "Rounding of non-integer values (see qualkit score).")
    var rounding: Rounding = .halfUp

    @Option(help: "Worker threads (default: every core).")
    var jobs: Int?

    func validate() throws {
        if key == nil && paths.isEmpty { throw ValidationError("give a test directory, or --key FILE and inputs") }
    }

    func run() throws {
        let setup = try ScoringSetup(paths: paths, keyPath: key, formPath: form, rounding: rounding)
        let batch = BatchScorer(key: setup.key, detail: .points)
        var analyzer = ItemAnalyzer(key: setup.key)
        var failed = 0
        try runBatch(batch, inputs: setup.inputs, jobs: jobs) { result in
            switch result.outcome {
            case .scored(let s): analyzer.add(s)
            case .failed(let f):
                failed += 1
                reportFailure(result.source, f)
            }
        }
        let analysis = analyzer.result()
        let out = OutputSink()
        switch format {
        case .table: out.write(Self.table(analysis, failed: failed))
        case .csv: out.write(Self.csv(analysis))
        case .json: out.write(Self.json(analysis, failed: failed).text + "\n")
        }
        out.flush()
        if failed > 0 { throw ExitCode(1) }
    }

    static func fmt(_ x: Double?, _ digits: Int = 2) -> String {
        x.map { String(format: "%.\(digits)f", $0) } ?? "–"
    }

    static func table(_ a: ItemAnalysis, failed: Int) -> String {
        var t = "\(a.attempts) attempts analysed" + (failed > 0 ? " (\(failed) failed, left out)" : "") + "\n\n"
        t += "QUESTION             FACILITY  MEAN PTS  MAX  PT-BISERIAL  UPPER-LOWER  FLAGS\n"
        for i in a.items {
            t += i.questionIdentifier.padding(toLength: max(20, i.questionIdentifier.count), withPad: " ", startingAt: 0)
            t += " " + fmt(i.facility).leftPad(8) + "  " + fmt(i.meanPoints).leftPad(8) + "  " + String(i.maximumPoints).leftPad(3)
            t += "  " + fmt(i.pointBiserial).leftPad(11) + "  " + fmt(i.upperLowerIndex).leftPad(11)
            t += "  " + i.flags.map(\.rawValue).joined(separator: ", ") + "\n"
        }
        t += "\nSELECTIONS (attempts choosing each)\n"
        for i in a.items {
            t += "  \(i.questionIdentifier): " + i.selections.map { "\($0.identifier)\($0.known ? "" : "?")=\($0.count)" }.joined(separator: "  ") + "\n"
        }
        t += "\nmean score \(fmt(a.meanScore)), variance \(fmt(a.scoreVariance))\n"
        t += "reliability: KR-20 \(fmt(a.kr20, 3)), Cronbach's alpha \(fmt(a.cronbachAlpha, 3))\n"
        if a.items.contains(where: { $0.selections.contains { !$0.known } }) {
            t += "(? = a selection neither the key nor the form lists)\n"
        }
        return t
    }

    static func csv(_ a: ItemAnalysis) -> String {
        var t = "question_identifier,maximum_points,facility,mean_points,point_biserial,upper_lower_index,flags,selections\n"
        for i in a.items {
            let cols = [i.questionIdentifier, String(i.maximumPoints), fmt(i.facility, 6), fmt(i.meanPoints, 6),
                        fmt(i.pointBiserial, 6), fmt(i.upperLowerIndex, 6), i.flags.map(\.rawValue).joined(separator: " "),
                        i.selections.map { "\($0.identifier)=\($0.count)" }.joined(separator: " ")]
            t += cols.map { $0 == "–" ? "" : csvField($0) }.joined(separator: ",") + "\n"
        }
        return t
    }

    static func json(_ a: ItemAnalysis, failed: Int) -> JSONValue {
        .object([
            "attempts": .int(Int64(a.attempts)), "failed": .int(Int64(failed)),
            "meanScore": .double(a.meanScore), "scoreVariance": .double(a.scoreVariance),
            "kr20": .double(a.kr20), "cronbachAlpha": .double(a.cronbachAlpha),
            "items": .array(a.items.map { i in
                .object([
                    "questionIdentifier": .string(i.questionIdentifier), "maximumPoints": .int(i.maximumPoints),
                    "facility": .double(i.facility), "meanPoints": .double(i.meanPoints),
                    "pointBiserial": .double(i.pointBiserial), "upperLowerIndex": .double(i.upperLowerIndex),
                    "flags": .array(i.flags.map { .string($0.rawValue) }),
                    "selections": .array(i.selections.map { s in
                        .object(["identifier": .string(s.identifier), "count": .int(Int64(s.count)), "known": .bool(s.known)])
                    }),
                ])
            }),
        ])
    }
}

extension String {
    func leftPad(_ width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}

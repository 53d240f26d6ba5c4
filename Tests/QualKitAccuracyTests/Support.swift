import Foundation
import QualKitTestSupport
@testable import QualKitAccuracy

/// The bundled sample job.
enum Sample {
    static let job = RepositoryFiles.url("SampleForms/groundtruth-sentences").path
    static let golden = job + "/golden.manifest"
    static let batch = job + "/mturk-batch/batch-results.csv"
    static let batchGold = job + "/mturk-batch/gold.csv"

    static func report(weights: [String: Double] = ["person": 2], dawidSkene: Bool = false) throws -> AccuracyReport {
        let data = try GroundTruthJob(jobDirectory: job, goldFile: golden).read()
        return try AccuracyReport(data, weights: weights, dawidSkene: dawidSkene)
    }
}

/// A scratch folder for hand-made jobs, removed when the value goes away.
final class TempJob {
    let root: URL
    var path: String { root.path }

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("qualkit-acc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: root) }

    @discardableResult
    func write(_ relative: String, _ text: String) throws -> String {
        let url = root.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    static func answer(_ worker: String, _ label: String) -> String {
        "{\"answerContent\":{\"crowd-classifier\":{\"label\":\"\(label)\"}},\"workerId\":\"\(worker)\"}"
    }

    /// Writes answers for object `index`: all in one file, or one file per answer.
    func answers(_ index: Int, _ pairs: [(String, String)], split: Bool = false, iteration: Int = 1) throws {
        if split {
            for (i, p) in pairs.enumerated() {
                try write("annotations/worker-response/iteration-\(iteration)/\(index)/2026-01-01_00:00:0\(i).json",
                          "{\"answers\":[\(Self.answer(p.0, p.1))]}")
            }
        } else {
            try write("annotations/worker-response/iteration-\(iteration)/\(index)/2026-01-01_00:00:00.json",
                      "{\"answers\":[\(pairs.map { Self.answer($0.0, $0.1) }.joined(separator: ","))]}")
        }
    }
}

/// Reads a CSV of numbers written by the sample's compute_expected.py (no quoting needed there).
func readSimpleCSV(_ path: String) throws -> [[String: String]] {
    let text = try String(contentsOfFile: path, encoding: .utf8)
    var lines = text.split(separator: "\n").map(String.init)
    let header = lines.removeFirst().split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    return lines.map { line in
        let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        return Dictionary(uniqueKeysWithValues: zip(header, f))
    }
}

extension Error {
    /// The problems of an ``AccuracyProblems`` error (empty for any other error).
    var problems: [AccuracyError] { (self as? AccuracyProblems)?.problems ?? [] }
}

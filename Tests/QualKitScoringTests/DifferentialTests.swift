import Foundation
import QualKit
import QualKitScoring
import QualKitTestSupport
import Testing

/// Our engine and the Python + lxml scorer in Benchmarks/scoring/score.py must agree exactly on random keys
/// and attempts (every mapping and rounding mode, negative scores, duplicates, unknown selections, empty answers).
@Suite struct DifferentialTests {
    typealias RNG = SeededRandom

    static func pythonAvailable() -> String? {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", "import lxml"]
        p.standardError = FileHandle.nullDevice
        do { try p.run() } catch { return "python3 not found" }
        p.waitUntilExit()
        return p.terminationStatus == 0 ? nil : "python3 cannot import lxml (pip install lxml)"
    }

    @Test func agreesWithThePythonScorer() throws {
        if let problem = Self.pythonAvailable() {
            if ProcessInfo.processInfo.environment["QUALKIT_SKIP_PYTHON"] == "1" { return }
            Issue.record("differential test needs python3 with lxml: \(problem); set QUALKIT_SKIP_PYTHON=1 to skip it")
            return
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("qualkit-diff-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var rng = RNG(seed: 20_240_601)
        var compared = 0
        for round in 0..<24 {
            let (keyXML, key) = randomKey(&rng, round: round)
            let keyURL = dir.appendingPathComponent("key\(round).xml")
            try Data(keyXML.utf8).write(to: keyURL)
            var lines: [String] = []
            var expected: [[String]] = []
            let attempts = 150
            let rounding = Rounding.allCases[round % 4]
            let scoring = try ScoringKey(try #require(MTurkDocuments.answerKey(Array(keyXML.utf8)).value), rounding: rounding)
            let scorer = AttemptScorer(key: scoring)
            for n in 0..<attempts {
                let xml = randomAnswers(&rng, key: key)
                lines.append("{\"QualificationRequestId\":\"R\(n)\",\"WorkerId\":\"W\(n)\",\"Answer\":\(JSONValueText.quote(xml))}")
                switch scorer.score(xml: Array(xml.utf8), forceUTF8: true) {
                case .scored(let s): expected.append(["R\(n)", "W\(n)", String(s.sum), String(s.value)])
                case .failed(let f): expected.append(["R\(n)", "W\(n)", f.sum.map(String.init) ?? "", "failed"])
                }
            }
            let input = dir.appendingPathComponent("a\(round).jsonl")
            try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: input)
            let out = try runPython(["--key", keyURL.path, "--rounding", rounding.rawValue, input.path])
            let rows = out.split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
            #expect(rows.count == attempts)
            for (a, b) in zip(rows, expected) {
                #expect(a == b, "round \(round) (\(rounding.rawValue)): python \(a) vs qualkit \(b)\nkey:\n\(keyXML)")
                compared += 1
            }
        }
        #expect(compared == 24 * 150)
    }

    func runPython(_ args: [String]) throws -> String {
        let script = RepositoryFiles.url("Benchmarks/scoring/score.py").path
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", script] + args
        let pipe = Pipe()
        p.standardOutput = pipe
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    typealias KeySpec = [(id: String, selections: [String])]

    func randomKey(_ rng: inout RNG, round: Int) -> (String, KeySpec) {
        var xml = "<AnswerKey xmlns=\"\(XMLFixtures.keyNS)\">"
        var spec: KeySpec = []
        let questions = Int.random(in: 1...6, using: &rng)
        var maxSum = 0
        for q in 0..<questions {
            let id = q == 1 && round % 5 == 0 ? "q0" : "q\(q)"  // sometimes a question listed twice
            let sels = (0..<Int.random(in: 2...5, using: &rng)).map { "s\($0)" }
            spec.append((id, sels))
            xml += "<Question><QuestionIdentifier>\(id)</QuestionIdentifier>"
            var best = 0
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                let chosen = sels.filter { _ in Bool.random(using: &rng) }
                let ids = chosen.isEmpty ? [sels[0]] : chosen
                let dup = Int.random(in: 0..<4, using: &rng) == 0 ? [ids[0]] : []
                let score = Int.random(in: -3...5, using: &rng)
                best = max(best, score)
                xml += "<AnswerOption>" + (ids + dup).map { "<SelectionIdentifier>\($0)</SelectionIdentifier>" }.joined()
                    + "<AnswerScore>\(score)</AnswerScore></AnswerOption>"
            }
            maxSum += best
            if Bool.random(using: &rng) { xml += "<DefaultScore>\(Int.random(in: -2...1, using: &rng))</DefaultScore>" }
            xml += "</Question>"
        }
        switch round % 4 {
        case 0: break
        case 1: xml += "<QualificationValueMapping><PercentageMapping><MaximumSummedScore>\(max(1, maxSum))</MaximumSummedScore></PercentageMapping></QualificationValueMapping>"
        case 2:
            let m = ["1.5", "0.25", "-0.5", "2.5E1", "0.1", "1e-1", "33.333"][round % 7]
            xml += "<QualificationValueMapping><ScaleMapping><SummedScoreMultiplier>\(m)</SummedScoreMultiplier></ScaleMapping></QualificationValueMapping>"
        default:
            xml += "<QualificationValueMapping><RangeMapping><SummedScoreRange><InclusiveLowerBound>-100</InclusiveLowerBound><InclusiveUpperBound>0</InclusiveUpperBound><QualificationValue>1</QualificationValue></SummedScoreRange><SummedScoreRange><InclusiveLowerBound>1</InclusiveLowerBound><InclusiveUpperBound>4</InclusiveUpperBound><QualificationValue>50</QualificationValue></SummedScoreRange><OutOfRangeQualificationValue>99</OutOfRangeQualificationValue></RangeMapping></QualificationValueMapping>"
        }
        return (xml + "</AnswerKey>", spec)
    }

    func randomAnswers(_ rng: inout RNG, key: KeySpec) -> String {
        if Int.random(in: 0..<25, using: &rng) == 0 { return "" }
        if Int.random(in: 0..<40, using: &rng) == 0 { return "<QuestionFormAnswers xmlns=\"\(XMLFixtures.answersNS)\"><Answer>" }
        var xml = "<?xml version=\"1.0\" encoding=\"ASCII\"?><QuestionFormAnswers xmlns=\"\(XMLFixtures.answersNS)\">"
        for q in key where Int.random(in: 0..<6, using: &rng) != 0 {
            var chosen = q.selections.filter { _ in Int.random(in: 0..<3, using: &rng) == 0 }
            if Int.random(in: 0..<8, using: &rng) == 0 { chosen.append("unknown") }
            if Int.random(in: 0..<8, using: &rng) == 0, let f = chosen.first { chosen.append(f) }
            xml += "<Answer><QuestionIdentifier>\(q.id)</QuestionIdentifier>" + chosen.shuffled(using: &rng).map { "<SelectionIdentifier>\($0)</SelectionIdentifier>" }.joined() + "</Answer>"
        }
        if Int.random(in: 0..<10, using: &rng) == 0 { xml += "<Answer><QuestionIdentifier>extra</QuestionIdentifier><FreeText>x</FreeText></Answer>" }
        return xml + "</QuestionFormAnswers>"
    }
}

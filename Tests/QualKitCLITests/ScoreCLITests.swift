import Foundation
import QualKitTestSupport
import Testing

/// `qualkit score`, `analyze` and `threshold` run as a user runs them: the built binary on SampleForms/.
@Suite("qualkit score / analyze / threshold")
struct ScoreCLITests {
    static let test = "SampleForms/multi-select-scoring"
    static let answers = test + "/answers"
    static let ns = XMLFixtures.answersNS

    /// CSV rows as dictionaries by header (RFC 4180 quoting; no field in these tests spans lines).
    func rows(_ csv: String) -> [[String: String]] {
        func fields(_ line: Substring) -> [String] {
            var out: [String] = [], field = "", quoted = false, chars = Array(line), i = 0
            while i < chars.count {
                let c = chars[i]
                if quoted {
                    if c == "\"" && i + 1 < chars.count && chars[i + 1] == "\"" { field.append("\""); i += 1 }
                    else if c == "\"" { quoted = false }
                    else { field.append(c) }
                } else if c == "\"" { quoted = true }
                else if c == "," { out.append(field); field = "" }
                else { field.append(c) }
                i += 1
            }
            return out + [field]
        }
        let lines = csv.split(separator: "\n").map(fields)
        guard let header = lines.first else { return [] }
        return lines.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(header, $0)) }
    }

    /// One ListQualificationRequests-style record as a JSON line.
    func record(_ id: String, worker: String, answer: String) throws -> String {
        let object: [String: Any] = ["QualificationRequestId": id, "WorkerId": worker, "QualificationTypeId": "3TYPE",
                                     "Answer": answer, "SubmitTime": 1_700_000_000]
        return String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }

    @Test(arguments: ["answer-key.xml", "answer-key-percentage.xml", "answer-key-scale.xml", "answer-key-nomapping.xml"])
    func csvGivesTheExpectedValuesOfEveryKey(key: String) throws {
        let r = try CLIRunner.run(["score", "--key", "\(Self.test)/\(key)", "--format", "csv", Self.answers])
        #expect(r.status == 0, "\(r.stderr)")
        let expected = rows(try RepositoryFiles.text(Self.test + "/expected-values.csv")).filter { $0["key"] == key }
        #expect(expected.count == 7)
        let got = rows(r.stdout)
        #expect(got.count == expected.count)
        for e in expected {
            let row = got.first { ($0["input"] ?? "").hasSuffix("/" + e["answers"]!) }
            #expect(row?["sum"] == e["sum"] && row?["value"] == e["value"] && row?["status"] == "ok", "\(e)")
            #expect(row?["worker_id"] == String(e["answers"]!.dropLast(4)))  // the worker id comes from the file name
        }
        #expect(r.stderr.contains("7 attempts: 7 scored, 0 failed"))  // the summary keeps standard output clean
    }

    @Test func jsonAndJSONLinesCarryTheSameResultsAndTheSummary() throws {
        let json = try CLIRunner.run(["score", Self.test, "--format", "json", "--pass-value", ">=2"])
        #expect(json.status == 0, "\(json.stderr)")
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let attempts = try #require(doc["attempts"] as? [[String: Any]])
        let summary = try #require(doc["summary"] as? [String: Any])
        #expect(attempts.count == 7)
        #expect(summary["attempts"] as? Int == 7 && summary["failed"] as? Int == 0 && summary["passed"] as? Int == 2)
        #expect(summary["values"] as? [String: Int] == ["0": 4, "1": 1, "2": 1, "3": 1])

        let jsonl = try CLIRunner.run(["score", Self.test, "--format", "jsonl", "--pass-value", ">=2"])
        #expect(jsonl.status == 0, "\(jsonl.stderr)")
        let lines = try jsonl.stdout.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        #expect(lines.count == 7)
        for (a, b) in zip(attempts, lines) {
            #expect(a["workerId"] as? String == b["workerId"] as? String)
            #expect(a["value"] as? Int == b["value"] as? Int && a["passed"] as? Bool == b["passed"] as? Bool)
        }
    }

    @Test func stdinJSONLinesWithBrokenRecordsMidStreamScoresTheRestAndExitsOne() throws {
        let good = "<QuestionFormAnswers xmlns=\"\(Self.ns)\"><Answer><QuestionIdentifier>m1</QuestionIdentifier>"
            + "<SelectionIdentifier>whale</SelectionIdentifier><SelectionIdentifier>bat</SelectionIdentifier></Answer></QuestionFormAnswers>"
        let malformed = "<QuestionFormAnswers xmlns=\"\(Self.ns)\">\n<Answer><QuestionIdentifier>m1</QuestionIdentifier>\n</Answr>"
        let input = [try record("R1", worker: "A1GOOD", answer: good),
                     "{\"QualificationRequestId\": \"R2\", \"Answer\": \"unterminated",
                     try record("R3", worker: "A3BADXML", answer: malformed),
                     try record("R4", worker: "A4EMPTY", answer: "")].joined(separator: "\n") + "\n"
        let r = try CLIRunner.run(["score", "--key", "\(Self.test)/answer-key-nomapping.xml", "--format", "csv", "-"], stdin: input)
        #expect(r.status == 1, "some attempts failed: exit 1")
        let got = rows(r.stdout)
        #expect(got.map { $0["line"] } == ["1", "2", "3", "4"])  // every record has its row, in input order
        #expect(got[0]["request_id"] == "R1" && got[0]["status"] == "ok")
        #expect(got[1]["status"] == "failed" && got[1]["error"]?.hasPrefix("line 2: invalid JSON") == true)
        #expect(got[2]["status"] == "failed" && got[2]["error"]?.hasPrefix("XML line 3, column 9: Opening and ending tag mismatch") == true)
        #expect(got[3]["request_id"] == "R4" && got[3]["status"] == "ok")  // an empty Answer is an attempt with no answers
        // m1 right (+4) plus DefaultScores of the others, against no answers at all.
        #expect(Int(got[0]["sum"]!)! - Int(got[3]["sum"]!)! == 4 + 1)  // m1's DefaultScore is -1
        // Standard error names the record, its line, and for bad XML the XML line and column.
        #expect(r.stderr.contains("-:2"))
        #expect(r.stderr.contains("request R3 (worker A3BADXML) not scored: XML line 3"))
        #expect(r.stderr.contains("4 attempts: 2 scored, 2 failed"))
    }

    @Test func compareKeyListsWhoseValueChangesAndWritesAGrantsFile() throws {
        let dir = try CLIRunner.scratchDirectory("qualkit-score")
        defer { try? FileManager.default.removeItem(at: dir) }
        let grants = dir.appendingPathComponent("grants.csv").path
        let r = try CLIRunner.run(["score", "--key", "\(Self.test)/answer-key-percentage.xml", "--compare-key", "\(Self.test)/answer-key.xml",
                                   "--format", "csv", "--grants", grants, Self.answers])
        #expect(r.status == 0, "\(r.stderr)")
        let expected = rows(try RepositoryFiles.text(Self.test + "/expected-values.csv"))
        func value(_ key: String, _ file: String) -> String? { expected.first { $0["key"] == key && $0["answers"] == file }?["value"] }
        let changes = rows(r.stdout)
        let files = Set(expected.map { $0["answers"]! })
        let changing = files.filter { value("answer-key.xml", $0) != value("answer-key-percentage.xml", $0) }
        #expect(changes.count == changing.count && !changing.isEmpty)
        for c in changes {
            let file = c["worker_id"]! + ".xml"
            #expect(c["old_value"] == value("answer-key.xml", file) && c["new_value"] == value("answer-key-percentage.xml", file))
        }
        // The grants file holds the new values of exactly the workers whose value changed.
        let granted = rows(try String(contentsOfFile: grants, encoding: .utf8))
        #expect(Set(granted.map { $0["worker"]! }) == Set(changes.map { $0["worker_id"]! }))
        for g in granted { #expect(g["value"] == value("answer-key-percentage.xml", g["worker"]! + ".xml")) }
    }

    @Test func badInvocationsExitTwoAndSayWhatIsWrong() throws {
        let noKey = try CLIRunner.run(["score", "--key", "no-such-key.xml", Self.answers])
        #expect(noKey.status == 2 && noKey.stderr.contains("no-such-key.xml"))
        let noInput = try CLIRunner.run(["score", "--key", "\(Self.test)/answer-key.xml", "no-such-input.jsonl"])
        #expect(noInput.status == 2 && noInput.stderr.contains("no-such-input.jsonl: no such file"))
        let badRule = try CLIRunner.run(["score", Self.test, "--pass-value", "most"])
        #expect(badRule.status != 0 && badRule.stderr.contains("--pass-value \"most\": write a number"))
        let form = try CLIRunner.run(["score", "--key", "\(Self.test)/form.xml", Self.answers])
        #expect(form.status == 2 && form.stderr.contains("\(Self.test)/form.xml cannot be used"))
    }

    @Test func aPassValueNoValueCanMeetIsWarnedAbout() throws {
        // The range-mapped key gives 0…3: a percentage-style 60 can never pass.
        let never = try CLIRunner.run(["score", Self.test, "--pass-value", "60", "--format", "csv"])
        #expect(never.status == 0)
        #expect(never.stderr.contains("warning: --pass-value GreaterThanOrEqualTo 60: no attempt can pass: this key gives values 0, 1, 2, 3"))
        let always = try CLIRunner.run(["score", Self.test, "--pass-value", ">=0", "--format", "csv"])
        #expect(always.stderr.contains("every attempt passes"))
        let fine = try CLIRunner.run(["score", Self.test, "--pass-value", ">=2", "--format", "csv"])
        #expect(!fine.stderr.contains("warning"))
    }

    @Test func analyzeReportsItemsAndReliability() throws {
        let r = try CLIRunner.run(["analyze", Self.test, "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect(doc["attempts"] as? Int == 7 && doc["failed"] as? Int == 0)
        let items = try #require(doc["items"] as? [[String: Any]])
        #expect(items.map { $0["questionIdentifier"] as? String } == ["m1", "m2", "m3", "m4", "m5", "m6"])
        #expect((items.first?["facility"] as? Double).map { abs($0 - 2.0 / 7.0) < 1e-6 } == true)  // 2 of 7 at full points on m1
        let m5 = try #require(items.first { $0["questionIdentifier"] as? String == "m5" })
        #expect((m5["flags"] as? [String])?.contains("unpicked-selection") == true)
        let photoshop = (m5["selections"] as? [[String: Any]])?.first { $0["identifier"] as? String == "photoshop" }
        #expect(photoshop?["count"] as? Int == 0)
        #expect((doc["cronbachAlpha"] as? Double).map { abs($0 - 0.905552) < 1e-6 } == true)

        let table = try CLIRunner.run(["analyze", Self.test])
        #expect(table.stdout.contains("QUESTION") && table.stdout.contains("KR-20"))
    }

    @Test func thresholdShowsTheValueAndItsRounding() throws {
        let r = try CLIRunner.run(["threshold", "--key", "\(Self.test)/answer-key-percentage.xml", "5 of 6 correct", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect(doc["goalSum"] as? Int == 17 && doc["integerValue"] as? Int == 71)
        #expect(doc["comparator"] as? String == "GreaterThanOrEqualTo")
        #expect(doc["derivation"] as? String == "100 × 17 ÷ 24 = 70.833333… → 71 (half-up)")
        #expect((doc["notes"] as? [String])?.contains("the goal sum assumes the other question at its lowest points (negative options chosen)") == true)

        let wrongCount = try CLIRunner.run(["threshold", "--key", "\(Self.test)/answer-key.xml", "8 of 10 correct"])
        #expect(wrongCount.status != 0 && wrongCount.stderr.contains("the key has 6 questions, not 10"))
    }
}

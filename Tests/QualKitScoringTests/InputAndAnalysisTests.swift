import Foundation
import QualKit
import QualKitScoring
import Testing

private func xmlJSON(_ items: [(String, [String])]) -> String {
    JSONValueText.quote(String(decoding: K.answers(items), as: UTF8.self))
}

enum JSONValueText {
    static func quote(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(u)
            }
        }
        return out + "\""
    }
}

/// Feeds `text` to a splitter in blocks of `block` bytes; returns the items and how many came out before the last
/// block.
private func split(_ text: [UInt8], block: Int, input: String = "x") -> (items: [JSONItem], beforeEnd: Int) {
    var splitter = JSONRecordSplitter(input: input)
    var items: [JSONItem] = []
    var offset = 0
    var beforeEnd = 0
    while offset < text.count {
        let end = min(text.count, offset + block)
        if end == text.count { beforeEnd = items.count }
        items += splitter.feed(Array(text[offset..<end]))
        offset = end
    }
    return (items + splitter.finish(), beforeEnd)
}

/// Splits and decodes a whole text the way the CLI does, feeding it in pieces of `piece` bytes.
private func records(_ text: String, piece: Int = 1 << 20) -> [AttemptRecord] {
    let items = split(Array(text.utf8), block: piece, input: "in.jsonl").items
    return items.flatMap { item -> [AttemptRecord] in
        if let e = item.error { return [AttemptRecord(source: AttemptSource(input: "in.jsonl", line: item.line), answer: [], fromJSON: true, failure: e)] }
        return RecordDecoder.decode(item.bytes, input: "in.jsonl", line: item.line)
    }
}

@Suite struct RecordInputTests {
    @Test func jsonLinesWithABrokenLineMidStream() throws {
        let text = """
            {"QualificationRequestId":"R1","WorkerId":"A1","QualificationTypeId":"T","Answer":\(xmlJSON([("q1", ["a"])])),"SubmitTime":1700000000.5}
            {"QualificationRequestId":"R2","WorkerId":"A2","Answer":"<broken"
            {"QualificationRequestId":"R3","WorkerId":"A3","Answer":""}
            {"QualificationRequestId":"R4","WorkerId":"A4"}
            {"QualificationRequestId":"R5","Answer":null,"Test":"<QuestionForm \\"ignored\\"/>"}

            """
        for piece in [1, 7, 1 << 20] {
            let r = records(text, piece: piece)
            try #require(r.count == 5)
            #expect(r[0].source.requestId == "R1" && r[0].source.workerId == "A1" && r[0].source.submitTime == "1700000000.5")
            #expect(r[0].source.qualificationTypeId == "T" && r[0].source.line == 1)
            #expect(r[1].failure?.line == 2)  // the string is not closed on line 2
            #expect(r[2].source.requestId == "R3" && r[2].answer.isEmpty && r[2].failure == nil)
            #expect(r[3].answer.isEmpty && r[3].failure == nil)  // AWS omits empty members
            #expect(r[4].source.requestId == "R5" && r[4].source.line == 5)
        }
    }

    @Test func listQualificationRequestsPageAndArrays() {
        let page = """
            {"NextToken":"abc","NumResults":2,"QualificationRequests":[
              {"QualificationRequestId":"R1","WorkerId":"A1","Answer":\(xmlJSON([("q1", ["a"])]))},
              {"QualificationRequestId":"R2","WorkerId":"A2","Answer":""}
            ]}
            """
        let r = records(page)
        #expect(r.map(\.source.requestId) == ["R1", "R2"])
        #expect(r[1].source.line == 3)
        let array = "[\n {\"QualificationRequestId\":\"R1\",\"Answer\":\"\"},\n {\"QualificationRequestId\":\"R2\",\"Answer\":\"\"}\n]\n"
        for piece in [1, 5, 1000] { #expect(records(array, piece: piece).map(\.source.requestId) == ["R1", "R2"]) }
        let pretty = "{\n  \"QualificationRequestId\": \"R9\",\n  \"Answer\": \"\"\n}\n{\"QualificationRequestId\":\"R10\",\"Answer\":\"\"}\n"
        #expect(records(pretty).map(\.source.requestId) == ["R9", "R10"])
        #expect(records(pretty).map(\.source.line) == [1, 5])
    }

    @Test func escapesDecodeToUTF8() {
        let r = records(#"{"QualificationRequestId":"R\u00e9\ud83d\ude00","WorkerId":"A\/1\n","Answer":""}"#)
        #expect(r.first?.source.requestId == "Ré😀")
        #expect(r.first?.source.workerId == "A/1\n")
        let bad = records(#"{"QualificationRequestId":"\ud83d","Answer":""}"#)
        #expect(bad.first?.failure?.message.contains("surrogate") == true)
    }

    @Test func aLongTestFieldIsSkippedAndControlCharactersInStringsAreRefused() {
        // The Test field (the QuestionForm) is kilobytes of text skipped 8 bytes at a time; escapes at every
        // offset around the 8-byte steps must not end the string early.
        for pad in 0..<40 {
            let filler = String(repeating: "x", count: pad)
            let test = filler + #"<Q a=\"1\">\\</Q>"# + String(repeating: "y", count: 3000) + #"\""#
            let r = records(#"{"QualificationRequestId":"R1","Test":"\#(test)","WorkerId":"W1","Answer":""}"#)
            #expect(r.count == 1 && r.first?.failure == nil && r.first?.source.workerId == "W1", "pad \(pad)")
        }
        // A raw tab in any string (read or skipped) is invalid JSON, reported where it is.
        for field in ["Test", "WorkerId", "Answer"] {
            let text = #"{"QualificationRequestId":"R1","\#(field)":"ab\#tc","Answer2":""}"#
            let r = records(text)
            #expect(r.first?.failure?.message == "invalid JSON: control character 0x9 inside a string (escape it, e.g. \\n or \\t)", "\(field)")
            #expect(r.first?.failure?.column == text.utf8.firstIndex(of: 0x09).map { text.utf8.distance(from: text.utf8.startIndex, to: $0) + 1 })
        }
        // Cut inside a string, as the decoder sees a value (the splitter reports a cut value before it does).
        let cut = RecordDecoder.decode(Array(#"{"QualificationRequestId":"R1","Test":"abc\"#.utf8), input: "x", line: 1)
        #expect(cut.first?.failure?.message == "invalid JSON: unterminated string")
        #expect(cut.first?.failure?.column == 39)
    }

    @Test func notARecordIsReportedWithPosition() {
        let r = records("{\"QualificationRequestId\":\"R1\",\"Answer\":\"\"}\n{\"foo\": 1}\n[1]\n")
        #expect(r.count == 3)
        #expect(r[1].failure?.message.contains("not a QualificationRequest record") == true)
        #expect(r[1].failure?.line == 2)
        #expect(r[2].failure != nil)
    }

    @Test func valuesCutFromOneBlockKeepTheirBytesWhileLaterBlocksArrive() {
        // Values share their block's storage: later feeds must never write into it.
        let lines = (0..<50).map { "{\"QualificationRequestId\":\"R\($0)\",\"Answer\":\"\(String(repeating: "x", count: $0))\"}" }
        let text = Array((lines.joined(separator: "\n") + "\n").utf8)
        var splitter = JSONRecordSplitter(input: "x")
        var items: [JSONItem] = []
        var offset = 0
        for size in [1, 37, 500, 3, 1000, 64, 9999] where offset < text.count {
            let end = min(text.count, offset + size)
            items += splitter.feed(Array(text[offset..<end]))
            offset = end
        }
        items += splitter.feed(Array(text[offset...]))
        items += splitter.finish()
        #expect(items.map { String(decoding: $0.bytes, as: UTF8.self) } == lines)
        #expect(items.map(\.line) == Array(1...50))
    }

    @Test func readingStraightIntoTheSplitterGivesTheSameValuesAsFeedingBlocks() {
        // Short reads (a pipe), a pretty-printed page larger than the block size (the tail grows over many reads),
        // a broken line, then more records: the same values, lines and errors as one whole-text feed.
        let page = "{\"QualificationRequests\": [\n" + (0..<40).map { "  {\"QualificationRequestId\": \"P\($0)\", \"Answer\": \"\(String(repeating: "y", count: 90))\"}" }
            .joined(separator: ",\n") + "\n]}"
        let lines = (0..<30).map { "{\"QualificationRequestId\":\"R\($0)\",\"Answer\":\"\(String(repeating: "x", count: $0 * 7))\"}" }
        let text = Array(([lines[0], page, "{\"broken\": ", lines[1]] + lines.dropFirst(2)).joined(separator: "\n").utf8 + [0x0A])

        var whole = JSONRecordSplitter(input: "x")
        let expected = whole.feed(text) + whole.finish()

        for (blockSize, readSizes) in [(64, [5, 13, 64, 1]), (256, [256]), (1 << 20, [1 << 20])] {
            var splitter = JSONRecordSplitter(input: "x")
            var items: [JSONItem] = []
            var offset = 0, reads = 0
            while let got = splitter.feed(blockSize: blockSize, readingWith: { room in
                let n = min(room.count, readSizes[reads % readSizes.count], text.count - offset)
                reads += 1
                text.withUnsafeBytes { source in room.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[offset..<(offset + n)])) }
                offset += n
                return n
            }) {
                items += got
            }
            items += splitter.finish()
            #expect(items.map { String(decoding: $0.bytes, as: UTF8.self) } == expected.map { String(decoding: $0.bytes, as: UTF8.self) })
            #expect(items.map(\.line) == expected.map(\.line))
            #expect(items.map { $0.error?.message } == expected.map { $0.error?.message })
        }
        #expect(expected.count == 71 && expected.filter { $0.error != nil }.count == 1)
    }

    @Test func aResponseObjectIsCutRecordByRecord() {
        // As the AWS CLI prints every page merged: pretty-printed, other fields before and after the records.
        let records = (0..<40).map { "{\n        \"QualificationRequestId\": \"P\($0)\",\n        \"Answer\": \"\(String(repeating: "y", count: 50))\"\n    }" }
        let text = Array(("{\n    \"NumResults\": 40,\n    \"QualificationRequests\": [\n    " + records.joined(separator: ",\n    ")
            + "\n    ],\n    \"NextToken\": \"a]}{\\\"b\"\n}\n" + "{\"QualificationRequestId\": \"AFTER\"}\n").utf8)
        let (items, beforeEnd) = split(text, block: 100)
        #expect(items.map(\.error).allSatisfy { $0 == nil })
        #expect(items.map { String(decoding: $0.bytes, as: UTF8.self) } == records + ["{\"QualificationRequestId\": \"AFTER\"}"])
        #expect(items.map(\.line) == (0..<40).map { 4 + 4 * $0 } + [167])
        // Records come out while the object is still being read: nothing holds the whole response.
        #expect(beforeEnd >= 39)
        let ids = items.flatMap { RecordDecoder.decode($0.bytes, input: "x", line: $0.line) }.map(\.source.requestId)
        #expect(ids == (0..<40).map { "P\($0)" } + ["AFTER"])
    }

    @Test func stringsWithBracketsAndEscapesSpanningBlocksDoNotEndValuesEarly() {
        // Long Test fields (skipped 16 bytes at a time) hold brackets, braces, escaped quotes and backslashes at
        // every offset; whatever the block size, a response gives the same records as read whole.
        let records = (0..<12).map { k in
            let test = String(repeating: "x", count: 3 * k) + #"]}{[\"\\\"\\"# + String(repeating: "y", count: 40 + 7 * k) + #"\\"#
            return "{\n        \"QualificationRequestId\": \"P\(k)\",\n        \"Test\": \"\(test)\",\n        \"Answer\": \"\"\n    }"
        }
        let text = Array(("{\n    \"QualificationRequests\": [\n    " + records.joined(separator: ",\n    ") + "\n    ]\n}\n").utf8)
        for block in [1, 2, 3, 5, 15, 16, 17, 31, 33, 100, text.count] {
            let items = split(text, block: block).items
            #expect(items.map { String(decoding: $0.bytes, as: UTF8.self) } == records, "block \(block)")
        }
        // A line break inside a string is still reported where the string is.
        let broken = Array("{\"QualificationRequests\": [{\"QualificationRequestId\": \"P\", \"Test\": \"ab\ncd\"}]}\n".utf8)
        #expect(split(broken, block: 7).items.first?.error?.message == "invalid JSON: a string is not closed before the end of line 1")
    }

    @Test func aResponseObjectOnOneLongLineIsCutToo() {
        // Longer than the 4 MiB a JSON Lines line may be held whole: scanned, and its records cut one by one,
        // whether the line arrives in blocks or whole.
        let record = "{\"QualificationRequestId\":\"R\",\"Answer\":\"\(String(repeating: "z", count: 2000))\"}"
        let count = (6 << 20) / record.utf8.count
        let text = Array(("{\"Assignments\":[" + Array(repeating: record, count: count).joined(separator: ",") + "],\"NextToken\":null}\n").utf8)
        let whole = split(text, block: text.count).items
        #expect(whole.count == count && whole.allSatisfy { $0.error == nil && $0.bytes.count == record.utf8.count })
        let (items, beforeEnd) = split(text, block: 1 << 20)
        #expect(items.count == count && items.allSatisfy { $0.error == nil && $0.bytes.count == record.utf8.count },
                "\(items.count) of \(count): \(items.compactMap { $0.error?.message }.prefix(3))")
        #expect(beforeEnd > 0)
    }

    @Test func aResponseObjectCutShortIsReported() {
        let text = Array("{\"QualificationRequests\": [{\"QualificationRequestId\": \"R1\"}], \"NextToken\": \"abc\"".utf8)
        let (items, _) = split(text, block: 1 << 20)
        #expect(items.count == 2 && items[0].error == nil)
        #expect(items[1].error?.message == "invalid JSON: the input ends inside the response object after its records (missing '}')")
        // A broken rest is reported, and the record after it is read, not dropped with the rest.
        let broken = Array("{\"QualificationRequests\": [{\"QualificationRequestId\": \"R1\"}], \"NextToken\": \"abc\n{\"QualificationRequestId\": \"R2\"}\n".utf8)
        let after = split(broken, block: 7).items
        #expect(after.count == 3 && after[1].error?.message.contains("a string is not closed before the end of line 1") == true)
        #expect(String(decoding: after[2].bytes, as: UTF8.self) == "{\"QualificationRequestId\": \"R2\"}" && after[2].line == 2)
    }

    @Test func batchScoringKeepsOrderAcrossWorkersAndContinuesAfterFailures() throws {
        let key = try K.key([("q1", [(["a"], 1)], nil), ("q2", [(["b"], 2)], nil)])
        var lines: [String] = []
        for n in 0..<3000 {
            let answer = n % 97 == 5 ? "\"<QuestionFormAnswers\"" : xmlJSON([("q1", n % 2 == 0 ? ["a"] : []), ("q2", n % 3 == 0 ? ["b"] : [])])
            lines.append("{\"QualificationRequestId\":\"R\(n)\",\"WorkerId\":\"A\(n)\",\"Answer\":\(answer)}")
        }
        var splitter = JSONRecordSplitter(input: "x")
        var items = splitter.feed(Array((lines.joined(separator: "\n") + "\n").utf8))
        items += splitter.finish()
        let batch = BatchScorer(key: key)
        var next = 0
        var results: [AttemptResult] = []
        try OrderedParallelMap.run(
            workers: 3, inFlight: 5,
            produce: { () -> [AttemptInput]? in
                guard next < items.count else { return nil }
                defer { next += 7 }
                return items[next..<min(items.count, next + 7)].map { .json($0, input: "x") }
            },
            makeState: { batch.makeWorker() },
            process: { worker, chunk in batch.process(chunk, worker: worker) },
            deliver: { results += $0 })
        #expect(results.count == 3000)
        for (n, r) in results.enumerated() {
            #expect(r.source.requestId == "R\(n)")
            if n % 97 == 5 {
                #expect(r.outcome.failure != nil)
            } else {
                #expect(r.outcome.score?.sum == Int64((n % 2 == 0 ? 1 : 0) + (n % 3 == 0 ? 2 : 0)))
            }
        }
    }

    @Test func passRulesAndSummary() throws {
        #expect(PassRule(parsing: "80") == PassRule(comparator: .greaterThanOrEqualTo, value: 80))
        #expect(PassRule(parsing: "<50") == PassRule(comparator: .lessThan, value: 50))
        #expect(PassRule(parsing: "GreaterThan:79") == PassRule(comparator: .greaterThan, value: 79))
        #expect(PassRule(parsing: "abc") == nil)
        var s = ScoreSummary(passRule: PassRule(comparator: .greaterThanOrEqualTo, value: 2))
        for v: Int32 in [1, 2, 3, 3] {
            s.add(.scored(AttemptScore(sum: Int64(v), value: v, points: [], selectionBits: [], unknownSelections: [], questions: [])))
        }
        s.add(.failed(AttemptFailure(kind: "x", message: "y")))
        #expect(s.attempts == 5 && s.scored == 4 && s.failed == 1 && s.passed == 3)
        #expect(s.valueCounts == [1: 1, 2: 1, 3: 2])
        #expect(s.passRate == 0.75)
    }

    @Test func keyComparisonListsChanges() throws {
        let new = try K.key([("q1", [(["a"], 1), (["b"], 1)], nil)])
        let old = try K.key([("q1", [(["a"], 1)], nil)])
        let batch = BatchScorer(key: new, compareKey: old)
        let worker = batch.makeWorker()
        let inputs: [AttemptInput] = [
            .xml(bytes: K.answers([("q1", ["a"])]), source: AttemptSource(workerId: "A1", input: "1.xml")),
            .xml(bytes: K.answers([("q1", ["b"])]), source: AttemptSource(workerId: "A2", input: "2.xml")),
        ]
        var c = KeyComparison()
        let changes = batch.process(inputs, worker: worker).compactMap { c.add($0) }
        #expect(changes.count == 1)
        #expect(changes[0].source.workerId == "A2" && changes[0].oldValue == 0 && changes[0].newValue == 1)
        #expect(c.unchanged == 1 && c.raised == 1)
    }
}

@Suite struct ItemAnalysisTests {
    /// Five attempts on three one-point questions, points:
    /// (1,1,1) (1,1,0) (1,0,0) (0,0,1) (0,0,0); statistics worked out by hand in the comments.
    @Test func statisticsMatchHandComputedValues() throws {
        let key = try ScoringKey(AnswerKey(questions: ["q1", "q2", "q3"].map {
            KeyQuestion(identifier: $0, options: [AnswerOption(selectionIdentifiers: ["r"], score: 1)])
        }))
        let rows: [[Bool]] = [[true, true, true], [true, true, false], [true, false, false], [false, false, true], [false, false, false]]
        var analyzer = ItemAnalyzer(key: key)
        let scorer = AttemptScorer(key: key, detail: .points)
        for row in rows {
            let items = zip(["q1", "q2", "q3"], row).map { ($0.0, $0.1 ? ["r"] : ["w"]) }
            analyzer.add(try #require(scorer.score(xml: K.answers(items)).score))
        }
        let a = analyzer.result()
        #expect(a.attempts == 5)
        #expect(a.items.map(\.facility) == [0.6, 0.4, 0.4])
        // T = 3,2,1,1,0: mean 1.4, variance 3 − 1.96 = 1.04.
        #expect(abs(a.meanScore! - 1.4) < 1e-12 && abs(a.scoreVariance! - 1.04) < 1e-12)
        // KR-20 = 3/2 · (1 − 0.72/1.04) = 0.461538…; alpha equals it for 0/1 items.
        #expect(abs(a.kr20! - 0.4615384615) < 1e-9)
        #expect(abs(a.cronbachAlpha! - 0.4615384615) < 1e-9)
        // q1: d = 11100, rest = 21010: cov 0.12, var d 0.24, var rest 0.56 → 0.12/√0.1344 = 0.327327…
        #expect(abs(a.items[0].pointBiserial! - 0.3273268354) < 1e-9)
        // q2: d = 11000, rest = 21110: cov 0.2, var rest 0.4 → 0.2/√0.096 = 0.645497…
        #expect(abs(a.items[1].pointBiserial! - 0.6454972244) < 1e-9)
        // q3: d = 10010, rest = 22100: cov 0 → 0.
        #expect(abs(a.items[2].pointBiserial!) < 1e-12)
        // Groups of round(0.27·5) = 1: the top attempt (T=3) against the bottom (T=0).
        #expect(a.items.map(\.upperLowerIndex) == [1, 1, 1])
        // "w" is not in the key: counted as an unknown selection.
        #expect(a.items[0].selections == [SelectionCount(identifier: "r", count: 3, known: true),
                                          SelectionCount(identifier: "w", count: 2, known: false)])
    }

    @Test func flags() throws {
        let form = QuestionForm(items: [])
        let key = try ScoringKey(AnswerKey(questions: [
            KeyQuestion(identifier: "q1", options: [AnswerOption(selectionIdentifiers: ["a"], score: 1), AnswerOption(selectionIdentifiers: ["z"], score: 0)]),
            KeyQuestion(identifier: "q2", options: [AnswerOption(selectionIdentifiers: ["a"], score: 1)]),
            KeyQuestion(identifier: "q3", options: [AnswerOption(selectionIdentifiers: ["a"], score: 1)]),
            KeyQuestion(identifier: "q4", options: [AnswerOption(selectionIdentifiers: ["a"], score: 1)]),
        ]), form: form)
        var analyzer = ItemAnalyzer(key: key)
        let scorer = AttemptScorer(key: key, detail: .points)
        // q2 right only for the weakest on q1: negative discrimination; q3 everybody; q4 nobody; q1's "z" unpicked.
        for (q1, q2) in [(true, false), (true, false), (false, true), (false, false)] {
            analyzer.add(try #require(scorer.score(xml: K.answers([("q1", q1 ? ["a"] : []), ("q2", q2 ? ["a"] : []), ("q3", ["a"])])).score))
        }
        let items = analyzer.result().items
        #expect(items[0].flags.contains(.unpickedSelection))
        #expect(items[1].flags.contains(.negativeDiscrimination))
        #expect(items[2].flags == [.everybodyRight])
        #expect(items[3].flags.contains(.nobodyRight))
    }
}

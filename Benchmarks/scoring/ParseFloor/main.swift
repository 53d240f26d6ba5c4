// qualkit-parse-floor: the parse-only floor for the scoring benchmark.
//
// Reads the same JSON Lines corpus as `qualkit score`, extracts every Answer document (not timed), then times
// libxml2 parsing those documents with a SAX2 handler that does nothing: the cost of reading the XML and no
// more. Prints one line per thread count: `floor threads=N docs=D seconds=S docs_per_sec=R`.
//
// With `--key KEY.xml` it also times scoring those same in-memory documents (`AttemptScorer`, our SAX2 handler and
// the key lookups, no JSON and no output): `scorer threads=N …`. Set against the floor and `qualkit score`, that
// splits the gap into the part spent on the XML and the part spent on reading JSON and writing results.
import Dispatch
import Foundation
import Synchronization
import QualKit
import QualKitScoring
import QualKitXML

var args = CommandLine.arguments
var key: ScoringKey? = nil
if let k = args.firstIndex(of: "--key"), k + 1 < args.count {
    let path = args[k + 1]
    args.removeSubrange(k...(k + 1))
    guard let bytes = FileManager.default.contents(atPath: path), let answerKey = MTurkDocuments.answerKey(Array(bytes), file: path).value,
          let scoringKey = try? ScoringKey(answerKey, form: nil, rounding: .halfUp) else {
        FileHandle.standardError.write(Data("cannot load the answer key \(path)\n".utf8))
        exit(2)
    }
    key = scoringKey
}
guard args.count >= 2 else {
    FileHandle.standardError.write(Data("usage: qualkit-parse-floor [--key KEY.xml] ATTEMPTS.jsonl [THREADS...]\n".utf8))
    exit(2)
}
guard let data = FileManager.default.contents(atPath: args[1]) else {
    FileHandle.standardError.write(Data("cannot read \(args[1])\n".utf8))
    exit(2)
}
var splitter = JSONRecordSplitter(input: args[1])
var items = splitter.feed(Array(data))
items += splitter.finish()
var documents: [[UInt8]] = []
for item in items {
    for record in RecordDecoder.decode(item.bytes, input: args[1], line: item.line) where !record.answer.isEmpty {
        documents.append(record.answer)
    }
}
let threadCounts = args.count > 2 ? args.dropFirst(2).compactMap { Int($0) } : [1, OrderedParallelMap.processorCount]
let docs = documents

/// Runs `work` over every document on `threads` threads (document i on thread i mod threads); prints the rate.
func measure(_ label: String, threads: Int, _ work: @escaping @Sendable () -> (UnsafeRawBufferPointer) -> Bool) {
    let start = DispatchTime.now().uptimeNanoseconds
    let counts = Counts(threads)
    DispatchQueue.concurrentPerform(iterations: threads) { t in
        let each = work()
        var ok = 0
        var i = t
        while i < docs.count {
            if docs[i].withUnsafeBytes(each) { ok += 1 }
            i += threads
        }
        counts.set(t, ok)
    }
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    print("\(label) threads=\(threads) docs=\(docs.count) wellformed=\(counts.total) seconds=\(String(format: "%.3f", seconds)) docs_per_sec=\(Int(Double(docs.count) / seconds))")
}

for threads in threadCounts {
    measure("floor", threads: threads) {
        let parser = AnswerStreamParser()
        return { parser.parseOnly($0) }
    }
    if let key {
        measure("scorer", threads: threads) {
            let scorer = AttemptScorer(key: key)
            return { scorer.score(xml: $0, forceUTF8: true).score != nil }
        }
    }
}
/// Per-thread counts, written once by each thread.
final class Counts: Sendable {
    private let values: Mutex<[Int]>
    init(_ n: Int) { values = Mutex([Int](repeating: 0, count: n)) }
    func set(_ i: Int, _ v: Int) { values.withLock { $0[i] = v } }
    var total: Int { values.withLock { $0.reduce(0, +) } }
}

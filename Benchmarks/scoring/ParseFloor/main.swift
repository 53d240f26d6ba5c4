// qualkit-parse-floor: the parse-only floor for the scoring benchmark.
//
// Reads the same JSON Lines corpus as `qualkit score`, extracts every Answer document (not timed), then times
// libxml2 parsing those documents with a SAX2 handler that does nothing: the cost of reading the XML and no
// more. Prints one line per thread count: `floor threads=N docs=D seconds=S docs_per_sec=R`.
import Dispatch
import Foundation
import Synchronization
import QualKitScoring
import QualKitXML

let args = CommandLine.arguments
guard args.count >= 2 else {
    FileHandle.standardError.write(Data("usage: qualkit-parse-floor ATTEMPTS.jsonl [THREADS...]\n".utf8))
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

for threads in threadCounts {
    let start = DispatchTime.now().uptimeNanoseconds
    let wellFormed = Counts(threads)
    DispatchQueue.concurrentPerform(iterations: threads) { t in
        let parser = AnswerStreamParser()
        var ok = 0
        var i = t
        while i < docs.count {
            if docs[i].withUnsafeBytes({ parser.parseOnly($0) }) { ok += 1 }
            i += threads
        }
        wellFormed.set(t, ok)
    }
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    let ok = wellFormed.total
    print("floor threads=\(threads) docs=\(docs.count) wellformed=\(ok) seconds=\(String(format: "%.3f", seconds)) docs_per_sec=\(Int(Double(docs.count) / seconds))")
}

/// Per-thread counts, written once by each thread.
final class Counts: Sendable {
    private let values: Mutex<[Int]>
    init(_ n: Int) { values = Mutex([Int](repeating: 0, count: n)) }
    func set(_ i: Int, _ v: Int) { values.withLock { $0[i] = v } }
    var total: Int { values.withLock { $0.reduce(0, +) } }
}

/// Gathers worker answers (object, worker, label) as they are read, with worker ids and labels interned.
///
/// Feed it one worker-response file at a time (`addWorkerResponse`), or single answers (`add`). Collectors filled
/// on different threads are combined with `merge`; the final ``LabelData`` sorts workers and classes by name, so
/// the result does not depend on reading order.
public struct ResponseCollector: Sendable {
    /// The `answerContent` element whose `label` is read (`crowd-classifier` in the built-in template).
    public var element: String
    private var elementBytes: [UInt8]

    private var workerIds = ByteInterner()
    private var labelIds = ByteInterner()
    /// Worker ids by number, in order of first appearance.
    public var workerNames: [String] { workerIds.names }
    /// Labels by number, in order of first appearance.
    public var labelNames: [String] { labelIds.names }

    /// One entry per answer, in reading order.
    private(set) var objects: [Int32] = []
    private(set) var workers: [Int32] = []
    private(set) var labels: [Int32] = []
    /// Worker-response files read.
    public private(set) var filesRead = 0

    public init(element: String = "crowd-classifier") {
        self.element = element
        self.elementBytes = Array(element.utf8)
    }

    /// Answers collected so far.
    public var count: Int { objects.count }

    public mutating func reserveCapacity(_ n: Int) {
        objects.reserveCapacity(n)
        workers.reserveCapacity(n)
        labels.reserveCapacity(n)
    }

    /// Adds one answer.
    public mutating func add(object: Int, worker: String, label: String) {
        objects.append(Int32(truncatingIfNeeded: object))
        workers.append(workerIds.intern(worker))
        labels.append(labelIds.intern(label))
    }

    /// Appends everything another collector gathered.
    public mutating func merge(_ other: ResponseCollector) {
        let wmap = other.workerNames.map { workerIds.intern($0) }
        let lmap = other.labelNames.map { labelIds.intern($0) }
        objects.append(contentsOf: other.objects)
        workers.append(contentsOf: other.workers.lazy.map { wmap[Int($0)] })
        labels.append(contentsOf: other.labels.lazy.map { lmap[Int($0)] })
        filesRead += other.filesRead
    }

    /// Reads one Ground Truth worker-response file: `{"answers":[{"workerId":…, "answerContent":
    /// {"crowd-classifier":{"label":…}}, …}, …]}`. Every answer in the file counts (a file may hold one
    /// worker's answer or all of them).
    ///
    /// - Parameters:
    ///   - bytes: The file's contents.
    ///   - objectIndex: The dataset object (0-based line of the input manifest): the name of the file's folder.
    ///   - source: A name for errors (the path).
    /// - Throws: ``AccuracyError`` naming the answer and field when the file does not have that shape.
    public mutating func addWorkerResponse(_ bytes: UnsafeRawBufferPointer, objectIndex: Int, source: String) throws(AccuracyError) {
        try addWorkerResponse(bytes, objectIndex: objectIndex, source: { source })
    }

    /// ``addWorkerResponse(_:objectIndex:source:)`` with the name made only when there is an error.
    mutating func addWorkerResponse(_ bytes: UnsafeRawBufferPointer, objectIndex: Int, source makeSource: () -> String) throws(AccuracyError) {
        func wrap(_ f: JSONCursor.Failure) -> AccuracyError {
            AccuracyError(source: makeSource(), message: "not valid JSON at byte \(f.offset): \(f.message)",
                          hint: "a worker-response file is one JSON object {\"answers\": […]}")
        }
        func shape(_ message: String) -> AccuracyError {
            AccuracyError(source: makeSource(), message: message,
                          hint: "each answer needs \"workerId\" and \"answerContent\": {\"\(element)\": {\"label\": \"<class>\"}} (the built-in text-classification template's output)")
        }
        var c = JSONCursor(bytes)
        let before = objects.count
        var sawAnswers = false
        do {
            try c.beginObject()
            var firstKey = true
            while let key = try c.nextKey(first: &firstKey) {
                guard c.key(key, is: "answers") else {
                    try c.skipValue()
                    continue
                }
                sawAnswers = true
                guard c.peek() == UInt8(ascii: "[") else { throw shape("\"answers\" is not an array") }
                try c.beginArray()
                var firstElement = true
                var n = 0
                while try c.nextElement(first: &firstElement) {
                    guard c.peek() == UInt8(ascii: "{") else { throw shape("answers[\(n)] is not an object") }
                    var worker: Range<Int>?
                    var label: Range<Int>?
                    var sawElement = false
                    var contentKeys: [String] = []
                    try c.beginObject()
                    var firstField = true
                    while let field = try c.nextKey(first: &firstField) {
                        if c.key(field, is: "workerId") {
                            guard c.peek() == UInt8(ascii: "\"") else { throw shape("answers[\(n)].workerId is not a string") }
                            worker = try c.readStringRange()
                        } else if c.key(field, is: "answerContent") {
                            guard c.peek() == UInt8(ascii: "{") else { throw shape("answers[\(n)].answerContent is not an object") }
                            try c.beginObject()
                            var firstContent = true
                            while let ck = try c.nextKey(first: &firstContent) {
                                if matchesElement(c, ck) {
                                    sawElement = true
                                    guard c.peek() == UInt8(ascii: "{") else { throw shape("answers[\(n)].answerContent.\(element) is not an object") }
                                    try c.beginObject()
                                    var firstLabel = true
                                    while let lk = try c.nextKey(first: &firstLabel) {
                                        if c.key(lk, is: "label") {
                                            guard c.peek() == UInt8(ascii: "\"") else { throw shape("answers[\(n)].answerContent.\(element).label is not a string") }
                                            label = try c.readStringRange()
                                        } else {
                                            try c.skipValue()
                                        }
                                    }
                                } else {
                                    if contentKeys.count < 5 { contentKeys.append(try c.text(ck)) }
                                    try c.skipValue()
                                }
                            }
                        } else {
                            try c.skipValue()
                        }
                    }
                    guard let worker, !worker.isEmpty else { throw shape("answers[\(n)] has no workerId") }
                    if !sawElement {
                        let found = contentKeys.isEmpty ? "it is empty" : "it has " + contentKeys.map { "\"\($0)\"" }.joined(separator: ", ")
                        throw shape("answers[\(n)].answerContent has no \"\(element)\" (\(found))")
                    }
                    guard let label else { throw shape("answers[\(n)].answerContent.\(element) has no \"label\"") }
                    objects.append(Int32(truncatingIfNeeded: objectIndex))
                    workers.append(c.hasEscape(worker) ? workerIds.intern(try c.text(worker))
                                                       : workerIds.intern(UnsafeRawBufferPointer(rebasing: bytes[worker])))
                    labels.append(c.hasEscape(label) ? labelIds.intern(try c.text(label))
                                                     : labelIds.intern(UnsafeRawBufferPointer(rebasing: bytes[label])))
                    n += 1
                }
            }
            try c.expectEnd()
        } catch let e as JSONCursor.Failure {
            rollBack(to: before)
            throw wrap(e)
        } catch let e as AccuracyError {
            rollBack(to: before)
            throw e
        } catch {
            rollBack(to: before)
            throw AccuracyError(source: makeSource(), message: "\(error)", hint: "check the file")
        }
        if !sawAnswers {
            throw shape("no \"answers\" array")
        }
        filesRead += 1
    }

    private func matchesElement(_ c: JSONCursor, _ range: Range<Int>) -> Bool {
        // Raw bytes first (the usual case); a key written with escapes is decoded and compared.
        if c.key(range, equals: elementBytes) { return true }
        return (try? c.text(range)) == element
    }

    private mutating func rollBack(to count: Int) {
        objects.removeSubrange(count...)
        workers.removeSubrange(count...)
        labels.removeSubrange(count...)
    }
}

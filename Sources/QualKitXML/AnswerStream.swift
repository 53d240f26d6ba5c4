internal import CLibXML2
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One `<Answer>` of a QuestionFormAnswers document as the streaming parser saw it.
///
/// The byte views point into the parser's scratch buffer and are valid only during the callback that
/// receives the value; copy what you keep (``selectionStrings``, ``questionIdentifierString``).
public struct StreamedAnswer {
    /// The QuestionIdentifier text, as UTF-8 bytes, exactly as written (no trimming).
    public let questionIdentifier: UnsafeBufferPointer<UInt8>
    /// Every SelectionIdentifier text in document order (duplicates kept), as UTF-8 bytes.
    public let selections: SelectionViews
    /// Whether the answer holds `FreeText` (never matched by an answer key).
    public let hasFreeText: Bool
    /// Whether the answer holds `OtherSelectionText` (never matched by an answer key).
    public let hasOtherSelectionText: Bool
    /// Whether the answer holds an uploaded file (`UploadedFileKey`).
    public let hasUploadedFile: Bool
    /// 1-based line of the `<Answer>` start tag.
    public let line: Int

    public var questionIdentifierString: String { String(decoding: questionIdentifier, as: UTF8.self) }
    public var selectionStrings: [String] { selections.map { String(decoding: $0, as: UTF8.self) } }
}

/// The SelectionIdentifier texts of one answer: byte views into the parser's buffer (no allocation).
public struct SelectionViews: RandomAccessCollection {
    let base: UnsafeBufferPointer<UInt8>
    /// Start and end offsets in `base`, two per selection.
    let bounds: UnsafeBufferPointer<Int>

    public var startIndex: Int { 0 }
    public var endIndex: Int { bounds.count / 2 }
    public subscript(i: Int) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: base[bounds[2 * i]..<bounds[2 * i + 1]])
    }
}

/// A fast, tree-less reader of QuestionFormAnswers documents for bulk scoring (libxml2 SAX2).
///
/// It applies the same security rules as ``SecureXML``: no network, no DTD (a DOCTYPE is refused), no
/// entity expansion, a size limit checked before parsing. It checks the structure scoring relies on (the
/// root element and namespace, `Answer` children, exactly one `QuestionIdentifier` per answer, only the
/// answer elements of the schema) but does not run the full XSD validation that ``SecureXML/load`` does.
///
/// An instance reuses one libxml2 parser context and its buffers, so it is fast for many small
/// documents. It is not thread-safe: give each thread its own parser.
public final class AnswerStreamParser {
    private let ctxt: xmlParserCtxtPtr
    private let state: UnsafeMutablePointer<AnswerStreamState>
    /// A copy of the document followed by a NUL byte, for libxml2 to read in place (reused, grown as needed).
    private var terminated: UnsafeMutableRawBufferPointer
    public let limits: XMLLimits

    public init(limits: XMLLimits = .answers) {
        LibXML2.initialized
        self.limits = limits
        guard let ctxt = xmlNewParserCtxt() else { fatalError("libxml2: out of memory creating a parser context") }
        self.ctxt = ctxt
        state = UnsafeMutablePointer<AnswerStreamState>.allocate(capacity: 1)
        state.initialize(to: AnswerStreamState())
        ctxt.pointee.sax.pointee = AnswerStreamState.makeHandler()
        ctxt.pointee._private = UnsafeMutableRawPointer(state)
        terminated = .allocate(byteCount: 4096, alignment: 16)
    }

    deinit {
        xmlFreeParserCtxt(ctxt)
        state.pointee.text.deallocate()
        state.pointee.selectionBounds.deallocate()
        state.pointee.knownLeaves.deallocate()
        state.deinitialize(count: 1)
        state.deallocate()
        terminated.deallocate()
    }

    /// Runs libxml2 over the document with the handler installed in the context. UTF-8 text is copied, with a
    /// NUL byte after it, to where libxml2 reads it in place; other text goes through libxml2's own input buffer,
    /// which can convert encodings. A tree is never built by our handlers; one left in the context is freed.
    private func run(_ bytes: UnsafeRawBufferPointer, utf8: Bool, file: String?) {
        defer {
            if let doc = ctxt.pointee.myDoc {
                xmlFreeDoc(doc)
                ctxt.pointee.myDoc = nil
            }
        }
        var options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOCDATA.rawValue)
        guard utf8 else {
            _ = xmlCtxtReadMemory(ctxt, bytes.baseAddress!.assumingMemoryBound(to: CChar.self), Int32(bytes.count),
                                  file ?? "answers.xml", nil, options)
            return
        }
        // A declared encoding is ignored: the text is UTF-8 (read natively, without a converter pass).
        options |= Int32(XML_PARSE_IGNORE_ENC.rawValue)
        if terminated.count < bytes.count + 1 {
            terminated.deallocate()
            terminated = .allocate(byteCount: max(bytes.count + 1, terminated.count * 2), alignment: 16)
        }
        terminated.baseAddress!.copyMemory(from: bytes.baseAddress!, byteCount: bytes.count)
        terminated[bytes.count] = 0
        if clibxml2_parse_in_place(ctxt, terminated.baseAddress!.assumingMemoryBound(to: CChar.self), Int32(bytes.count), options) != 0 {
            ctxt.pointee.wellFormed = 0
        }
    }

    /// Parses one document and calls `onAnswer` for each `<Answer>` in document order.
    ///
    /// An empty or all-whitespace document is an attempt with no answers (MTurk returns an empty Answer
    /// string when a worker answered nothing): no callback, no error.
    ///
    /// - Parameters:
    ///   - bytes: The document.
    ///   - forceUTF8: Read the bytes as UTF-8 whatever the declaration says (text that came from a JSON
    ///     string is UTF-8). A declared `ASCII` / `US-ASCII` encoding is always read as UTF-8.
    ///   - file: The name used in the returned diagnostic's location.
    /// - Returns: nil when the document was read completely, or the first problem with its line and column.
    ///   Answers reported before a problem was found have already been passed to `onAnswer`.
    public func parse(
        _ bytes: UnsafeRawBufferPointer, forceUTF8: Bool = false, file: String? = nil,
        onAnswer: (StreamedAnswer) -> Void
    ) -> Diagnostic? {
        if bytes.count > limits.maxBytes {
            return Diagnostic(.documentTooLarge, nil, "document is \(bytes.count) bytes; the limit is \(limits.maxBytes) bytes",
                              hint: "split the document or raise the limit", at: SourceLocation(file: file, line: 1, column: 1))
        }
        if Self.isBlank(bytes) { return nil }
        let utf8 = forceUTF8 || Self.declaresASCII(bytes)
        if utf8, let nul = memchr(bytes.baseAddress!, 0, bytes.count) {
            // libxml2 takes a NUL byte for the end of UTF-8 text: what follows would go unread. XML forbids it anyway.
            let offset = bytes.baseAddress!.distance(to: UnsafeRawPointer(nul))
            return Diagnostic(.malformedXML, nil, "the document holds a NUL character (U+0000), which XML does not allow",
                              hint: "remove it (a NUL often means UTF-16 text or bytes cut from a binary file)",
                              at: SourceMap(Array(bytes)).location(ofOffset: offset, file: file))
        }
        return withoutActuallyEscaping(onAnswer) { callback in
            state.pointee.reset(callback: callback)
            defer { state.pointee.callback = nil }
            run(bytes, utf8: utf8, file: file)
            if let problem = state.pointee.problem { return problem.diagnostic(file: file) }
            if ctxt.pointee.wellFormed == 0 || !state.pointee.sawRoot {
                return Diagnostic(.malformedXML, nil, "the document is not well-formed XML",
                                  at: SourceLocation(file: file, line: 1, column: 1))
            }
            return nil
        }
    }

    /// Convenience over ``parse(_:forceUTF8:file:onAnswer:)`` for `[UInt8]`.
    public func parse(
        _ bytes: [UInt8], forceUTF8: Bool = false, file: String? = nil, onAnswer: (StreamedAnswer) -> Void
    ) -> Diagnostic? {
        bytes.withUnsafeBytes { parse($0, forceUTF8: forceUTF8, file: file, onAnswer: onAnswer) }
    }

    /// Parses with a SAX2 handler that does nothing at all: the cost of libxml2 reading the document and no
    /// more. Used by the benchmark as the floor scoring is measured against. Returns whether it was
    /// well-formed.
    public func parseOnly(_ bytes: UnsafeRawBufferPointer, forceUTF8: Bool = true) -> Bool {
        var handler = xmlSAXHandler()
        handler.initialized = XML_SAX2_MAGIC
        handler.serror = { _, _ in }
        let saved = ctxt.pointee.sax.pointee
        ctxt.pointee.sax.pointee = handler
        defer { ctxt.pointee.sax.pointee = saved }
        run(bytes, utf8: forceUTF8, file: nil)
        return ctxt.pointee.wellFormed != 0
    }

    static func isBlank(_ bytes: UnsafeRawBufferPointer) -> Bool {
        for b in bytes where !(b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09) { return false }
        return true
    }

    /// Whether the XML declaration names ASCII or US-ASCII (MTurk declares ASCII on answers that may hold
    /// any character; UTF-8 is its superset).
    static func declaresASCII(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard bytes.count > 5, bytes[0] == UInt8(ascii: "<"), bytes[1] == UInt8(ascii: "?") else { return false }
        let end = min(bytes.count, 200)
        var i = 2
        while i < end, bytes[i] != UInt8(ascii: ">") { i += 1 }
        // Lower-cased copy of the declaration, searched for the two spellings.
        var decl: [UInt8] = []
        decl.reserveCapacity(i)
        for j in 0..<i {
            let b = bytes[j]
            decl.append(b >= 65 && b <= 90 ? b + 32 : b)
        }
        for needle in ["encoding=\"ascii\"", "encoding='ascii'", "encoding=\"us-ascii\"", "encoding='us-ascii'"] {
            let n = Array(needle.utf8)
            if decl.count >= n.count {
                for start in 0...(decl.count - n.count) where decl[start..<(start + n.count)].elementsEqual(n) { return true }
            }
        }
        return false
    }
}

/// What the parser is inside of.
private enum Leaf: UInt8 {
    case none, questionIdentifier, selectionIdentifier, otherSelectionText, freeText, uploadedFileSize, uploadedFileKey
}

/// An element name identified as one of the answer's text elements.
private struct KnownLeaf {
    var name: UnsafePointer<xmlChar>
    var leaf: Leaf
}

/// A structural problem found by our callbacks (libxml2's own errors arrive through `serror`).
private struct StreamProblem {
    var code: DiagnosticCode
    var message: String
    var hint: String?
    var line: Int
    var column: Int

    func diagnostic(file: String?) -> Diagnostic {
        Diagnostic(code, .error, message, hint: hint, at: SourceLocation(file: file, line: line, column: column))
    }
}

/// Parser state reached from the C callbacks through `ctxt->_private`.
private struct AnswerStreamState {
    var callback: ((StreamedAnswer) -> Void)?
    var problem: StreamProblem?
    var sawRoot = false
    var depth = 0
    var leaf = Leaf.none
    // The current answer.
    var text = ScratchBuffer<UInt8>(capacity: 1024)
    var questionRange: Range<Int>? = nil
    var questionCount = 0
    /// Start and end of each SelectionIdentifier text in `text`, two entries per selection.
    var selectionBounds = ScratchBuffer<Int>(capacity: 32)
    var leafStart = 0
    var hasFreeText = false
    var hasOther = false
    var hasUpload = false
    var answerLine = 0
    /// The namespace pointer last seen to be the QuestionFormAnswers namespace (libxml2 interns it).
    var knownNamespace: UnsafePointer<xmlChar>? = nil
    /// Element names already identified in this document. libxml2 interns names, so a later element with the same
    /// name pointer has the same name: it is recognised without comparing bytes. Both are cleared per document.
    var answerName: UnsafePointer<xmlChar>? = nil
    var knownLeaves = ScratchBuffer<KnownLeaf>(capacity: 8)

    mutating func reset(callback: @escaping (StreamedAnswer) -> Void) {
        self.callback = callback
        problem = nil
        sawRoot = false
        depth = 0
        leaf = .none
        knownNamespace = nil
        answerName = nil
        knownLeaves.removeAll()
    }

    mutating func beginAnswer(line: Int) {
        text.removeAll()
        selectionBounds.removeAll()
        questionRange = nil
        questionCount = 0
        hasFreeText = false
        hasOther = false
        hasUpload = false
        answerLine = line
    }

    static func from(_ ctx: UnsafeMutableRawPointer?) -> (xmlParserCtxtPtr, UnsafeMutablePointer<AnswerStreamState>)? {
        guard let ctx else { return nil }
        let ctxt = ctx.assumingMemoryBound(to: xmlParserCtxt.self)
        guard let raw = ctxt.pointee._private else { return nil }
        return (ctxt, raw.assumingMemoryBound(to: AnswerStreamState.self))
    }

    mutating func fail(_ ctxt: xmlParserCtxtPtr, _ code: DiagnosticCode, _ message: String, hint: String? = nil) {
        if problem == nil {
            let line = Int(xmlSAX2GetLineNumber(ctxt))
            let column = Int(xmlSAX2GetColumnNumber(ctxt))
            problem = StreamProblem(code: code, message: message, hint: hint, line: line, column: column)
        }
        xmlStopParser(ctxt)
    }

    static let namespace: [UInt8] = Array(
        "http://mechanicalturk.amazonaws.com/AWSMechanicalTurkDataSchemas/2005-10-01/QuestionFormAnswers.xsd".utf8) + [0]

    mutating func isAnswersNamespace(_ uri: UnsafePointer<xmlChar>?) -> Bool {
        guard let uri else { return false }
        if uri == knownNamespace { return true }
        let equal = Self.namespace.withUnsafeBufferPointer { xmlStrEqual(uri, $0.baseAddress) != 0 }
        if equal { knownNamespace = uri }
        return equal
    }

    static func name(_ p: UnsafePointer<xmlChar>?) -> String { p.map { String(cString: $0) } ?? "" }

    /// Compares a NUL-terminated libxml2 name with an ASCII literal without allocating.
    static func equals(_ p: UnsafePointer<xmlChar>, _ literal: StaticString) -> Bool {
        let n = literal.utf8CodeUnitCount
        let l = literal.utf8Start
        for i in 0..<n where p[i] != l[i] { return false }
        return p[n] == 0
    }

    mutating func isAnswer(_ name: UnsafePointer<xmlChar>) -> Bool {
        if name == answerName { return true }
        guard Self.equals(name, "Answer") else { return false }
        answerName = name
        return true
    }

    mutating func leaf(named name: UnsafePointer<xmlChar>) -> Leaf? {
        for known in knownLeaves.elements where known.name == name { return known.leaf }
        guard let leaf = Self.leaf(for: name) else { return nil }
        knownLeaves.append(KnownLeaf(name: name, leaf: leaf))
        return leaf
    }

    static func leaf(for name: UnsafePointer<xmlChar>) -> Leaf? {
        switch name[0] {
        case UInt8(ascii: "S"): return equals(name, "SelectionIdentifier") ? .selectionIdentifier : nil
        case UInt8(ascii: "Q"): return equals(name, "QuestionIdentifier") ? .questionIdentifier : nil
        case UInt8(ascii: "F"): return equals(name, "FreeText") ? .freeText : nil
        case UInt8(ascii: "O"): return equals(name, "OtherSelectionText") ? .otherSelectionText : nil
        case UInt8(ascii: "U"):
            if equals(name, "UploadedFileKey") { return .uploadedFileKey }
            return equals(name, "UploadedFileSizeInBytes") ? .uploadedFileSize : nil
        default: return nil
        }
    }

    static func makeHandler() -> xmlSAXHandler {
        var h = xmlSAXHandler()
        h.initialized = XML_SAX2_MAGIC
        h.internalSubset = { ctx, _, _, _ in
            guard let pair = AnswerStreamState.from(ctx) else { return }
            let (ctxt, state) = pair
            state.pointee.fail(ctxt, .doctypeForbidden,
                       "DOCTYPE declarations are not allowed (they can define entities that read files or expand without bound)",
                       hint: "delete the <!DOCTYPE …> line; MTurk answers never have one")
        }
        h.startElementNs = { ctx, localname, _, uri, _, _, _, _, _ in
            guard let pair = AnswerStreamState.from(ctx), let localname else { return }
            let (ctxt, state) = pair
            let depth = state.pointee.depth
            state.pointee.depth += 1
            switch depth {
            case 0:
                state.pointee.sawRoot = true
                guard AnswerStreamState.equals(localname, "QuestionFormAnswers") else {
                    state.pointee.fail(ctxt, .wrongKind, "the root element is <\(AnswerStreamState.name(localname))>, not <QuestionFormAnswers>",
                               hint: "the Answer field must hold a QuestionFormAnswers document")
                    return
                }
                guard state.pointee.isAnswersNamespace(uri) else {
                    state.pointee.fail(ctxt, .wrongNamespace,
                               "<QuestionFormAnswers> is \(uri.map { "in namespace \"\(AnswerStreamState.name($0))\"" } ?? "in no namespace")",
                               hint: "use xmlns=\"\(String(decoding: AnswerStreamState.namespace.dropLast(), as: UTF8.self))\"")
                    return
                }
            case 1:
                guard state.pointee.isAnswer(localname), state.pointee.isAnswersNamespace(uri) else {
                    state.pointee.fail(ctxt, .unexpectedElement, "<\(AnswerStreamState.name(localname))> is not allowed in <QuestionFormAnswers>; only <Answer> is",
                               hint: "each answer is an <Answer> element directly under the root")
                    return
                }
                state.pointee.beginAnswer(line: Int(xmlSAX2GetLineNumber(ctxt)))
            case 2:
                guard let leaf = state.pointee.leaf(named: localname), state.pointee.isAnswersNamespace(uri) else {
                    state.pointee.fail(ctxt, .unexpectedElement, "<\(AnswerStreamState.name(localname))> is not allowed in <Answer>",
                               hint: "an Answer holds QuestionIdentifier, then SelectionIdentifier/OtherSelectionText, FreeText, or an uploaded file")
                    return
                }
                state.pointee.leaf = leaf
                state.pointee.leafStart = state.pointee.text.count
                switch leaf {
                case .freeText: state.pointee.hasFreeText = true
                case .otherSelectionText: state.pointee.hasOther = true
                case .uploadedFileKey, .uploadedFileSize: state.pointee.hasUpload = true
                default: break
                }
            default:
                state.pointee.fail(ctxt, .unexpectedElement, "<\(AnswerStreamState.name(localname))> is not allowed inside an answer's text element",
                           hint: "identifiers and texts hold text only")
            }
        }
        h.endElementNs = { ctx, _, _, _ in
            guard let pair = AnswerStreamState.from(ctx) else { return }
            let (ctxt, state) = pair
            state.pointee.depth -= 1
            switch state.pointee.depth {
            case 2:
                switch state.pointee.leaf {
                case .questionIdentifier:
                    state.pointee.questionRange = state.pointee.leafStart..<state.pointee.text.count
                    state.pointee.questionCount += 1
                case .selectionIdentifier:
                    state.pointee.selectionBounds.append(state.pointee.leafStart)
                    state.pointee.selectionBounds.append(state.pointee.text.count)
                default: break
                }
                state.pointee.leaf = .none
            case 1:
                guard state.pointee.questionCount == 1, let q = state.pointee.questionRange else {
                    state.pointee.fail(ctxt, .missingElement,
                               state.pointee.questionCount == 0 ? "an <Answer> (line \(state.pointee.answerLine)) has no <QuestionIdentifier>"
                                   : "an <Answer> (line \(state.pointee.answerLine)) has \(state.pointee.questionCount) <QuestionIdentifier> elements",
                               hint: "every Answer names exactly one question")
                    return
                }
                guard let callback = state.pointee.callback else { return }
                let base = state.pointee.text.elements
                let answer = StreamedAnswer(
                    questionIdentifier: UnsafeBufferPointer(rebasing: base[q]),
                    selections: SelectionViews(base: base, bounds: state.pointee.selectionBounds.elements),
                    hasFreeText: state.pointee.hasFreeText, hasOtherSelectionText: state.pointee.hasOther,
                    hasUploadedFile: state.pointee.hasUpload, line: state.pointee.answerLine)
                callback(answer)
            default: break
            }
        }
        let characters: charactersSAXFunc = { ctx, ch, len in
            guard let ctx, let ch, len > 0 else { return }
            let ctxt = ctx.assumingMemoryBound(to: xmlParserCtxt.self)
            guard let raw = ctxt.pointee._private else { return }
            let state = raw.assumingMemoryBound(to: AnswerStreamState.self)
            if state.pointee.leaf == .questionIdentifier || state.pointee.leaf == .selectionIdentifier {
                state.pointee.text.append(ch, count: Int(len))
            }
        }
        h.characters = characters
        h.cdataBlock = characters
        h.serror = { ctx, error in
            guard let pair = AnswerStreamState.from(ctx), let error else { return }
            let (ctxt, state) = pair
            let e = error.pointee
            guard e.level.rawValue >= XML_ERR_ERROR.rawValue, state.pointee.problem == nil else { return }
            var message = e.message.map { String(cString: $0) } ?? "XML error"
            while message.last?.isWhitespace == true { message.removeLast() }
            let raw = RawXMLError(domain: Int32(e.domain), code: Int32(e.code), level: e.level, message: message,
                                  line: Int(e.line), column: Int(e.int2), node: nil)
            let d = SecureXML.parserDiagnostic(raw, file: nil)
            state.pointee.problem = StreamProblem(code: d.code, message: d.message, hint: d.hint, line: raw.line, column: raw.column)
            _ = ctxt
        }
        return h
    }
}

/// A growable array in raw memory for the C callbacks' hot path: appending is a capacity check and a copy, with no
/// uniqueness check or reference counting. The owner calls ``deallocate()``.
private struct ScratchBuffer<Element: BitwiseCopyable> {
    private var base: UnsafeMutablePointer<Element>
    private var capacity: Int
    private(set) var count = 0

    init(capacity: Int) {
        self.capacity = capacity
        base = .allocate(capacity: capacity)
    }

    /// The elements appended since the last ``removeAll()``; valid until the next append.
    var elements: UnsafeBufferPointer<Element> { UnsafeBufferPointer(start: base, count: count) }

    mutating func removeAll() { count = 0 }

    mutating func append(_ e: Element) {
        if count == capacity { grow(to: count + 1) }
        base[count] = e
        count += 1
    }

    mutating func append(_ p: UnsafePointer<Element>, count n: Int) {
        if count + n > capacity { grow(to: count + n) }
        (base + count).initialize(from: p, count: n)
        count += n
    }

    private mutating func grow(to needed: Int) {
        capacity = max(needed, capacity * 2)
        let bigger = UnsafeMutablePointer<Element>.allocate(capacity: capacity)
        bigger.initialize(from: base, count: count)
        base.deallocate()
        base = bigger
    }

    func deallocate() { base.deallocate() }
}

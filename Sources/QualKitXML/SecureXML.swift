internal import CLibXML2
import QualKitSchemas

/// Size limits applied before any parsing starts.
public struct XMLLimits: Sendable, Hashable {
    /// Documents larger than this many bytes are refused unread.
    public var maxBytes: Int

    public init(maxBytes: Int) { self.maxBytes = maxBytes }

    /// MTurk's limit for the `Test` and `AnswerKey` parameters: 65,535 bytes.
    public static let mturkParameter = XMLLimits(maxBytes: 65_535)
    /// A generous limit for worker answers and other documents (1 MiB).
    public static let answers = XMLLimits(maxBytes: 1 << 20)
}

/// The schemas QualKit validates against (our own XSDs, embedded in the binary).
public enum MTurkSchema: String, Sendable, CaseIterable, Hashable {
    case questionForm2005, questionForm2017, answerKey, questionFormAnswers, formattedContent

    var embedded: EmbeddedSchema {
        switch self {
        case .questionForm2005: .questionForm2005
        case .questionForm2017: .questionForm2017
        case .answerKey: .answerKey
        case .questionFormAnswers: .questionFormAnswers
        case .formattedContent: .formattedContent
        }
    }
}

/// What came out of loading one document: the element tree when it was well-formed, and every problem found.
public struct XMLLoadResult: Sendable {
    public var root: XMLElementNode?
    public var diagnostics: [Diagnostic]
    /// The schema the document was validated against, if one was chosen.
    public var schema: MTurkSchema?
}

/// Secure parsing of untrusted XML with libxml2: no network, no DTD, no entity expansion, bounded size.
public enum SecureXML {
    /// The libxml2 version this process runs with (e.g. `20914`).
    public static var libxml2Version: String {
        LibXML2.initialized
        return LibXML2.runtimeVersion
    }

    /// Parses `bytes`, and validates them against the schema `select` picks from the root element's
    /// local name and namespace (nil: no validation).
    ///
    /// - Parameter forceUTF8: treat the bytes as UTF-8 whatever the declaration says (text that came
    ///   from a JSON string is always UTF-8). A declared `ASCII`/`US-ASCII` encoding is always read as
    ///   UTF-8, its superset, because MTurk declares ASCII on answers that may hold any character.
    public static func load(
        _ bytes: [UInt8],
        file: String? = nil,
        limits: XMLLimits = .answers,
        forceUTF8: Bool = false,
        schema select: (_ localName: String, _ namespace: String?) -> MTurkSchema? = { _, _ in nil }
    ) -> XMLLoadResult {
        LibXML2.initialized
        if bytes.count > limits.maxBytes {
            return XMLLoadResult(root: nil, diagnostics: [Diagnostic(
                .documentTooLarge, nil,
                "document is \(bytes.count) bytes; the limit is \(limits.maxBytes) bytes",
                hint: limits.maxBytes == XMLLimits.mturkParameter.maxBytes
                    ? "MTurk refuses a Test or AnswerKey over 65,535 bytes: shorten texts, move images to URLs, or split the test"
                    : "split the document or raise the limit",
                at: SourceLocation(file: file, line: 1, column: 1))])
        }
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            return XMLLoadResult(root: nil, diagnostics: [Diagnostic(
                .emptyDocument, nil, "the document is empty",
                hint: "the file must contain an XML document such as <QuestionForm xmlns=\"…\">…</QuestionForm>",
                at: SourceLocation(file: file, line: 1, column: 1))])
        }
        let map = SourceMap(bytes)
        if let offset = map.doctypeOffset {
            return XMLLoadResult(root: nil, diagnostics: [Diagnostic(
                .doctypeForbidden, nil,
                "DOCTYPE declarations are not allowed (they can define entities that read files or expand without bound)",
                hint: "delete the <!DOCTYPE …> line; MTurk documents never have one",
                at: map.location(ofOffset: offset, file: file))])
        }
        let encoding = forceUTF8 || declaresASCII(bytes) ? "UTF-8" : nil
        return parse(bytes, map: map, file: file, encoding: encoding, select: select)
    }

    private static func declaresASCII(_ bytes: [UInt8]) -> Bool {
        guard bytes.count > 5, bytes[0] == UInt8(ascii: "<"), bytes[1] == UInt8(ascii: "?") else { return false }
        guard let end = bytes.prefix(200).firstIndex(of: UInt8(ascii: ">")) else { return false }
        let decl = String(decoding: bytes[0..<end], as: UTF8.self).lowercased()
        return decl.contains("encoding=\"ascii\"") || decl.contains("encoding='ascii'")
            || decl.contains("encoding=\"us-ascii\"") || decl.contains("encoding='us-ascii'")
    }

    static let parseOptions: Int32 = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOCDATA.rawValue)

    private static func parse(
        _ bytes: [UInt8], map: SourceMap, file: String?, encoding: String?,
        select: (String, String?) -> MTurkSchema?
    ) -> XMLLoadResult {
        guard let ctxt = xmlNewParserCtxt() else {
            return XMLLoadResult(root: nil, diagnostics: [Diagnostic(.malformedXML, nil, "out of memory creating the XML parser")])
        }
        defer { xmlFreeParserCtxt(ctxt) }
        let sink = ErrorSink()
        let doc: xmlDocPtr? = sink.capturing {
            bytes.withUnsafeBufferPointer { buffer in
                buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) { base in
                    xmlCtxtReadMemory(ctxt, base, Int32(buffer.count), file ?? "document.xml", encoding, parseOptions)
                }
            }
        }
        defer { if let doc { xmlFreeDoc(doc) } }
        var diagnostics = sink.errors.map { parserDiagnostic($0, file: file) }
        guard let doc, ctxt.pointee.wellFormed != 0, let rootPtr = xmlDocGetRootElement(doc) else {
            // After the first fatal error libxml2 reports follow-on errors that only confuse: keep the first.
            if let first = diagnostics.firstIndex(where: { $0.severity == .error }) {
                diagnostics = Array(diagnostics[...first])
            }
            if !diagnostics.hasErrors {
                diagnostics.append(Diagnostic(.malformedXML, nil, "the document is not well-formed XML",
                                              at: SourceLocation(file: file, line: 1, column: 1)))
            }
            return XMLLoadResult(root: nil, diagnostics: diagnostics)
        }
        if doc.pointee.intSubset != nil || doc.pointee.extSubset != nil {
            return XMLLoadResult(root: nil, diagnostics: [Diagnostic(
                .doctypeForbidden, nil, "DOCTYPE declarations are not allowed",
                hint: "delete the <!DOCTYPE …> line", at: SourceLocation(file: file, line: 1, column: 1))])
        }
        var builder = TreeBuilder(map: map, file: file)
        let root = builder.build(rootPtr)
        var schema: MTurkSchema? = nil
        if let chosen = select(root.localName, root.namespace) {
            schema = chosen
            diagnostics += SchemaValidation.validate(doc, against: chosen, builder: builder, file: file)
        }
        return XMLLoadResult(root: root, diagnostics: diagnostics, schema: schema)
    }

    static func parserDiagnostic(_ e: RawXMLError, file: String?) -> Diagnostic {
        let location = SourceLocation(file: file, line: e.line, column: e.column)
        let severity: Severity = e.level.rawValue >= XML_ERR_ERROR.rawValue ? .error : .warning
        let m = e.message
        if m.contains("Excessive depth") {
            return Diagnostic(.tooDeep, .error, "elements are nested more than 256 levels deep",
                              hint: "MTurk documents are shallow; this looks like a generated or hostile document", at: location)
        }
        if m.contains("not proper UTF-8") || m.contains("encoding") && m.contains("nsupported") || m.contains("Char 0x") {
            return Diagnostic(.badEncoding, .error, "the bytes are not valid in the document's encoding: \(firstLine(m))",
                              hint: "save the file as UTF-8 (and declare encoding=\"UTF-8\" or nothing)", at: location)
        }
        if m.hasPrefix("Entity '"), m.hasSuffix("' not defined") {
            let name = m.dropFirst("Entity '".count).dropLast("' not defined".count)
            return Diagnostic(.malformedXML, .error, "unknown entity &\(name); (XML only knows &lt; &gt; &amp; &quot; &apos;)",
                              hint: "write a numeric character reference instead, e.g. &#160; for &nbsp;", at: location)
        }
        var hint: String? = nil
        if m.contains("Opening and ending tag mismatch") {
            hint = "every start tag needs a matching end tag with the same name and case"
        } else if m.contains("xmlParseEntityRef: no name") || m.contains("EntityRef: expecting ';'") {
            hint = "write &amp; for a literal & character (or put the text in a CDATA section)"
        } else if m.contains("Extra content at the end") {
            hint = "a document has exactly one root element; remove or wrap what follows it"
        } else if m.contains("Start tag expected") {
            hint = "the file does not contain XML; it should start with <?xml …?> or the root element"
        } else if m.contains("Premature end of data") || m.contains("EndTag") {
            hint = "an element is not closed before the end of the file"
        } else if m.contains("AttValue") || m.contains("attributes construct error") {
            hint = "attribute values must be quoted: name=\"value\""
        } else if m.contains("Namespace prefix") {
            hint = "declare the prefix with xmlns:prefix=\"…\" or drop it"
        }
        return Diagnostic(.malformedXML, severity, firstLine(m), hint: hint, at: location)
    }

    static func firstLine(_ s: String) -> String {
        String(s.split(separator: "\n", omittingEmptySubsequences: true).first ?? Substring(s))
    }
}

/// Copies a libxml2 tree into `XMLElementNode` values, numbering elements in document order so that
/// libxml2 node pointers in validation errors can be turned back into positions.
struct TreeBuilder {
    let map: SourceMap
    let file: String?
    private(set) var ordinals: [UnsafeMutableRawPointer: Int] = [:]
    private var next = 0

    init(map: SourceMap, file: String?) {
        self.map = map
        self.file = file
    }

    func location(of node: UnsafeMutableRawPointer?) -> SourceLocation? {
        guard let node, let ordinal = ordinals[node] else { return nil }
        return map.elementLocations(ordinal: ordinal, file: file)?.tag
    }

    mutating func build(_ node: xmlNodePtr) -> XMLElementNode {
        let ordinal = next
        next += 1
        ordinals[UnsafeMutableRawPointer(node)] = ordinal
        let n = node.pointee
        let fallback = SourceLocation(file: file, line: Int(xmlGetLineNo(node)), column: 0)
        let positions = map.elementLocations(ordinal: ordinal, file: file)
        var attributes: [XMLAttributeNode] = []
        var attr = n.properties
        while let a = attr {
            let name = String(cString: a.pointee.name)
            let ns = a.pointee.ns.flatMap { $0.pointee.href }.map { String(cString: $0) }
            var value = ""
            if let raw = xmlNodeListGetString(node.pointee.doc, a.pointee.children, 1) {
                value = String(cString: raw)
                clibxml2_free(raw)
            }
            attributes.append(XMLAttributeNode(localName: name, namespace: ns, value: value))
            attr = a.pointee.next
        }
        var children: [XMLChildNode] = []
        var child = n.children
        while let c = child {
            switch c.pointee.type {
            case XML_ELEMENT_NODE:
                children.append(.element(build(c)))
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                let text = c.pointee.content.map { String(cString: $0) } ?? ""
                if case .text(let previous)? = children.last {
                    children[children.count - 1] = .text(previous + text)
                } else {
                    children.append(.text(text))
                }
            default:
                break
            }
            child = c.pointee.next
        }
        return XMLElementNode(
            localName: String(cString: n.name),
            namespace: n.ns.flatMap { $0.pointee.href }.map { String(cString: $0) },
            attributes: attributes,
            children: children,
            location: positions?.tag ?? fallback,
            contentLocation: positions?.content ?? fallback)
    }
}

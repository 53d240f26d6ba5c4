/// A model value (when the document was valid enough to build one) and every problem found on the way.
public struct Loaded<Value: Sendable>: Sendable {
    public var value: Value?
    public var diagnostics: [Diagnostic]

    public init(value: Value?, diagnostics: [Diagnostic]) {
        self.value = value
        self.diagnostics = diagnostics
    }
}

/// Any of the three MTurk documents QualKit reads.
public enum MTurkDocument: Sendable, Hashable {
    case questionForm(QuestionForm)
    case answerKey(AnswerKey)
    case answers(QuestionFormAnswers)

    public var kind: DocumentKind {
        switch self {
        case .questionForm(let f): .questionForm(f.version)
        case .answerKey: .answerKey
        case .answers: .questionFormAnswers
        }
    }
}

/// Reads MTurk XML from bytes: secure parse, kind detection, schema validation, model building,
/// FormattedContent checks. Does no I/O of its own.
public enum MTurkDocuments {
    /// Detects and loads any MTurk document. `limits` defaults to MTurk's 65,535-byte parameter limit
    /// for forms and keys and to 1 MiB for answers.
    public static func load(_ bytes: [UInt8], file: String? = nil, limits: XMLLimits? = nil,
                            forceUTF8: Bool = false) -> Loaded<MTurkDocument> {
        var detected: Result<DocumentKind, KindProblem>? = nil
        let result = SecureXML.load(bytes, file: file, limits: limits ?? .answers, forceUTF8: forceUTF8) { name, ns in
            let kind = detectKind(localName: name, namespace: ns)
            detected = kind
            return try? kind.get().schema
        }
        var diagnostics = result.diagnostics
        if result.root == nil, looksLikeHTML(bytes) {
            // An HTML page is rarely well-formed XML: say what it is rather than where XML parsing failed.
            return Loaded(value: nil, diagnostics: [KindProblem.foreign("an HTML page").diagnostic(
                at: diagnostics.first?.location ?? SourceLocation(file: file, line: 1, column: 1))])
        }
        guard let root = result.root, let detected else { return Loaded(value: nil, diagnostics: diagnostics) }
        let kind: DocumentKind
        switch detected {
        case .failure(let problem):
            diagnostics.append(problem.diagnostic(at: root.location))
            return Loaded(value: nil, diagnostics: diagnostics)
        case .success(let k):
            kind = k
        }
        if limits == nil, kind != .questionFormAnswers, bytes.count > XMLLimits.mturkParameter.maxBytes {
            diagnostics.append(Diagnostic(
                .documentTooLarge, nil,
                "\(kind.rootName) is \(bytes.count) bytes; MTurk accepts at most 65,535",
                hint: "shorten texts, move images to URLs, or split the test",
                at: SourceLocation(file: file, line: 1, column: 1)))
        }
        guard !diagnostics.hasErrors else { return Loaded(value: nil, diagnostics: diagnostics) }
        let document: MTurkDocument
        switch kind {
        case .questionForm(let version):
            let form = ModelBuilder.questionForm(root, version: version)
            diagnostics += FormattedContentCheck.check(form)
            document = .questionForm(form)
        case .answerKey:
            document = .answerKey(ModelBuilder.answerKey(root))
        case .questionFormAnswers:
            document = .answers(ModelBuilder.answers(root))
        }
        return Loaded(value: document, diagnostics: diagnostics)
    }

    /// Loads a QuestionForm (either version); anything else is an error.
    public static func questionForm(_ bytes: [UInt8], file: String? = nil, limits: XMLLimits = .mturkParameter,
                                    forceUTF8: Bool = false) -> Loaded<QuestionForm> {
        expect(load(bytes, file: file, limits: limits, forceUTF8: forceUTF8), "QuestionForm", file: file) {
            if case .questionForm(let f) = $0 { f } else { nil }
        }
    }

    public static func answerKey(_ bytes: [UInt8], file: String? = nil, limits: XMLLimits = .mturkParameter,
                                 forceUTF8: Bool = false) -> Loaded<AnswerKey> {
        expect(load(bytes, file: file, limits: limits, forceUTF8: forceUTF8), "AnswerKey", file: file) {
            if case .answerKey(let k) = $0 { k } else { nil }
        }
    }

    /// Loads worker answers. An empty or all-whitespace string is an attempt with no answers.
    public static func answers(_ bytes: [UInt8], file: String? = nil, limits: XMLLimits = .answers,
                               forceUTF8: Bool = false) -> Loaded<QuestionFormAnswers> {
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            return Loaded(value: .empty, diagnostics: [])
        }
        return expect(load(bytes, file: file, limits: limits, forceUTF8: forceUTF8), "QuestionFormAnswers", file: file) {
            if case .answers(let a) = $0 { a } else { nil }
        }
    }

    private static func expect<T>(_ loaded: Loaded<MTurkDocument>, _ name: String, file: String?,
                                  _ pick: (MTurkDocument) -> T?) -> Loaded<T> {
        guard let document = loaded.value else { return Loaded(value: nil, diagnostics: loaded.diagnostics) }
        guard let value = pick(document) else {
            return Loaded(value: nil, diagnostics: loaded.diagnostics + [Diagnostic(
                .wrongKind, nil, "expected a \(name) document but this is a \(document.kind)",
                hint: "check which file was passed where (form, key and answers are separate files)",
                at: SourceLocation(file: file, line: 1, column: 1))])
        }
        return Loaded(value: value, diagnostics: loaded.diagnostics)
    }

    // MARK: Kind detection

    static func looksLikeHTML(_ bytes: [UInt8]) -> Bool {
        let head = String(decoding: bytes.prefix(1024), as: UTF8.self).lowercased()
        return head.contains("<!doctype html") || head.contains("<html")
    }

    enum KindProblem: Error {
        case wrongNamespace(root: String, found: String?, expected: String)
        case unsupported(root: String)
        case foreign(String)
        case unknown(root: String, namespace: String?)

        func diagnostic(at location: SourceLocation) -> Diagnostic {
            switch self {
            case .wrongNamespace(let root, let found, let expected):
                return Diagnostic(.wrongNamespace, nil,
                    "<\(root)> is \(found.map { "in namespace \"\($0)\"" } ?? "in no namespace"), so MTurk will not recognise it",
                    hint: "put xmlns=\"\(expected)\" on the root element (the URI must match exactly, date included)", at: location)
            case .unsupported(let root):
                return Diagnostic(.unsupportedQuestionKind, nil,
                    "<\(root)> cannot be a qualification test: MTurk tests must be QuestionForm documents",
                    hint: "rewrite the test as a QuestionForm with SelectionAnswer questions", at: location)
            case .foreign(let what):
                return Diagnostic(.foreignDocument, nil, "this is \(what), not MTurk XML",
                    hint: "export or write the test as a QuestionForm XML document (see SampleForms/)", at: location)
            case .unknown(let root, let ns):
                return Diagnostic(.notMTurkDocument, nil,
                    "root element <\(root)>\(ns.map { " in namespace \"\($0)\"" } ?? "") is not QuestionForm, AnswerKey or QuestionFormAnswers",
                    hint: "MTurk documents start with <QuestionForm>, <AnswerKey> or <QuestionFormAnswers> in the MTurk namespace", at: location)
            }
        }
    }

    /// The document kind for a root element, or why it is not one QualKit reads.
    static func detectKind(localName: String, namespace: String?) -> Result<DocumentKind, KindProblem> {
        switch (localName, namespace) {
        case ("QuestionForm", MTurkNamespace.questionForm2005): return .success(.questionForm(.v2005))
        case ("QuestionForm", MTurkNamespace.questionForm2017): return .success(.questionForm(.v2017))
        case ("AnswerKey", MTurkNamespace.answerKey): return .success(.answerKey)
        case ("QuestionFormAnswers", MTurkNamespace.questionFormAnswers): return .success(.questionFormAnswers)
        case ("QuestionForm", _):
            return .failure(.wrongNamespace(root: localName, found: namespace, expected: MTurkNamespace.questionForm2017))
        case ("AnswerKey", _):
            return .failure(.wrongNamespace(root: localName, found: namespace, expected: MTurkNamespace.answerKey))
        case ("QuestionFormAnswers", _):
            return .failure(.wrongNamespace(root: localName, found: namespace, expected: MTurkNamespace.questionFormAnswers))
        case ("HTMLQuestion", _), ("ExternalQuestion", _):
            return .failure(.unsupported(root: localName))
        default:
            break
        }
        let ns = namespace ?? ""
        if ns.contains("schemas.microsoft.com/office/word") || ns.contains("wordprocessingml") {
            return .failure(.foreign("a Word (WordML/OOXML) document"))
        }
        if ns.contains("opendocument") { return .failure(.foreign("an OpenDocument file")) }
        if localName.lowercased() == "html" || ns == "http://www.w3.org/1999/xhtml" {
            return .failure(.foreign("an HTML page"))
        }
        return .failure(.unknown(root: localName, namespace: namespace))
    }
}

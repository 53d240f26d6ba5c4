/// A stable diagnostic code such as `QK301`, with the severity it has unless a rule says otherwise
/// and a short title (used by `qualkit explain` and in SARIF rule metadata).
public struct DiagnosticCode: Sendable, Hashable, Codable, RawRepresentable, CustomStringConvertible {
    public var rawValue: String
    public var title: String
    public var defaultSeverity: Severity

    public init(rawValue: String) {
        self = DiagnosticCode.catalogue[rawValue] ?? DiagnosticCode(rawValue, .error, "unknown diagnostic")
    }

    public init(_ rawValue: String, _ defaultSeverity: Severity, _ title: String) {
        self.rawValue = rawValue
        self.defaultSeverity = defaultSeverity
        self.title = title
    }

    public init(from decoder: any Decoder) throws {
        self.init(rawValue: try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public static func == (a: DiagnosticCode, b: DiagnosticCode) -> Bool { a.rawValue == b.rawValue }
    public func hash(into hasher: inout Hasher) { hasher.combine(rawValue) }
    public var description: String { rawValue }

    /// Every code QualKit can emit, by raw value.
    public static var catalogue: [String: DiagnosticCode] {
        Dictionary(all.map { ($0.rawValue, $0) }, uniquingKeysWith: { a, _ in a })
    }

    /// Every code, in order.
    public static var all: [DiagnosticCode] { xmlCodes + documentCodes }
}

// MARK: - QK1xx: XML well-formedness, security limits, schema validity, document kind

extension DiagnosticCode {
    public static let malformedXML = DiagnosticCode("QK100", .error, "XML is not well-formed")
    public static let doctypeForbidden = DiagnosticCode("QK101", .error, "DOCTYPE / DTD not allowed")
    public static let documentTooLarge = DiagnosticCode("QK102", .error, "document larger than the size limit")
    public static let badEncoding = DiagnosticCode("QK103", .error, "bytes do not match the declared encoding")
    public static let tooDeep = DiagnosticCode("QK104", .error, "elements nested too deeply")
    public static let emptyDocument = DiagnosticCode("QK105", .error, "empty document")
    public static let unexpectedElement = DiagnosticCode("QK110", .error, "element not allowed here (schema)")
    public static let missingElement = DiagnosticCode("QK111", .error, "required element missing (schema)")
    public static let invalidValue = DiagnosticCode("QK112", .error, "value not valid for its type (schema)")
    public static let attributeProblem = DiagnosticCode("QK113", .error, "attribute not allowed or missing (schema)")
    public static let schemaOther = DiagnosticCode("QK119", .error, "document does not follow the schema")
    public static let notMTurkDocument = DiagnosticCode("QK120", .error, "not an MTurk QuestionForm, AnswerKey or QuestionFormAnswers document")
    public static let wrongNamespace = DiagnosticCode("QK121", .error, "MTurk root element in the wrong or no namespace")
    public static let unsupportedQuestionKind = DiagnosticCode("QK122", .error, "HTMLQuestion / ExternalQuestion cannot be a qualification test")
    public static let foreignDocument = DiagnosticCode("QK123", .error, "an HTML or word-processor document, not MTurk XML")
    public static let wrongKind = DiagnosticCode("QK124", .error, "a different kind of MTurk document than expected")
    public static let fileUnreadable = DiagnosticCode("QK130", .error, "file could not be read")

    static let xmlCodes: [DiagnosticCode] = [
        malformedXML, doctypeForbidden, documentTooLarge, badEncoding, tooDeep, emptyDocument,
        unexpectedElement, missingElement, invalidValue, attributeProblem, schemaOther,
        notMTurkDocument, wrongNamespace, unsupportedQuestionKind, foreignDocument, wrongKind, fileUnreadable,
    ]
}

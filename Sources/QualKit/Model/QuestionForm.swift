/// A QuestionForm: the questions of a qualification test (or a HIT), in document order.
public struct QuestionForm: Sendable, Hashable {
    public var version: QuestionFormVersion
    /// Overviews and questions in the order they appear.
    public var items: [FormItem]

    public init(version: QuestionFormVersion = .v2017, items: [FormItem]) {
        self.version = version
        self.items = items
    }

    public var questions: [Question] {
        items.compactMap { if case .question(let q) = $0 { q } else { nil } }
    }

    public func question(_ identifier: String) -> Question? {
        questions.first { $0.identifier == identifier }
    }
}

public enum FormItem: Sendable, Hashable {
    case overview([ContentItem], Origin)
    case question(Question)
}

public struct Question: Sendable, Hashable {
    public var identifier: String
    public var displayName: String?
    /// `IsRequired` as written (absent = nil, which MTurk treats as false).
    public var isRequired: Bool?
    public var content: [ContentItem]
    public var answer: AnswerSpecification
    public var origin: Origin
    /// Where the QuestionIdentifier element is (the place id problems point at).
    public var identifierOrigin: Origin

    public init(identifier: String, displayName: String? = nil, isRequired: Bool? = nil, content: [ContentItem],
                answer: AnswerSpecification, origin: Origin = Origin(), identifierOrigin: Origin = Origin()) {
        self.identifier = identifier
        self.displayName = displayName
        self.isRequired = isRequired
        self.content = content
        self.answer = answer
        self.origin = origin
        self.identifierOrigin = identifierOrigin
    }

    public var required: Bool { isRequired ?? false }
}

/// One piece of content in an Overview or QuestionContent, rendered in order.
public enum ContentItem: Sendable, Hashable {
    case title(String)
    case text(String)
    case list([String])
    case formattedContent(FormattedContent)
    case binary(Binary)
    case embeddedBinary(EmbeddedBinary)
    case application(Application)
}

/// XHTML (MTurk's subset), usually written inside a CDATA section.
public struct FormattedContent: Sendable, Hashable {
    public var xhtml: String
    /// Where the XHTML text starts in the file (inside the CDATA section).
    public var origin: Origin

    public init(_ xhtml: String, origin: Origin = Origin()) {
        self.xhtml = xhtml
        self.origin = origin
    }
}

public struct MimeType: Sendable, Hashable {
    public var type: String
    public var subtype: String?

    public init(type: String, subtype: String? = nil) {
        self.type = type
        self.subtype = subtype
    }

    public var description: String { subtype.map { "\(type)/\($0)" } ?? type }
}

public struct Binary: Sendable, Hashable {
    public var mimeType: MimeType
    public var dataURL: String
    public var altText: String

    public init(mimeType: MimeType, dataURL: String, altText: String) {
        self.mimeType = mimeType
        self.dataURL = dataURL
        self.altText = altText
    }
}

public struct ApplicationParameter: Sendable, Hashable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

public struct EmbeddedBinary: Sendable, Hashable {
    public var mimeType: MimeType
    public var dataURL: String
    public var altText: String
    public var width: String
    public var height: String
    public var parameters: [ApplicationParameter]

    public init(mimeType: MimeType, dataURL: String, altText: String, width: String, height: String,
                parameters: [ApplicationParameter] = []) {
        self.mimeType = mimeType
        self.dataURL = dataURL
        self.altText = altText
        self.width = width
        self.height = height
        self.parameters = parameters
    }
}

/// Deprecated (2005-10-01 only): Flash or Java applet content.
public enum Application: Sendable, Hashable {
    case flash(movieURL: String, width: String, height: String, parameters: [ApplicationParameter])
    case javaApplet(path: String, filename: String, width: String, height: String, parameters: [ApplicationParameter])
}

public enum AnswerSpecification: Sendable, Hashable {
    case freeText(FreeTextAnswer)
    case selection(SelectionAnswer)
    /// Deprecated (2005-10-01 only, never allowed in qualification tests).
    case fileUpload(FileUploadAnswer)
}

public struct FreeTextAnswer: Sendable, Hashable {
    public var constraints: FreeTextConstraints?
    public var defaultText: String?
    public var numberOfLinesSuggestion: Int?

    public init(constraints: FreeTextConstraints? = nil, defaultText: String? = nil, numberOfLinesSuggestion: Int? = nil) {
        self.constraints = constraints
        self.defaultText = defaultText
        self.numberOfLinesSuggestion = numberOfLinesSuggestion
    }
}

public struct FreeTextConstraints: Sendable, Hashable {
    public struct Numeric: Sendable, Hashable {
        public var minValue: Int32?
        public var maxValue: Int32?
        public init(minValue: Int32? = nil, maxValue: Int32? = nil) {
            self.minValue = minValue
            self.maxValue = maxValue
        }
    }

    public struct Length: Sendable, Hashable {
        public var minLength: Int?
        public var maxLength: Int?
        public init(minLength: Int? = nil, maxLength: Int? = nil) {
            self.minLength = minLength
            self.maxLength = maxLength
        }
    }

    public struct FormatRegex: Sendable, Hashable {
        public var regex: String
        public var errorText: String?
        public var flags: String?
        public var origin: Origin
        public init(regex: String, errorText: String? = nil, flags: String? = nil, origin: Origin = Origin()) {
            self.regex = regex
            self.errorText = errorText
            self.flags = flags
            self.origin = origin
        }
    }

    public var isNumeric: Numeric?
    public var length: Length?
    public var regexes: [FormatRegex]
    public var origin: Origin

    public init(isNumeric: Numeric? = nil, length: Length? = nil, regexes: [FormatRegex] = [], origin: Origin = Origin()) {
        self.isNumeric = isNumeric
        self.length = length
        self.regexes = regexes
        self.origin = origin
    }
}

public enum SelectionStyle: String, Sendable, Hashable, Codable, CaseIterable {
    case radiobutton, checkbox, list, dropdown, combobox, multichooser

    /// `radiobutton` and `dropdown` let a worker pick one selection only.
    public var isSingleChoice: Bool { self == .radiobutton || self == .dropdown }
}

public struct SelectionAnswer: Sendable, Hashable {
    public var minSelectionCount: Int?
    public var maxSelectionCount: Int?
    public var style: SelectionStyle?
    public var selections: [Selection]
    public var otherSelection: FreeTextAnswer?
    public var origin: Origin

    public init(minSelectionCount: Int? = nil, maxSelectionCount: Int? = nil, style: SelectionStyle? = nil,
                selections: [Selection], otherSelection: FreeTextAnswer? = nil, origin: Origin = Origin()) {
        self.minSelectionCount = minSelectionCount
        self.maxSelectionCount = maxSelectionCount
        self.style = style
        self.selections = selections
        self.otherSelection = otherSelection
        self.origin = origin
    }

    /// MinSelectionCount as MTurk applies it (default 1).
    public var effectiveMin: Int { minSelectionCount ?? 1 }
    /// MaxSelectionCount as MTurk applies it (default 1; a single-choice style allows 1).
    public var effectiveMax: Int {
        let max = maxSelectionCount ?? 1
        return style?.isSingleChoice == true ? min(max, 1) : max
    }
}

public struct Selection: Sendable, Hashable {
    public enum Label: Sendable, Hashable {
        case text(String)
        case binary(Binary)
        case formattedContent(FormattedContent)
    }

    public var identifier: String
    public var label: Label
    public var origin: Origin

    public init(identifier: String, label: Label, origin: Origin = Origin()) {
        self.identifier = identifier
        self.label = label
        self.origin = origin
    }
}

public struct FileUploadAnswer: Sendable, Hashable {
    public var maxFileSizeInBytes: Int
    public var minFileSizeInBytes: Int

    public init(maxFileSizeInBytes: Int, minFileSizeInBytes: Int) {
        self.maxFileSizeInBytes = maxFileSizeInBytes
        self.minFileSizeInBytes = minFileSizeInBytes
    }
}

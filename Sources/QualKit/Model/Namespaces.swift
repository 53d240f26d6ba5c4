/// The namespace URIs of the MTurk data structures (each equals its schema's URL).
public enum MTurkNamespace {
    static let base = "http://mechanicalturk.amazonaws.com/AWSMechanicalTurkDataSchemas/"
    public static let questionForm2005 = base + "2005-10-01/QuestionForm.xsd"
    public static let questionForm2017 = base + "2017-11-06/QuestionForm.xsd"
    public static let answerKey = base + "2005-10-01/AnswerKey.xsd"
    public static let questionFormAnswers = base + "2005-10-01/QuestionFormAnswers.xsd"
    public static let htmlQuestion = base + "2011-11-11/HTMLQuestion.xsd"
    public static let externalQuestion = base + "2006-07-14/ExternalQuestion.xsd"
}

/// The QuestionForm schema versions MTurk accepts.
public enum QuestionFormVersion: String, Sendable, Hashable, Codable, CaseIterable {
    case v2005 = "2005-10-01"
    /// The current version: no `Application`, no `FileUploadAnswer`.
    case v2017 = "2017-11-06"

    public var namespace: String {
        switch self {
        case .v2005: MTurkNamespace.questionForm2005
        case .v2017: MTurkNamespace.questionForm2017
        }
    }
}

/// What kind of MTurk document a file holds, from its root element and namespace.
public enum DocumentKind: Sendable, Hashable, Codable, CustomStringConvertible {
    case questionForm(QuestionFormVersion)
    case answerKey
    case questionFormAnswers

    public var description: String {
        switch self {
        case .questionForm(let v): "QuestionForm \(v.rawValue)"
        case .answerKey: "AnswerKey"
        case .questionFormAnswers: "QuestionFormAnswers"
        }
    }

    var schema: MTurkSchema {
        switch self {
        case .questionForm(.v2005): .questionForm2005
        case .questionForm(.v2017): .questionForm2017
        case .answerKey: .answerKey
        case .questionFormAnswers: .questionFormAnswers
        }
    }

    var rootName: String {
        switch self {
        case .questionForm: "QuestionForm"
        case .answerKey: "AnswerKey"
        case .questionFormAnswers: "QuestionFormAnswers"
        }
    }
}

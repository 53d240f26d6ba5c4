/// A worker's answers to a QuestionForm, as MTurk returns them.
public struct QuestionFormAnswers: Sendable, Hashable {
    public var answers: [Answer]

    public init(answers: [Answer]) { self.answers = answers }

    /// An attempt with no answers (MTurk sends an empty Answer string when a worker answered nothing).
    public static let empty = QuestionFormAnswers(answers: [])
}

public struct Answer: Sendable, Hashable {
    public var questionIdentifier: String
    public var selectionIdentifiers: [String]
    public var otherSelectionText: String?
    public var freeText: String?
    public var uploadedFile: UploadedFile?
    public var origin: Origin

    public struct UploadedFile: Sendable, Hashable {
        public var sizeInBytes: Int
        public var key: String
        public init(sizeInBytes: Int, key: String) {
            self.sizeInBytes = sizeInBytes
            self.key = key
        }
    }

    public init(questionIdentifier: String, selectionIdentifiers: [String] = [], otherSelectionText: String? = nil,
                freeText: String? = nil, uploadedFile: UploadedFile? = nil, origin: Origin = Origin()) {
        self.questionIdentifier = questionIdentifier
        self.selectionIdentifiers = selectionIdentifiers
        self.otherSelectionText = otherSelectionText
        self.freeText = freeText
        self.uploadedFile = uploadedFile
        self.origin = origin
    }
}

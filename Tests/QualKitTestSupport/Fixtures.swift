import Foundation

/// Locates files of the repository from tests, whatever the working directory.
public enum RepositoryFiles {
    /// The repository root (the folder holding Package.swift).
    public static let root: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
        }
        fatalError("Package.swift not found above \(#filePath)")
    }()

    public static func url(_ relative: String) -> URL { root.appendingPathComponent(relative) }

    public static func bytes(_ relative: String) throws -> [UInt8] {
        Array(try Data(contentsOf: url(relative)))
    }

    public static func text(_ relative: String) throws -> String {
        try String(contentsOf: url(relative), encoding: .utf8)
    }

    /// Files below a folder (relative paths), sorted, recursively.
    public static func files(under relative: String, suffix: String = "") -> [String] {
        let base = url(relative)
        guard let e = FileManager.default.enumerator(atPath: base.path) else { return [] }
        var out: [String] = []
        while let item = e.nextObject() as? String {
            if item.hasSuffix(suffix) { out.append(relative + "/" + item) }
        }
        return out.sorted()
    }

    /// The shared reference folder beside the repository (absent in a user's clone).
    public static var sharedReference: URL? {
        let url = root.deletingLastPathComponent().appendingPathComponent("shared/reference/mturk-schemas")
        return FileManager.default.fileExists(atPath: url.path) ? url : nil
    }
}

/// A tiny builder of MTurk XML documents for tests.
public enum XMLFixtures {
    public static let formNS = "http://mechanicalturk.amazonaws.com/AWSMechanicalTurkDataSchemas/2017-11-06/QuestionForm.xsd"
    public static let form2005NS = "http://mechanicalturk.amazonaws.com/AWSMechanicalTurkDataSchemas/2005-10-01/QuestionForm.xsd"
    public static let keyNS = "http://mechanicalturk.amazonaws.com/AWSMechanicalTurkDataSchemas/2005-10-01/AnswerKey.xsd"
    public static let answersNS = "http://mechanicalturk.amazonaws.com/AWSMechanicalTurkDataSchemas/2005-10-01/QuestionFormAnswers.xsd"

    /// A selection question.
    public static func selectionQuestion(
        _ id: String, selections: [String], min: Int? = nil, max: Int? = nil, style: String? = "radiobutton",
        other: Bool = false, required: Bool? = nil
    ) -> String {
        """
        <Question><QuestionIdentifier>\(id)</QuestionIdentifier>\(required.map { "<IsRequired>\($0)</IsRequired>" } ?? "")
        <QuestionContent><Text>Pick one for \(id).</Text></QuestionContent>
        <AnswerSpecification><SelectionAnswer>\(min.map { "<MinSelectionCount>\($0)</MinSelectionCount>" } ?? "")\(max.map { "<MaxSelectionCount>\($0)</MaxSelectionCount>" } ?? "")\(style.map { "<StyleSuggestion>\($0)</StyleSuggestion>" } ?? "")
        <Selections>\(selections.map { "<Selection><SelectionIdentifier>\($0)</SelectionIdentifier><Text>\($0)</Text></Selection>" }.joined())\(other ? "<OtherSelection/>" : "")</Selections>
        </SelectionAnswer></AnswerSpecification></Question>
        """
    }

    public static func freeTextQuestion(_ id: String) -> String {
        """
        <Question><QuestionIdentifier>\(id)</QuestionIdentifier><QuestionContent><Text>Say something.</Text></QuestionContent>
        <AnswerSpecification><FreeTextAnswer/></AnswerSpecification></Question>
        """
    }

    public static func form(_ body: String, namespace: String = formNS) -> String {
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<QuestionForm xmlns=\"\(namespace)\">\n\(body)\n</QuestionForm>\n"
    }

    /// A key question: options as (selections, score).
    public static func keyQuestion(_ id: String, _ options: [([String], Int)], defaultScore: Int? = nil) -> String {
        "<Question><QuestionIdentifier>\(id)</QuestionIdentifier>"
            + options.map { o in "<AnswerOption>" + o.0.map { "<SelectionIdentifier>\($0)</SelectionIdentifier>" }.joined() + "<AnswerScore>\(o.1)</AnswerScore></AnswerOption>" }.joined()
            + (defaultScore.map { "<DefaultScore>\($0)</DefaultScore>" } ?? "") + "</Question>"
    }

    public static func key(_ questions: String, mapping: String = "") -> String {
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<AnswerKey xmlns=\"\(keyNS)\">\n\(questions)\n\(mapping.isEmpty ? "" : "<QualificationValueMapping>\(mapping)</QualificationValueMapping>")\n</AnswerKey>\n"
    }

    /// Answers: (question id, selections).
    public static func answers(_ answers: [(String, [String])]) -> String {
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<QuestionFormAnswers xmlns=\"\(answersNS)\">"
            + answers.map { a in "<Answer><QuestionIdentifier>\(a.0)</QuestionIdentifier>" + a.1.map { "<SelectionIdentifier>\($0)</SelectionIdentifier>" }.joined() + "</Answer>" }.joined()
            + "</QuestionFormAnswers>\n"
    }
}

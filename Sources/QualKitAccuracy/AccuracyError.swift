/// A problem in the accuracy inputs: what is wrong, where (file and line), and how to fix it.
public struct AccuracyError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file or input the problem is in (as named by the caller, usually a path).
    public var source: String
    /// 1-based line, when the input is line-oriented (manifests, CSV), else nil.
    public var line: Int?
    /// What is wrong.
    public var message: String
    /// How to fix it.
    public var hint: String

    public init(source: String, line: Int? = nil, message: String, hint: String) {
        self.source = source
        self.line = line
        self.message = message
        self.hint = hint
    }

    public var description: String {
        let place = line.map { "\(source):\($0)" } ?? source
        return "\(place): \(message) (\(hint))"
    }
}

/// Every problem found while reading the inputs (reading goes on after a bad line or file, so all are listed).
public struct AccuracyProblems: Error, Sendable, CustomStringConvertible {
    public var problems: [AccuracyError]

    public init(_ problems: [AccuracyError]) { self.problems = problems }

    public var description: String { problems.map(\.description).joined(separator: "\n") }
}

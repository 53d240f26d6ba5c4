/// Where a problem is: a file (when known), a 1-based line and a 1-based column (0 when unknown).
public struct SourceLocation: Sendable, Hashable, Codable, CustomStringConvertible {
    public var file: String?
    public var line: Int
    public var column: Int

    public init(file: String? = nil, line: Int, column: Int = 0) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// `file:line:col`, leaving out what is unknown.
    public var description: String {
        var parts: [String] = []
        if let file { parts.append(file) }
        if line > 0 {
            parts.append(String(line))
            if column > 0 { parts.append(String(column)) }
        }
        return parts.joined(separator: ":")
    }
}

public enum Severity: String, Sendable, Hashable, Codable, Comparable, CaseIterable {
    case note, warning, error

    private var rank: Int {
        switch self {
        case .note: 0
        case .warning: 1
        case .error: 2
        }
    }

    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
}

/// One problem found in a document: a stable code, a plain-language message and a hint on how to fix it.
///
/// Codes: `QK1xx` XML well-formedness, security and schema; `QK2xx` QuestionForm; `QK3xx` AnswerKey;
/// `QK4xx` form and key together; `QK5xx` QuestionFormAnswers. The full table is in `DiagnosticCode`.
public struct Diagnostic: Sendable, Hashable, Codable, CustomStringConvertible {
    public var code: DiagnosticCode
    public var severity: Severity
    public var message: String
    public var hint: String?
    public var location: SourceLocation?

    public init(
        _ code: DiagnosticCode,
        _ severity: Severity? = nil,
        _ message: String,
        hint: String? = nil,
        at location: SourceLocation? = nil
    ) {
        self.code = code
        self.severity = severity ?? code.defaultSeverity
        self.message = message
        self.hint = hint
        self.location = location
    }

    /// Compiler style: `file:line:col: error[QK301]: message`.
    public var description: String {
        let prefix = location.map { "\($0.description): " } ?? ""
        return "\(prefix)\(severity.rawValue)[\(code.rawValue)]: \(message)"
    }

    /// The same diagnostic attributed to another file name (used when a document came from a path).
    public func inFile(_ file: String?) -> Diagnostic {
        var copy = self
        if copy.location == nil {
            copy.location = SourceLocation(file: file, line: 0)
        } else {
            copy.location?.file = file
        }
        return copy
    }
}

extension Array where Element == Diagnostic {
    public var hasErrors: Bool { contains { $0.severity == .error } }

    /// Sorted by file, line, column, then code, so output is stable.
    public func sortedByLocation() -> [Diagnostic] {
        sorted { a, b in
            let la = a.location ?? SourceLocation(line: 0)
            let lb = b.location ?? SourceLocation(line: 0)
            if (la.file ?? "") != (lb.file ?? "") { return (la.file ?? "") < (lb.file ?? "") }
            if la.line != lb.line { return la.line < lb.line }
            if la.column != lb.column { return la.column < lb.column }
            return a.code.rawValue < b.code.rawValue
        }
    }
}

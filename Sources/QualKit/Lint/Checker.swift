/// The bytes of one input document and the name to report it under.
public struct SourceFile: Sendable {
    public var name: String
    public var bytes: [UInt8]

    public init(name: String, bytes: [UInt8]) {
        self.name = name
        self.bytes = bytes
    }
}

/// The entry points behind `qualkit validate` and `qualkit lint`.
public enum Checker {
    /// Schema and FormattedContent problems of one document of any kind, plus that document's own lint
    /// rules (the rules that need no other file).
    public static func validate(_ file: SourceFile) -> [Diagnostic] {
        let loaded = MTurkDocuments.load(file.bytes, file: file.name)
        var out = loaded.diagnostics
        switch loaded.value {
        case .questionForm(let form)?: out += Lint.form(form)
        case .answerKey(let key)?: out += Lint.key(key)
        case .answers?, nil: break
        }
        return out
    }

    /// Everything about a test: each document, the key against the form, and answers against the form.
    public static func lint(form formFile: SourceFile, key keyFile: SourceFile?, answers: [SourceFile] = []) -> [Diagnostic] {
        let form = MTurkDocuments.questionForm(formFile.bytes, file: formFile.name)
        var out = form.diagnostics
        if let f = form.value { out += Lint.form(f) }
        if let keyFile {
            let key = MTurkDocuments.answerKey(keyFile.bytes, file: keyFile.name)
            out += key.diagnostics
            if let k = key.value {
                out += Lint.key(k)
                if let f = form.value { out += Lint.pair(form: f, key: k) }
            }
        }
        for file in answers {
            let a = MTurkDocuments.answers(file.bytes, file: file.name)
            out += a.diagnostics
            if let a = a.value, let f = form.value { out += Lint.answers(a, form: f) }
        }
        return out
    }
}

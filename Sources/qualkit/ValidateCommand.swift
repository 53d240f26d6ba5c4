import ArgumentParser
import Foundation
import QualKit

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check QuestionForm, AnswerKey and QuestionFormAnswers files against the MTurk schemas.",
        discussion: """
            The kind of each file is detected from its root element and namespace. Directories are searched \
            for *.xml files. FormattedContent blocks are checked against MTurk's XHTML subset.
            """)

    @Argument(help: "Files or directories to check.")
    var paths: [String]

    @Option(help: "Output format: text, json or sarif.")
    var format: DiagnosticFormat = .text

    @Flag(help: "Treat warnings as errors for the exit code.")
    var strict = false

    func run() throws {
        var diagnostics: [Diagnostic] = []
        var count = 0
        for path in paths {
            let files = Files.xmlFiles(under: path)
            if files.isEmpty {
                throw CLIError.usage("\(path): no such file, or a directory without .xml files")
            }
            for file in files {
                count += 1
                do {
                    diagnostics += Checker.validate(SourceFile(name: file, bytes: try Files.read(file)))
                } catch {
                    diagnostics.append(error.diagnostic)
                }
            }
        }
        print(DiagnosticOutput(format: format).render(diagnostics, filesChecked: count), terminator: "")
        try CLIError.exit(for: diagnostics, strict: strict)
    }
}

struct LintCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lint",
        abstract: "Check a test: form, answer key, the key against the form, and sample answers.",
        discussion: """
            Give test directories (form.xml, answer-key.xml, answers/*.xml), a folder of test directories \
            (e.g. SampleForms: each subfolder holding a form.xml is linted), or --form and --key.
            """)

    @Argument(help: "Test directories, or folders of test directories.")
    var testDirectories: [String] = []

    @Option(help: "A QuestionForm file.")
    var form: String?

    @Option(help: "An AnswerKey file.")
    var key: String?

    @Option(help: "Output format: text, json or sarif.")
    var format: DiagnosticFormat = .text

    @Flag(help: "Treat warnings as errors for the exit code.")
    var strict = false

    func validate() throws {
        if testDirectories.isEmpty && form == nil {
            throw ValidationError("give a test directory, or --form FILE [--key FILE]")
        }
        if key != nil && form == nil { throw ValidationError("--key needs --form") }
    }

    func run() throws {
        var diagnostics: [Diagnostic] = []
        var count = 0
        func read(_ path: String) throws -> SourceFile {
            count += 1
            do { return SourceFile(name: path, bytes: try Files.read(path)) } catch { throw CLIError.io(error.description) }
        }
        if let form {
            diagnostics += Checker.lint(form: try read(form), key: try key.map(read))
        }
        for dir in try TestDirectory.expand(testDirectories) {
            let test = TestDirectory(path: dir)
            diagnostics += Checker.lint(form: try read(test.formPath), key: try test.keyPath.map(read),
                                        answers: try test.answerPaths.map(read))
        }
        print(DiagnosticOutput(format: format).render(diagnostics, filesChecked: count), terminator: "")
        try CLIError.exit(for: diagnostics, strict: strict)
    }
}

struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "List the diagnostic codes, or explain one (e.g. qualkit explain QK302).")

    @Argument(help: "A code such as QK302.")
    var code: String?

    func run() throws {
        if let code {
            guard let c = DiagnosticCode.catalogue[code.uppercased()] else {
                throw CLIError.usage("unknown code \(code); run `qualkit explain` for the list")
            }
            print("\(c.rawValue) (\(c.defaultSeverity.rawValue)): \(c.title)")
        } else {
            for c in DiagnosticCode.all { print("\(c.rawValue)  \(c.defaultSeverity.rawValue.padding(toLength: 7, withPad: " ", startingAt: 0))  \(c.title)") }
        }
    }
}

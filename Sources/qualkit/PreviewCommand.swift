import ArgumentParser
import Foundation
import QualKit
import QualKitRender
import QualKitScoring

struct PreviewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "preview",
        abstract: "Render a QuestionForm as one self-contained HTML page, as a worker sees it.",
        discussion: """
            Takes a test directory (its form.xml) or a QuestionForm file. The page has inline CSS, needs no \
            JavaScript and fetches nothing but the form's own image and media URLs. Inputs are shown disabled. \
            --key overlays the answer key (each option's score, DefaultScore, the mapping and the reachable \
            maximum); --answers shows one worker's answers and, with a key, the points each earned. \
            FormattedContent markup outside MTurk's XHTML subset is left out and reported on stderr. \
            Exit codes: 0 page written, 1 the form (or key, or answers) could not be loaded, 2 usage or I/O error.
            """)

    @Argument(help: "A test directory or a QuestionForm file.")
    var path: String

    @Option(help: "An AnswerKey file to overlay.")
    var key: String?

    @Flag(name: .customLong("show-key"), help: "Overlay the test directory's answer-key.xml.")
    var showKey = false

    @Option(help: "A QuestionFormAnswers file (one worker's attempt) to show.")
    var answers: String?

    @Option(name: [.short, .customLong("output")], help: "Write the HTML here (default: standard output).")
    var output: String?

    @Flag(name: .customLong("usable-inputs"), help: "Leave the inputs usable (to try the form); nothing is sent anywhere.")
    var usableInputs = false

    @Option(help: "Rounding of the value mapping in the answers overlay (see qualkit score).")
    var rounding: Rounding = .halfUp

    func run() throws {
        var diagnostics: [Diagnostic] = []
        let formPath: String
        var keyPath = key
        if TestDirectory.isTestDirectory(path) {
            let dir = TestDirectory(path: path)
            formPath = dir.formPath
            if showKey, keyPath == nil {
                guard let p = dir.keyPath else { throw CLIError.usage("--show-key: \(path) has no \(TestDirectory.keyFile)") }
                keyPath = p
            }
        } else {
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue {
                throw CLIError.usage("\(path) is a directory without \(TestDirectory.formFile); give a test directory or a QuestionForm file")
            }
            if showKey { throw CLIError.usage("--show-key needs a test directory; give --key FILE with a form file") }
            formPath = path
        }

        let form: QuestionForm? = try load(formPath, into: &diagnostics) { MTurkDocuments.questionForm($0, file: $1) }
        let answerKey: AnswerKey? = try keyPath.flatMap { p in try load(p, into: &diagnostics) { MTurkDocuments.answerKey($0, file: $1) } }
        let attempt: QuestionFormAnswers? = try answers.flatMap { p in try load(p, into: &diagnostics) { MTurkDocuments.answers($0, file: $1) } }
        guard let form, keyPath == nil || answerKey != nil, answers == nil || attempt != nil else {
            report(diagnostics)
            throw ExitCode(1)
        }

        let options = RenderOptions(mode: .preview, key: answerKey, answers: attempt,
                                    answersLabel: answers.map { ($0 as NSString).lastPathComponent },
                                    rounding: rounding, pageTitle: nil, disableInputs: !usableInputs)
        let page = FormRenderer.render(form, options: options)
        diagnostics += page.diagnostics.map { $0.location?.file == nil ? $0.inFile(formPath) : $0 }
        if let output, output != "-" {
            do {
                try Data(page.html.utf8).write(to: URL(fileURLWithPath: output), options: .atomic)
            } catch {
                throw CLIError.io("cannot write \(output): \(error.localizedDescription)")
            }
        } else {
            FileHandle.standardOutput.write(Data(page.html.utf8))
        }
        report(diagnostics)
    }

    /// Reads and loads one document; I/O problems end the command (exit 2), load problems are collected.
    private func load<T>(_ path: String, into diagnostics: inout [Diagnostic],
                         _ loader: ([UInt8], String) -> Loaded<T>) throws -> T? {
        let bytes: [UInt8]
        do {
            bytes = try Files.read(path)
        } catch {
            throw CLIError.io(error.description)
        }
        let loaded = loader(bytes, path)
        diagnostics += loaded.diagnostics
        return loaded.value
    }

    private func report(_ diagnostics: [Diagnostic]) {
        guard !diagnostics.isEmpty else { return }
        var output = DiagnosticOutput(format: .text)
        output.color = isatty(STDERR_FILENO) != 0 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
        let files = 1 + (key != nil || showKey ? 1 : 0) + (answers != nil ? 1 : 0)
        FileHandle.standardError.write(Data(output.render(diagnostics, filesChecked: files).utf8))
    }
}

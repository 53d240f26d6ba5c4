import ArgumentParser
import Foundation

@main
struct QualKitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "qualkit",
        abstract: "Author, check, score and serve Amazon Mechanical Turk qualification tests.",
        discussion: """
            A test directory holds form.xml (QuestionForm), answer-key.xml (AnswerKey), qualification.json \
            (the type's properties) and answers/*.xml (worker attempts). See SampleForms/.
            Exit codes: 0 success, 1 problems found, 2 usage or I/O error.
            """,
        version: QualKitVersion.string,
        subcommands: [
            ValidateCommand.self, LintCommand.self, ExplainCommand.self,
            ScoreCommand.self, AnalyzeCommand.self, ThresholdCommand.self, PreviewCommand.self, AccuracyCommand.self,
            ServeCommand.self, KeysCommand.self, LinkCommand.self,
            TypesCommand.self, WorkersCommand.self, RequestsCommand.self,
        ]
    )
}

extension QualKitCommand {
    /// Runs the command with QualKit's exit codes: 0 success, 1 problems found, 2 usage or I/O error.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var async = command as? any AsyncParsableCommand {
                try await async.run()
            } else {
                try command.run()
            }
        } catch let code as ExitCode {
            Foundation.exit(code.rawValue)
        } catch let error as CLIError {
            FileHandle.standardError.write(Data("\(error.description)\n".utf8))
            Foundation.exit(error.exitCode)
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                exit(withError: error)
            }
            let message = fullMessage(for: error)
            if !message.isEmpty { FileHandle.standardError.write(Data("\(message)\n".utf8)) }
            Foundation.exit(2)
        }
    }
}

enum QualKitVersion {
    static let string = "0.1.0"
}

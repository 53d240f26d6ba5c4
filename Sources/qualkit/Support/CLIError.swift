import ArgumentParser
import Foundation
import QualKit

/// Errors that end a command: usage and I/O problems exit with 2, found problems with 1.
enum CLIError: Error, CustomStringConvertible {
    case usage(String)
    case io(String)
    /// The work was refused or failed (e.g. the service said no): exit 1.
    case failed(String)

    var description: String {
        switch self {
        case .usage(let m): "error: \(m)"
        case .io(let m): "error: \(m)"
        case .failed(let m): "error: \(m)"
        }
    }

    /// Exits 1 when the diagnostics hold an error (or a warning with `strict`).
    var exitCode: Int32 {
        if case .failed = self { return 1 }
        return 2
    }

    static func exit(for diagnostics: [Diagnostic], strict: Bool) throws {
        if diagnostics.contains(where: { $0.severity == .error || (strict && $0.severity == .warning) }) {
            throw ExitCode(1)
        }
    }
}

extension CLIError: LocalizedError {
    var errorDescription: String? { description }
}

import ArgumentParser
import Foundation
import QualKit

enum DiagnosticFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json, sarif
}

/// Prints diagnostics as a compiler would (text), as JSON, or as SARIF 2.1.0 for CI annotations.
struct DiagnosticOutput {
    var format: DiagnosticFormat
    var color: Bool = isatty(STDOUT_FILENO) != 0 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil

    func render(_ diagnostics: [Diagnostic], filesChecked: Int) -> String {
        let sorted = diagnostics.sortedByLocation()
        switch format {
        case .text: return text(sorted, filesChecked: filesChecked)
        case .json: return json(sorted, filesChecked: filesChecked)
        case .sarif: return sarif(sorted)
        }
    }

    private func paint(_ s: String, _ code: String) -> String { color ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s }

    private func text(_ diagnostics: [Diagnostic], filesChecked: Int) -> String {
        var out = ""
        for d in diagnostics {
            let severity: String
            switch d.severity {
            case .error: severity = paint("error[\(d.code.rawValue)]", "1;31")
            case .warning: severity = paint("warning[\(d.code.rawValue)]", "1;33")
            case .note: severity = paint("note[\(d.code.rawValue)]", "1;36")
            }
            let location = d.location.map { "\($0.description): " } ?? ""
            out += "\(paint(location, "1"))\(severity): \(d.message)\n"
            if let hint = d.hint { out += "  \(paint("hint:", "36")) \(hint)\n" }
        }
        let errors = diagnostics.filter { $0.severity == .error }.count
        let warnings = diagnostics.filter { $0.severity == .warning }.count
        out += "\(filesChecked) file\(filesChecked == 1 ? "" : "s") checked: \(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s")\n"
        return out
    }

    private struct JSONReport: Encodable {
        var filesChecked: Int
        var errors: Int
        var warnings: Int
        var diagnostics: [JSONDiagnostic]
    }

    private struct JSONDiagnostic: Encodable {
        var file: String?
        var line: Int?
        var column: Int?
        var severity: String
        var code: String
        var message: String
        var hint: String?
    }

    private func json(_ diagnostics: [Diagnostic], filesChecked: Int) -> String {
        let report = JSONReport(
            filesChecked: filesChecked,
            errors: diagnostics.filter { $0.severity == .error }.count,
            warnings: diagnostics.filter { $0.severity == .warning }.count,
            diagnostics: diagnostics.map {
                JSONDiagnostic(file: $0.location?.file, line: $0.location.flatMap { $0.line > 0 ? $0.line : nil },
                               column: $0.location.flatMap { $0.column > 0 ? $0.column : nil },
                               severity: $0.severity.rawValue, code: $0.code.rawValue, message: $0.message, hint: $0.hint)
            })
        return JSONText.encode(report)
    }

    private func sarif(_ diagnostics: [Diagnostic]) -> String {
        let used = Set(diagnostics.map(\.code.rawValue))
        let rules: [[String: Any]] = DiagnosticCode.all.filter { used.contains($0.rawValue) }.map {
            ["id": $0.rawValue, "shortDescription": ["text": $0.title],
             "defaultConfiguration": ["level": $0.defaultSeverity == .note ? "note" : $0.defaultSeverity.rawValue]]
        }
        let results: [[String: Any]] = diagnostics.map { d in
            var result: [String: Any] = [
                "ruleId": d.code.rawValue,
                "level": d.severity == .note ? "note" : d.severity.rawValue,
                "message": ["text": d.message + (d.hint.map { " Hint: \($0)" } ?? "")],
            ]
            if let loc = d.location, let file = loc.file {
                var region: [String: Any] = [:]
                if loc.line > 0 { region["startLine"] = loc.line }
                if loc.column > 0 { region["startColumn"] = loc.column }
                var physical: [String: Any] = ["artifactLocation": ["uri": file]]
                if !region.isEmpty { physical["region"] = region }
                result["locations"] = [["physicalLocation": physical]]
            }
            return result
        }
        let log: [String: Any] = [
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [[
                "tool": ["driver": ["name": "qualkit", "version": QualKitVersion.string,
                                    "informationUri": "https://github.com/qualkit/qualkit", "rules": rules]],
                "results": results,
            ]],
        ]
        let data = (try? JSONSerialization.data(withJSONObject: log, options: [.prettyPrinted, .sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}

enum JSONText {
    /// One compact JSON object and a newline (JSON Lines).
    static func line<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return String(decoding: (try? encoder.encode(value)) ?? Data("{}".utf8), as: UTF8.self) + "\n"
    }

    static func encode<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}

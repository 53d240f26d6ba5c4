import Foundation
import QualKit

/// A test directory: `form.xml`, `answer-key.xml`, `qualification.json`, `answers/*.xml`.
struct TestDirectory {
    static let formFile = "form.xml"
    static let keyFile = "answer-key.xml"
    static let propertiesFile = "qualification.json"
    static let answersFolder = "answers"

    let path: String

    var formPath: String { (path as NSString).appendingPathComponent(Self.formFile) }
    var keyPath: String? {
        let p = (path as NSString).appendingPathComponent(Self.keyFile)
        return FileManager.default.fileExists(atPath: p) ? p : nil
    }
    var propertiesPath: String? {
        let p = (path as NSString).appendingPathComponent(Self.propertiesFile)
        return FileManager.default.fileExists(atPath: p) ? p : nil
    }
    var answerPaths: [String] {
        let dir = (path as NSString).appendingPathComponent(Self.answersFolder)
        return Files.xmlFiles(under: dir)
    }

    /// Test directories named directly, plus those found one level below a named folder that is not itself a
    /// test directory (e.g. `SampleForms`).
    static func expand(_ paths: [String]) throws(CLIError) -> [String] {
        var result: [String] = []
        for path in paths {
            if isTestDirectory(path) {
                result.append(path)
                continue
            }
            let children = ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted()
                .map { (path as NSString).appendingPathComponent($0) }
                .filter(isTestDirectory)
            if children.isEmpty {
                throw CLIError.usage("\(path) is not a test directory (no form.xml) and holds none")
            }
            result += children
        }
        return result
    }

    /// Whether `path` looks like a test directory (it holds a form.xml).
    static func isTestDirectory(_ path: String) -> Bool {
        var isDir: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDir) && isDir.boolValue
            && FileManager.default.fileExists(atPath: (path as NSString).appendingPathComponent(formFile))
    }
}

enum Files {
    /// Reads a whole file, or throws a diagnostic-carrying error.
    static func read(_ path: String) throws(InputError) -> [UInt8] {
        if path == "-" {
            return Array(FileHandle.standardInput.readDataToEndOfFile())
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            var isDir: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDir)
            throw InputError(path: path, reason: !exists ? "no such file" : isDir.boolValue ? "is a directory" : "cannot be read (permissions?)")
        }
        return Array(data)
    }

    /// `*.xml` files below a directory, sorted, recursively; a file path is returned as is.
    static func xmlFiles(under path: String) -> [String] {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else { return [] }
        guard isDir.boolValue else { return [path] }
        let enumerator = FileManager.default.enumerator(atPath: path)
        var result: [String] = []
        while let item = enumerator?.nextObject() as? String {
            if item.hasSuffix(".xml") { result.append((path as NSString).appendingPathComponent(item)) }
        }
        return result.sorted()
    }
}

/// A file that could not be read: exit code 2.
struct InputError: Error, CustomStringConvertible {
    var path: String
    var reason: String
    var description: String { "\(path): \(reason)" }

    var diagnostic: Diagnostic {
        Diagnostic(.fileUnreadable, nil, "cannot read \(path): \(reason)", hint: "check the path", at: SourceLocation(file: path, line: 0))
    }
}

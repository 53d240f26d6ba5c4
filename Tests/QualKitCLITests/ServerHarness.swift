import Foundation
import QualKitTestSupport

/// A real `qualkit serve` in a temporary directory, on a free loopback port; stopped when the test ends.
final class ServerHarness: @unchecked Sendable {
    let directory: URL
    let process = Process()
    private(set) var port = 0
    var endpoint: String { "http://127.0.0.1:\(port)" }
    var database: String { directory.appendingPathComponent(".qualkit/qualkit.sqlite").path }

    init(throttling: Double = 0) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("qualkit-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let initResult = try run(["serve", "init"])
        guard initResult.status == 0 else { throw HarnessError("serve init failed: \(initResult.stderr)") }
        process.executableURL = CLIRunner.binary
        process.arguments = ["serve", "--port", "0", "--simulate-throttling", String(throttling)]
        process.currentDirectoryURL = directory
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Wait for "listening on http://127.0.0.1:PORT".
        let deadline = Date().addingTimeInterval(20)
        var buffer = ""
        while Date() < deadline {
            let data = out.fileHandleForReading.availableData
            if data.isEmpty { break }
            buffer += String(decoding: data, as: UTF8.self)
            if let r = buffer.range(of: #"127\.0\.0\.1:(\d+)"#, options: .regularExpression) {
                port = Int(buffer[r].split(separator: ":").last!)!
                return
            }
        }
        process.terminate()
        throw HarnessError("qualkit serve did not start: \(buffer)")
    }

    deinit { stop() }

    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: directory)
    }

    /// Runs the CLI in the server's directory (where `.qualkit/credentials` is), against this server.
    func run(_ arguments: [String], endpoint: Bool = false) throws -> CLIRunner.Result {
        var args = arguments
        if endpoint { args += ["--endpoint", self.endpoint] }
        return try CLIRunner.run(args, directory: directory)
    }

    var secret: String {
        let text = (try? String(contentsOf: directory.appendingPathComponent(".qualkit/credentials"), encoding: .utf8)) ?? ""
        return text.split(separator: "\n").first { $0.hasPrefix("aws_secret_access_key") }.map { String($0.split(separator: "=")[1].trimmingCharacters(in: .whitespaces)) } ?? ""
    }

    /// Copies a SampleForms test into the server's directory and returns its relative path.
    func copySample(_ name: String) throws -> String {
        let target = directory.appendingPathComponent(name)
        try? FileManager.default.removeItem(at: target)
        try FileManager.default.copyItem(at: RepositoryFiles.url("SampleForms/\(name)"), to: target)
        return name
    }
}

struct HarnessError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

import ArgumentParser
import Foundation
import Logging
import QualKitServer

/// Where `qualkit serve` keeps its database, and where `serve init` leaves the local key pair for the CLI.
enum LocalServer {
    static let directory = ".qualkit"
    static let defaultDatabase = ".qualkit/qualkit.sqlite"
    static let credentialsFile = ".qualkit/credentials"
}

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the self-hosted, MTurk-compatible qualification service.",
        discussion: """
            The requester API (JSON 1.1 over POST /, SigV4) that boto3 and `qualkit` commands call, backed by SQLite. \
            Start with `qualkit serve init`, which creates the database and a first access key pair.
            """,
        subcommands: [ServeRunCommand.self, ServeInitCommand.self],
        defaultSubcommand: ServeRunCommand.self)
}

struct DatabaseOption: ParsableArguments {
    @Option(name: .customLong("db"), help: "The SQLite database (default: ./.qualkit/qualkit.sqlite).")
    var path: String = LocalServer.defaultDatabase
}

struct ServeRunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "run", abstract: "Serve the requester API (the default).")

    @OptionGroup var database: DatabaseOption

    @Option(help: "Address to bind (default 127.0.0.1, this machine only).")
    var host: String = "127.0.0.1"

    @Option(help: "Port (0 picks a free one and prints it).")
    var port: Int = 8765

    @Option(name: .customLong("simulate-throttling"), help: "Share of requests (0 to 1) answered with ThrottlingException, to test retries.")
    var simulateThrottling: Double = 0

    func validate() throws {
        guard (0...1).contains(simulateThrottling) else { throw ValidationError("--simulate-throttling takes a share from 0 to 1, e.g. 0.05") }
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0 to 65535") }
    }

    func run() async throws {
        guard FileManager.default.fileExists(atPath: database.path) else {
            throw CLIError.usage("no database at \(database.path): run `qualkit serve init` first (or pass --db)")
        }
        let store = try SQLiteStore(path: database.path)
        var options = QualificationServer.Options()
        options.host = host
        options.port = port
        options.simulateThrottling = simulateThrottling
        var logger = Logger(label: "qualkit.serve")
        logger.logLevel = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .notice
        let server = QualificationServer(store: store, options: options, logger: logger)
        try await server.run { port in
            // Written straight to the descriptor: a script waiting for this line must not wait on stdio buffering.
            FileHandle.standardOutput.write(Data("qualkit serve: listening on http://\(host):\(port) (database \(database.path))\n".utf8))
        }
    }
}

struct ServeInitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create the database and a first access key pair (the secret is shown once).")

    @OptionGroup var database: DatabaseOption

    @Flag(help: "Do not write the key pair to ./.qualkit/credentials (where qualkit commands find it for the local server).")
    var noCredentialsFile = false

    func run() async throws {
        let existed = FileManager.default.fileExists(atPath: database.path)
        let store = try SQLiteStore(path: database.path)
        if existed, try await !store.accessKeys().isEmpty {
            throw CLIError.usage("\(database.path) is already set up; use `qualkit keys create` for another key pair")
        }
        let key = AccessKeyFactory.make(label: "created by serve init")
        try await store.createAccessKey(key)
        print("Created \(database.path) and an access key pair. The secret is shown only now:")
        print("  aws_access_key_id = \(key.accessKeyId)")
        print("  aws_secret_access_key = \(key.secret)")
        if !noCredentialsFile {
            try KeyFiles.writeLocalCredentials(key)
            print("Saved to \(LocalServer.credentialsFile) (mode 600), where qualkit commands find it for the local server.")
        }
        print("Start the service with: qualkit serve --db \(database.path)")
        print("boto3: boto3.client('mturk', endpoint_url='http://127.0.0.1:8765', region_name='us-east-1', aws_access_key_id=…, aws_secret_access_key=…)")
    }
}

enum KeyFiles {
    /// Writes `.qualkit/credentials` (AWS INI format, mode 600).
    static func writeLocalCredentials(_ key: StoredAccessKey) throws {
        try FileManager.default.createDirectory(atPath: LocalServer.directory, withIntermediateDirectories: true)
        let text = "[default]\naws_access_key_id = \(key.accessKeyId)\naws_secret_access_key = \(key.secret)\n"
        let path = LocalServer.credentialsFile
        _ = FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600])
        guard let handle = FileHandle(forWritingAtPath: path) else { throw CLIError.io("cannot write \(path)") }
        try handle.truncate(atOffset: 0)
        try handle.write(contentsOf: Data(text.utf8))
        try handle.close()
    }
}


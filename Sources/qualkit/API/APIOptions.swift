import ArgumentParser
import Foundation
import MTurkAPI
import MTurkClient
import QualKitOperations

enum OutputFormat: String, ExpressibleByArgument, CaseIterable { case text, json }

/// Options every API command shares: where to call, whose credentials, how to print.
struct APIOptions: ParsableArguments {
    @Option(help: "local (the default: qualkit serve on 127.0.0.1:8765), sandbox, production, or an MTurk-compatible URL.")
    var endpoint: String = "local"

    @Option(help: "AWS profile for credentials (else AWS_PROFILE, else default). Secrets are never taken from flags.")
    var profile: String?

    @Option(help: "Output: text or json.")
    var format: OutputFormat = .text

    @Option(help: "The ledger mapping tests to type ids per endpoint.")
    var ledger: String = "qualkit.lock"

    func resolvedEndpoint() throws -> Endpoint {
        guard let e = Endpoint.parse(endpoint) else {
            throw CLIError.usage("--endpoint \(endpoint): use local, sandbox, production or an http(s) URL")
        }
        return e
    }

    func credentials(for endpoint: Endpoint) throws -> AccessKey {
        let resolver = CredentialsResolver()
        do {
            return try resolver.resolve(profile: profile)
        } catch {
            // For a local qualkit serve, `qualkit serve init` leaves a key pair in .qualkit/credentials.
            if endpoint.isLoopback, profile == nil, FileManager.default.fileExists(atPath: LocalServer.credentialsFile) {
                var env = ProcessInfo.processInfo.environment
                env["AWS_SHARED_CREDENTIALS_FILE"] = LocalServer.credentialsFile
                env["AWS_PROFILE"] = nil
                if let key = try? CredentialsResolver(environment: env).resolve() { return key }
            }
            throw CLIError.usage(error.description)
        }
    }

    func client(retry: RetryPolicy = RetryPolicy()) throws -> MTurkClient {
        let endpoint = try resolvedEndpoint()
        return MTurkClient(endpoint: endpoint, credentials: try credentials(for: endpoint), retry: retry)
    }

    func loadLedger() throws -> Ledger {
        guard let data = FileManager.default.contents(atPath: ledger) else { return Ledger() }
        do { return try Ledger.decode(data) } catch { throw CLIError.io("\(ledger) is not a valid ledger: \(error)") }
    }

    func saveLedger(_ l: Ledger) throws {
        do { try l.encoded().write(to: URL(fileURLWithPath: ledger), options: .atomic) } catch {
            throw CLIError.io("cannot write \(ledger): \(error)")
        }
    }

    /// A type given as an id, a test directory or a test name, resolved to an id valid on this endpoint.
    func typeId(_ reference: String, ledger: Ledger) throws -> String {
        let endpoint = try resolvedEndpoint()
        if TestDirectory.isTestDirectory(reference) {
            let definition = try TestDirectory(path: reference).definition()
            guard let entry = ledger.entry(endpoint: endpoint.ledgerKey, name: definition.properties.name) else {
                throw CLIError.usage("\(reference) (\"\(definition.properties.name)\") has no type on \(endpoint.name) yet: run `qualkit types create \(reference)`")
            }
            return entry.qualificationTypeId
        }
        if let entry = ledger.entry(endpoint: endpoint.ledgerKey, name: reference) { return entry.qualificationTypeId }
        guard MTurkLimits.isValidTypeId(reference) else {
            throw CLIError.usage("\(reference) is not a qualification type id, a test directory, or a test name in \(self.ledger)")
        }
        let elsewhere = ledger.endpoints(ofTypeId: reference)
        if !elsewhere.isEmpty && !elsewhere.contains(endpoint.ledgerKey) {
            throw CLIError.usage("type \(reference) was created on \(elsewhere.joined(separator: ", ")), not on \(endpoint.name): ids of one endpoint mean nothing on another")
        }
        return reference
    }
}

extension TestDirectory {
    func definition() throws -> TestDefinition {
        guard let propertiesPath else {
            throw CLIError.usage("\(path) has no qualification.json (Name, Description, TestDurationInSeconds, …)")
        }
        let properties: TestDefinition.Properties
        do {
            properties = try TestDefinition.decodeProperties(try Data(contentsOf: URL(fileURLWithPath: propertiesPath)), file: propertiesPath)
        } catch let e as DefinitionError {
            throw CLIError.usage(e.description)
        }
        let test = try String(decoding: Files.read(formPath), as: UTF8.self)
        let key = try keyPath.map { try String(decoding: Files.read($0), as: UTF8.self) }
        return TestDefinition(properties: properties, test: test, answerKey: key)
    }
}

/// Turns client errors into plain messages with a hint, and exit codes: 1 refused, 2 unreachable or misconfigured.
enum APIErrors {
    static func cliError(_ error: any Error, endpoint: Endpoint) -> CLIError {
        guard let e = error as? MTurkClientError else {
            if let c = error as? CLIError { return c }
            return .failed(String(describing: error))
        }
        switch e {
        case .service(let s):
            var hint = ""
            switch s.kind {
            case .throttling: hint = "\n  hint: the service is throttling; retries were exhausted: lower --rate or try later"
            case .authentication: hint = "\n  hint: check the access key (env AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, --profile, or `qualkit keys list` for a local server)"
            case .parameterValidation: hint = "\n  hint: fix the parameter named above; `qualkit lint` shows form and key problems with line and column"
            case .serviceFault: hint = "\n  hint: the service failed; try again"
            default: break
            }
            return .failed("\(s.body.code)\(s.turkErrorCode.map { " [\($0)]" } ?? ""): \(s.message)\(hint)")
        case .transport(let m):
            return .io("cannot reach \(endpoint): \(m)\(endpoint.isLoopback ? "\n  hint: start the local service with `qualkit serve` (after `qualkit serve init`)" : "")")
        case .ambiguous(let op, let m):
            return .failed("\(op.rawValue) may or may not have taken effect (\(m)); check with `qualkit types list` before retrying")
        case .encoding(let m), .decoding(let m):
            return .failed(m)
        }
    }
}

/// Prints to standard error (progress and warnings), keeping standard output for results.
func note(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

import Foundation

/// An AWS-style access key pair. The secret never appears in `description`, `debugDescription` or dumps.
public struct AccessKey: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var accessKeyId: String
    public var secretAccessKey: String
    public var sessionToken: String?
    /// Where the key came from (e.g. `environment`, `profile default in ~/.aws/credentials`).
    public var source: String

    public init(accessKeyId: String, secretAccessKey: String, sessionToken: String? = nil, source: String = "explicit") {
        self.accessKeyId = accessKeyId
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
        self.source = source
    }

    public var description: String { "AccessKey(\(accessKeyId), secret hidden, from \(source))" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["accessKeyId": accessKeyId, "source": source]) }
}

public enum CredentialsError: Error, Sendable, CustomStringConvertible, Equatable {
    case notFound(searched: [String])
    case profileNotFound(profile: String, files: [String])
    case incomplete(profile: String, file: String, missing: String)

    public var description: String {
        switch self {
        case .notFound(let searched):
            return "no credentials found (looked in: \(searched.joined(separator: "; "))). Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or add a profile to ~/.aws/credentials (for a local `qualkit serve`, `qualkit serve init` prints a key pair)"
        case .profileNotFound(let profile, let files):
            return "profile \"\(profile)\" not found in \(files.joined(separator: " or "))"
        case .incomplete(let profile, let file, let missing):
            return "profile \"\(profile)\" in \(file) has no \(missing)"
        }
    }
}

/// Resolves credentials the way the AWS CLI and SDKs do:
/// 1. `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` (+ `AWS_SESSION_TOKEN`) unless a profile was asked for explicitly;
/// 2. the shared credentials file (`AWS_SHARED_CREDENTIALS_FILE`, default `~/.aws/credentials`), section `[name]`;
/// 3. the config file (`AWS_CONFIG_FILE`, default `~/.aws/config`), section `[profile name]` (`[default]` for default).
/// The profile is the explicit one, else `AWS_PROFILE`, else `default`. Secrets are never taken from command-line flags.
public struct CredentialsResolver: Sendable {
    public var environment: [String: String]
    public var readFile: @Sendable (String) -> String?

    public init(environment: [String: String] = ProcessInfo.processInfo.environment,
                readFile: @escaping @Sendable (String) -> String? = { path in
                    FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) }
                }) {
        self.environment = environment
        self.readFile = readFile
    }

    var home: String { environment["HOME"] ?? NSHomeDirectory() }
    var credentialsPath: String { environment["AWS_SHARED_CREDENTIALS_FILE"] ?? home + "/.aws/credentials" }
    var configPath: String { environment["AWS_CONFIG_FILE"] ?? home + "/.aws/config" }

    public func resolve(profile explicitProfile: String? = nil) throws(CredentialsError) -> AccessKey {
        if explicitProfile == nil, let id = environment["AWS_ACCESS_KEY_ID"], !id.isEmpty,
           let secret = environment["AWS_SECRET_ACCESS_KEY"], !secret.isEmpty {
            return AccessKey(accessKeyId: id, secretAccessKey: secret,
                             sessionToken: environment["AWS_SESSION_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }, source: "environment")
        }
        let profile = explicitProfile ?? environment["AWS_PROFILE"].flatMap { $0.isEmpty ? nil : $0 } ?? "default"
        let credentialsText = readFile(credentialsPath)
        let configText = readFile(configPath)
        let fromCredentials = credentialsText.flatMap { IniFile.parse($0)[profile] }
        let fromConfig = configText.flatMap { IniFile.parse($0)[profile == "default" ? "default" : "profile \(profile)"] }
        guard let section = fromCredentials ?? fromConfig else {
            if explicitProfile != nil || environment["AWS_PROFILE"] != nil {
                throw .profileNotFound(profile: profile, files: [credentialsPath, configPath])
            }
            throw .notFound(searched: ["AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY", credentialsPath, configPath])
        }
        let file = fromCredentials != nil ? credentialsPath : configPath
        guard let id = section["aws_access_key_id"], !id.isEmpty else {
            throw .incomplete(profile: profile, file: file, missing: "aws_access_key_id")
        }
        guard let secret = section["aws_secret_access_key"], !secret.isEmpty else {
            throw .incomplete(profile: profile, file: file, missing: "aws_secret_access_key")
        }
        return AccessKey(accessKeyId: id, secretAccessKey: secret, sessionToken: section["aws_session_token"],
                         source: "profile \(profile) in \(file)")
    }
}

/// The INI dialect of the AWS shared files: `[section]`, `key = value`, `#` and `;` comments, case-insensitive keys.
enum IniFile {
    static func parse(_ text: String) -> [String: [String: String]] {
        var sections: [String: [String: String]] = [:]
        var current: String?
        for raw in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("["), line.hasSuffix("]") {
                let name = line.dropFirst().dropLast().trimmingCharacters(in: .whitespaces)
                current = name.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
                if sections[current!] == nil { sections[current!] = [:] }
                continue
            }
            guard let current, let eq = line.firstIndex(of: "=") else { continue }
            let key = line[..<eq].trimmingCharacters(in: .whitespaces).lowercased()
            let value = line[line.index(after: eq)...].trimmingCharacters(in: .whitespaces)
            sections[current]?[key] = value
        }
        return sections
    }
}

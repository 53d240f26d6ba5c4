import ArgumentParser
import Foundation
import QualKitServer

struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Manage the access keys of the local qualification service.",
        subcommands: [Create.self, List.self, Revoke.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create an access key pair (the secret is shown once).")
        @OptionGroup var database: DatabaseOption
        @Option(help: "A note on what the key is for.")
        var label: String?
        @Option(help: "The requester account the key acts for: types are owned by, and names unique within, a requester.")
        var requester: String = "default"

        func validate() throws {
            guard !requester.isEmpty, requester.count <= 64 else { throw ValidationError("--requester takes a name of 1 to 64 characters") }
        }

        func run() async throws {
            guard FileManager.default.fileExists(atPath: database.path) else {
                throw CLIError.usage("no database at \(database.path): run `qualkit serve init` first (or pass --db)")
            }
            let store = try SQLiteStore(path: database.path)
            let key = AccessKeyFactory.make(requester: requester, label: label)
            try await store.createAccessKey(key)
            print("aws_access_key_id = \(key.accessKeyId)")
            print("aws_secret_access_key = \(key.secret)")
            print("(the secret is not stored anywhere you can read it back: keep it now)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List access key ids (never secrets).")
        @OptionGroup var database: DatabaseOption

        func run() async throws {
            let store = try SQLiteStore(path: database.path)
            let formatter = ISO8601DateFormatter()
            for key in try await store.accessKeys() {
                print("\(key.accessKeyId)  \(key.revoked ? "revoked" : "active ")  \(formatter.string(from: key.createdAt))  requester=\(key.requester)  \(key.label ?? "")")
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke an access key (within 5 seconds for a running server).")
        @OptionGroup var database: DatabaseOption
        @Argument(help: "The access key id.")
        var accessKeyId: String

        func run() async throws {
            let store = try SQLiteStore(path: database.path)
            guard try await store.revokeAccessKey(id: accessKeyId) else {
                throw CLIError.usage("no active key \(accessKeyId) (see `qualkit keys list`)")
            }
            print("revoked \(accessKeyId)")
        }
    }
}

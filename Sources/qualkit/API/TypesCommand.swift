import ArgumentParser
import Foundation
import MTurkAPI
import MTurkClient
import QualKit
import QualKitOperations

struct TypesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "types",
        abstract: "Create, update, get, list and delete qualification types.",
        subcommands: [Create.self, Update.self, Get.self, List.self, Delete.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create the qualification type a test directory describes (checked locally first).",
            discussion: """
                Reads qualification.json, form.xml and answer-key.xml, lints them and refuses to send anything invalid. \
                The new type's id is recorded in qualkit.lock for this endpoint: creating an unchanged test again does \
                nothing; a changed test is reported (use --update to send the change).
                """)
        @OptionGroup var api: APIOptions
        @Argument(help: "The test directory.") var testDirectory: String
        @Flag(help: "If the test changed since it was created here, update the type.") var update = false
        @Flag(help: "Show what would be sent and stop.") var dryRun = false

        func run() async throws {
            let endpoint = try api.resolvedEndpoint()
            guard TestDirectory.isTestDirectory(testDirectory) else { throw CLIError.usage("\(testDirectory) is not a test directory (no form.xml)") }
            let definition = try TestDirectory(path: testDirectory).definition()
            let check = definition.check()
            if !check.diagnostics.isEmpty {
                note(DiagnosticOutput(format: .text, color: false).render(check.diagnostics, filesChecked: 2).trimmingCharacters(in: .newlines))
            }
            guard check.errors.isEmpty else {
                throw CLIError.failed("not sent: " + check.errors.joined(separator: "; "))
            }
            for w in check.warnings { note("warning: \(w)") }
            var ledger = try api.loadLedger()
            let hash = definition.contentHash
            if let entry = ledger.entry(endpoint: endpoint.ledgerKey, name: definition.properties.name) {
                if entry.contentHash == hash {
                    print("unchanged: \"\(definition.properties.name)\" is \(entry.qualificationTypeId) on \(endpoint.name); nothing to do")
                    return
                }
                guard update else {
                    throw CLIError.failed("\"\(definition.properties.name)\" (\(entry.qualificationTypeId)) changed since it was created on \(endpoint.name): run `qualkit types update \(testDirectory)` or pass --update")
                }
                try await Update.send(definition, typeId: entry.qualificationTypeId, dropKey: false, api: api, ledger: &ledger, hash: hash, dryRun: dryRun)
                return
            }
            let request = definition.createRequest
            note("creating \"\(request.name)\" on \(endpoint.name): \(request.test == nil ? "no test" : "test \(request.test!.utf8.count) bytes, \(request.testDurationInSeconds ?? 0) s")\(request.answerKey == nil ? ", graded by you (no AnswerKey)" : ", AnswerKey \(request.answerKey!.utf8.count) bytes"), status \(request.qualificationTypeStatus), retry delay \(request.retryDelayInSeconds.map { "\($0) s" } ?? "none (one attempt)")")
            if dryRun { return }
            let client = try api.client()
            let type: QualificationType
            do {
                type = try await client.send(request).qualificationType
            } catch {
                // A lost response to CreateQualificationType must not create a second type: look it up by name.
                if case .ambiguous = error, let found = try? await findByName(request.name, client) {
                    note("the create call's outcome was unknown; found the type by name")
                    type = found
                } else if error.serviceError?.turkErrorCode == TurkErrorCode.qualificationTypeAlreadyExists,
                          let found = try? await findByName(request.name, client) {
                    note("warning: a type named \"\(request.name)\" already exists on \(endpoint.name) (\(found.qualificationTypeId)); recorded it in \(api.ledger). Run `qualkit types update \(testDirectory)` to make it match this test.")
                    ledger.record(.init(endpoint: endpoint.ledgerKey, name: request.name, qualificationTypeId: found.qualificationTypeId,
                                        contentHash: "adopted", updatedAt: ISO8601DateFormatter().string(from: Date())))
                    try api.saveLedger(ledger)
                    throw CLIError.failed("type already exists")
                } else {
                    throw APIErrors.cliError(error, endpoint: endpoint)
                }
            }
            ledger.record(.init(endpoint: endpoint.ledgerKey, name: request.name, qualificationTypeId: type.qualificationTypeId,
                                contentHash: hash, updatedAt: ISO8601DateFormatter().string(from: Date())))
            try api.saveLedger(ledger)
            try TypePrinter.print(type, format: api.format)
        }

        func findByName(_ name: String, _ client: MTurkClient) async throws -> QualificationType? {
            try await client.all(ListQualificationTypesRequest(query: name, mustBeRequestable: false, mustBeOwnedByCaller: true))
                .first { $0.name == name }
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send a test directory's current form, key and properties to its type.",
            discussion: "Test and TestDurationInSeconds are resent together, as MTurk requires; the AnswerKey is resent too unless --drop-answer-key.")
        @OptionGroup var api: APIOptions
        @Argument(help: "The test directory.") var testDirectory: String
        @Flag(help: "Send the test without its AnswerKey (requests will then need grading by you).") var dropAnswerKey = false
        @Flag(help: "Show what would be sent and stop.") var dryRun = false

        func run() async throws {
            let endpoint = try api.resolvedEndpoint()
            var definition = try TestDirectory(path: testDirectory).definition()
            let check = definition.check()
            guard check.errors.isEmpty else { throw CLIError.failed("not sent: " + check.errors.joined(separator: "; ")) }
            if dropAnswerKey { definition.answerKey = nil }
            if definition.test != nil, definition.answerKey == nil {
                note("warning: the updated test has no AnswerKey: MTurk drops the type's key, and requests will wait for `qualkit requests grade`")
            }
            var ledger = try api.loadLedger()
            guard let entry = ledger.entry(endpoint: endpoint.ledgerKey, name: definition.properties.name) else {
                throw CLIError.usage("\"\(definition.properties.name)\" has no type on \(endpoint.name) in \(api.ledger): run `qualkit types create \(testDirectory)`")
            }
            try await Self.send(definition, typeId: entry.qualificationTypeId, dropKey: dropAnswerKey, api: api, ledger: &ledger,
                                hash: definition.contentHash, dryRun: dryRun)
        }

        static func send(_ d: TestDefinition, typeId: String, dropKey: Bool, api: APIOptions, ledger: inout Ledger, hash: String, dryRun: Bool) async throws {
            let endpoint = try api.resolvedEndpoint()
            let request = d.updateRequest(typeId: typeId)
            note("updating \(typeId) on \(endpoint.name)\(request.test != nil ? " (test resent with its duration\(request.answerKey == nil ? ", no AnswerKey" : " and AnswerKey"))" : "")")
            if dryRun { return }
            do {
                let type = try await api.client().send(request).qualificationType
                ledger.record(.init(endpoint: endpoint.ledgerKey, name: d.properties.name, qualificationTypeId: typeId,
                                    contentHash: hash, updatedAt: ISO8601DateFormatter().string(from: Date())))
                try api.saveLedger(ledger)
                try TypePrinter.print(type, format: api.format)
            } catch let e as CLIError {
                throw e
            } catch {
                throw APIErrors.cliError(error, endpoint: endpoint)
            }
        }
    }

    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a type; with -o, write its test back as a test directory.")
        @OptionGroup var api: APIOptions
        @Argument(help: "A type id, test directory or test name.") var type: String
        @Option(name: .shortAndLong, help: "Write form.xml, answer-key.xml and qualification.json into this directory.") var output: String?

        func run() async throws {
            let endpoint = try api.resolvedEndpoint()
            let id = try api.typeId(type, ledger: try api.loadLedger())
            let t: QualificationType
            do { t = try await api.client().send(GetQualificationTypeRequest(qualificationTypeId: id)).qualificationType } catch {
                throw APIErrors.cliError(error, endpoint: endpoint)
            }
            if let output {
                try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
                func write(_ name: String, _ text: String?) throws {
                    guard let text else { return }
                    try text.write(toFile: (output as NSString).appendingPathComponent(name), atomically: true, encoding: .utf8)
                }
                try write(TestDirectory.formFile, t.test)
                try write(TestDirectory.keyFile, t.answerKey)
                let properties = TestDefinition.Properties(
                    name: t.name ?? "", description: t.description ?? "", keywords: t.keywords,
                    qualificationTypeStatus: t.qualificationTypeStatus?.description, testDurationInSeconds: t.testDurationInSeconds,
                    retryDelayInSeconds: t.retryDelayInSeconds, autoGranted: t.autoGranted, autoGrantedValue: t.autoGrantedValue)
                let encoder = MTurkProtocol.encoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                try write(TestDirectory.propertiesFile, String(decoding: try encoder.encode(properties), as: UTF8.self) + "\n")
                note("wrote \(output)/\(TestDirectory.formFile)\(t.answerKey != nil ? ", \(TestDirectory.keyFile)" : ""), \(TestDirectory.propertiesFile)")
            }
            try TypePrinter.print(t, format: api.format)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List qualification types (yours, every page).")
        @OptionGroup var api: APIOptions
        @Option(help: "Only types whose name, description or keywords contain this.") var query: String?
        @Flag(help: "Include types you do not own.") var all = false
        @Flag(help: "Only types workers can request (Active).") var requestable = false

        func run() async throws {
            let endpoint = try api.resolvedEndpoint()
            let types: [QualificationType]
            do {
                types = try await api.client().all(ListQualificationTypesRequest(
                    query: query, mustBeRequestable: requestable, mustBeOwnedByCaller: all ? false : true, maxResults: 100))
            } catch {
                throw APIErrors.cliError(error, endpoint: endpoint)
            }
            if api.format == .json {
                print(JSONText.encode(types.map(TypePrinter.json)), terminator: "")
                return
            }
            for t in types {
                let parts = [t.qualificationTypeId.padding(toLength: 31, withPad: " ", startingAt: 0),
                             (t.qualificationTypeStatus?.description ?? "").padding(toLength: 9, withPad: " ", startingAt: 0),
                             t.test == nil ? "no test " : t.answerKey == nil ? "test    " : "test+key", t.name ?? ""]
                print(parts.joined(separator: " "))
            }
            note("\(types.count) type\(types.count == 1 ? "" : "s") on \(endpoint.name)")
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete a qualification type (granted qualifications stay; pending requests are rejected).")
        @OptionGroup var api: APIOptions
        @Argument(help: "A type id, test directory or test name.") var type: String
        @Flag(help: "Do not ask for confirmation.") var yes = false

        func run() async throws {
            let endpoint = try api.resolvedEndpoint()
            var ledger = try api.loadLedger()
            let id = try api.typeId(type, ledger: ledger)
            if !yes {
                guard isatty(STDIN_FILENO) != 0 else { throw CLIError.usage("deleting \(id) needs confirmation: pass --yes") }
                FileHandle.standardError.write(Data("Delete qualification type \(id) on \(endpoint.name)? MTurk keeps the name taken for up to 48 hours. [y/N] ".utf8))
                guard let answer = readLine(), answer.lowercased().hasPrefix("y") else { throw CLIError.failed("not deleted") }
            }
            do { _ = try await api.client().send(DeleteQualificationTypeRequest(qualificationTypeId: id)) } catch {
                throw APIErrors.cliError(error, endpoint: endpoint)
            }
            ledger.remove(endpoint: endpoint.ledgerKey, typeId: id)
            try api.saveLedger(ledger)
            print("deleted \(id)")
        }
    }
}

enum TypePrinter {
    struct JSONType: Encodable {
        var qualificationTypeId: String
        var name: String?
        var description: String?
        var keywords: String?
        var status: String?
        var creationTime: Date?
        var hasTest: Bool
        var hasAnswerKey: Bool
        var testDurationInSeconds: Int64?
        var retryDelayInSeconds: Int64?
        var autoGranted: Bool?
        var autoGrantedValue: Int32?
    }

    static func json(_ t: QualificationType) -> JSONType {
        JSONType(qualificationTypeId: t.qualificationTypeId, name: t.name, description: t.description, keywords: t.keywords,
                 status: t.qualificationTypeStatus?.description, creationTime: t.creationTime, hasTest: t.test != nil,
                 hasAnswerKey: t.answerKey != nil, testDurationInSeconds: t.testDurationInSeconds,
                 retryDelayInSeconds: t.retryDelayInSeconds, autoGranted: t.autoGranted, autoGrantedValue: t.autoGrantedValue)
    }

    static func print(_ t: QualificationType, format: OutputFormat) throws {
        if format == .json {
            Swift.print(JSONText.encode(json(t)), terminator: "")
            return
        }
        Swift.print("""
            \(t.qualificationTypeId)  \(t.name ?? "")
              status: \(t.qualificationTypeStatus?.description ?? "?")\(t.autoGranted == true ? ", auto-granted with value \(t.autoGrantedValue ?? 1)" : "")
              test: \(t.test.map { "\($0.utf8.count) bytes, \(t.testDurationInSeconds ?? 0) s to finish" } ?? "none")
              answer key: \(t.answerKey.map { "\($0.utf8.count) bytes (graded automatically)" } ?? "none (requests wait for you)")
              retries: \(t.retryDelayInSeconds.map { "after \($0) s" } ?? "none (one attempt per worker)")
            """)
    }
}

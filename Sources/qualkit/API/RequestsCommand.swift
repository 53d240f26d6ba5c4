import ArgumentParser
import Foundation
import MTurkAPI
import MTurkClient
import QualKit
import QualKitOperations
import QualKitScoring

struct RequestsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "requests",
        abstract: "List, accept, reject and grade pending qualification requests.",
        subcommands: [List.self, Accept.self, Reject.self, Grade.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List pending requests (every page).")
        @OptionGroup var api: APIOptions
        @Argument(help: "A type id, test directory or test name (default: all your types).") var type: String?

        func run() async throws {
            let endpoint = try api.resolvedEndpoint()
            let typeId = try type.map { try api.typeId($0, ledger: try api.loadLedger()) }
            let requests: [QualificationRequest]
            do { requests = try await api.client().all(ListQualificationRequestsRequest(qualificationTypeId: typeId, maxResults: 100)) } catch {
                throw APIErrors.cliError(error, endpoint: endpoint)
            }
            if api.format == .json {
                print(JSONText.encode(requests.map { RequestJSON($0) }), terminator: "")
                return
            }
            for r in requests {
                print("\(r.qualificationRequestId)  \(r.workerId ?? "-")  \(r.qualificationTypeId ?? "-")  \(r.submitTime.map { ISO8601DateFormatter().string(from: $0) } ?? "")")
            }
            note("\(requests.count) pending request\(requests.count == 1 ? "" : "s")")
        }
    }

    struct RequestJSON: Encodable {
        var QualificationRequestId: String
        var WorkerId: String?
        var QualificationTypeId: String?
        var Test: String?
        var Answer: String?
        var SubmitTime: Double?
        init(_ r: QualificationRequest) {
            QualificationRequestId = r.qualificationRequestId
            WorkerId = r.workerId
            QualificationTypeId = r.qualificationTypeId
            Test = r.test
            Answer = r.answer
            SubmitTime = r.submitTime?.timeIntervalSince1970
        }
    }

    struct Accept: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Accept a request, granting the qualification.")
        @OptionGroup var api: APIOptions
        @Argument(help: "The QualificationRequestId.") var requestId: String
        @Option(help: "The value to grant (default 1).") var value: Int32 = 1

        func run() async throws {
            let endpoint = try api.resolvedEndpoint()
            do { _ = try await api.client().send(AcceptQualificationRequestRequest(qualificationRequestId: requestId, integerValue: value)) } catch {
                throw APIErrors.cliError(error, endpoint: endpoint)
            }
            print("accepted \(requestId) with value \(value)")
        }
    }

    struct Reject: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Reject a request (the reason is shown to the worker).")
        @OptionGroup var api: APIOptions
        @Argument(help: "The QualificationRequestId.") var requestId: String
        @Option(help: "Why (shown to the worker).") var reason: String

        func run() async throws {
            let endpoint = try api.resolvedEndpoint()
            do { _ = try await api.client().send(RejectQualificationRequestRequest(qualificationRequestId: requestId, reason: reason)) } catch {
                throw APIErrors.cliError(error, endpoint: endpoint)
            }
            print("rejected \(requestId)")
        }
    }

    struct Grade: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Score pending requests with an answer key and accept or reject them.",
            discussion: """
                Each request is scored against the Test snapshot it carries, with QualKit's scoring engine. With \
                --pass-value, attempts below it are rejected; without it every scored attempt is accepted with its \
                value. Attempts that cannot be scored stay pending. Every attempt's answers and per-question points \
                are written to --results (JSON Lines), which MTurk never gave requesters for auto-graded tests.
                """)
        @OptionGroup var api: APIOptions
        @Argument(help: "A type id, test directory or test name.") var type: String
        @Option(help: "The AnswerKey (default: the test directory's answer-key.xml).") var key: String?
        @Option(name: .customLong("pass-value"), help: "Accept only values meeting this: 80 (>=), '>=80', 'GreaterThan:79'.") var passValue: String?
        @Flag(help: "Show the decisions and stop.") var plan = false
        @Option(help: "Where to write every attempt's answers and points (JSON Lines).") var results: String = "grading-results.jsonl"

        func run() async throws {
            let endpoint = try api.resolvedEndpoint()
            let typeId = try api.typeId(type, ledger: try api.loadLedger())
            let keyPath = key ?? (TestDirectory.isTestDirectory(type) ? TestDirectory(path: type).keyPath : nil)
            guard let keyPath else { throw CLIError.usage("give --key KEY.xml (or a test directory with an answer-key.xml)") }
            let loaded = MTurkDocuments.answerKey(try Files.read(keyPath), file: keyPath)
            guard let answerKey = loaded.value else {
                throw CLIError.failed("the key does not load:\n" + loaded.diagnostics.map { "  \($0)" }.joined(separator: "\n"))
            }
            var rule: PassRule? = nil
            if let passValue {
                guard let r = PassRule(parsing: passValue) else { throw CLIError.usage("--pass-value \(passValue): write 80, '>=80' or 'GreaterThan:79'") }
                rule = r
                if let key = try? ScoringKey(answerKey) { warnIfPassRuleCannotSeparate(r, key: key) }
            }
            let client = try api.client()
            let requests: [QualificationRequest]
            do { requests = try await client.all(ListQualificationRequestsRequest(qualificationTypeId: typeId, maxResults: 100)) } catch {
                throw APIErrors.cliError(error, endpoint: endpoint)
            }
            let grader = RequestGrader(answerKey: answerKey, passRule: rule)
            let graded = requests.map(grader.grade)
            var lines = ""
            var accepted = 0, rejected = 0, left = 0, failed = 0
            for g in graded {
                let decision: String
                switch g.decision {
                case .accept(let v): decision = "accept \(v)"
                case .reject: decision = "reject"
                case .leave(let why): decision = "leave pending (\(why))"
                }
                print("\(g.request.qualificationRequestId)  \(g.request.workerId ?? "-")  sum \(g.score.map { String($0.sum) } ?? "-")  value \(g.score.map { String($0.value) } ?? "-")  → \(decision)")
                if !plan {
                    do {
                        switch g.decision {
                        case .accept(let v):
                            _ = try await client.send(AcceptQualificationRequestRequest(qualificationRequestId: g.request.qualificationRequestId, integerValue: v))
                            accepted += 1
                        case .reject(let reason):
                            _ = try await client.send(RejectQualificationRequestRequest(qualificationRequestId: g.request.qualificationRequestId, reason: reason))
                            rejected += 1
                        case .leave:
                            left += 1
                        }
                    } catch {
                        failed += 1
                        note("  \(g.request.qualificationRequestId): \(APIErrors.cliError(error, endpoint: endpoint).description)")
                    }
                }
                lines += JSONText.line(GradedJSON(g, decision: decision, applied: !plan))
            }
            if !plan {
                do { try lines.write(toFile: results, atomically: true, encoding: .utf8) } catch { throw CLIError.io("cannot write \(results): \(error)") }
            }
            note(plan ? "\(graded.count) pending requests graded (plan only: nothing sent)"
                      : "\(accepted) accepted, \(rejected) rejected, \(left) left pending, \(failed) failed; answers and points in \(results)")
            if failed > 0 { throw CLIError.failed("\(failed) decisions could not be sent") }
        }
    }

    struct GradedJSON: Encodable {
        struct Point: Encodable { var question: String; var selections: [String]; var points: Int64; var defaultScore: Bool }
        var requestId: String
        var workerId: String?
        var submitTime: Double?
        var answer: String?
        var sum: Int64?
        var value: Int32?
        var questions: [Point]
        var decision: String
        var applied: Bool

        init(_ g: RequestGrader.Graded, decision: String, applied: Bool) {
            requestId = g.request.qualificationRequestId
            workerId = g.request.workerId
            submitTime = g.request.submitTime?.timeIntervalSince1970
            answer = g.request.answer
            sum = g.score?.sum
            value = g.score?.value
            questions = g.score?.questions.map { Point(question: $0.questionIdentifier, selections: $0.selections, points: $0.points, defaultScore: $0.usedDefaultScore) } ?? []
            self.decision = decision
            self.applied = applied
        }
    }
}

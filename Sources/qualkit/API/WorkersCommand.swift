import ArgumentParser
import Foundation
import MTurkAPI
import MTurkClient
import QualKitOperations

struct WorkersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "workers",
        abstract: "Grant, revoke, list and look up workers' qualifications.",
        subcommands: [Grant.self, Revoke.self, List.self, Score.self])

    struct Grant: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Grant a qualification to a worker, or to everyone in a grants file.",
            discussion: """
                --from reads worker,value rows (header optional; value defaults to --value). --plan prints what would \
                change against the current holders (new, changed, unchanged) and sends nothing. Applying runs with \
                bounded concurrency and a rate limit, and writes a journal (FILE.TYPE.journal) so that an interrupted \
                run, started again, neither repeats nor loses a grant. Workers are not notified unless --notify.
                """)
        @OptionGroup var api: APIOptions
        @Argument(help: "A type id, test directory or test name.") var type: String
        @Option(help: "One worker id.") var worker: String?
        @Option(help: "A grants file (worker,value).") var from: String?
        @Option(help: "The value (default 1).") var value: Int32 = 1
        @Flag(help: "Send MTurk's notification e-mail to each worker.") var notify = false
        @Flag(help: "Show the difference against the current holders and stop.") var plan = false
        @Option(help: "Grants in flight at once.") var concurrency: Int = 8
        @Option(help: "At most this many grants per second (0: no limit).") var rate: Double = 0
        @Option(help: "The journal file (default: the grants file's path + .TYPEID.journal).") var journal: String?

        func validate() throws {
            if (worker == nil) == (from == nil) { throw ValidationError("give --worker W or --from FILE") }
            if let worker, !MTurkLimits.isValidWorkerId(worker) { throw ValidationError("\(worker) is not a worker id (A followed by capital letters and digits)") }
            if concurrency < 1 || concurrency > 64 { throw ValidationError("--concurrency must be 1 to 64") }
            if rate < 0 { throw ValidationError("--rate must be 0 or more") }
        }

        func run() async throws {
            let endpoint = try api.resolvedEndpoint()
            let typeId = try api.typeId(type, ledger: try api.loadLedger())
            let client = try api.client()
            if let worker {
                do {
                    _ = try await client.send(AssociateQualificationWithWorkerRequest(qualificationTypeId: typeId, workerId: worker,
                                                                                       integerValue: value, sendNotification: notify))
                } catch { throw APIErrors.cliError(error, endpoint: endpoint) }
                print("granted \(typeId) to \(worker) with value \(value)")
                return
            }
            let path = from!
            let text = try String(decoding: Files.read(path), as: UTF8.self)
            let rows: [GrantRow]
            switch GrantList.parse(text, defaultValue: value) {
            case .success(let r): rows = r
            case .failure(let errors):
                throw CLIError.usage("\(path) has problems; nothing was sent:\n" + errors.errors.map { "  \(path):\($0.line): \($0.message) (\($0.hint))" }.joined(separator: "\n"))
            }
            var current: [String: Int32] = [:]
            do {
                for q in try await client.all(ListWorkersWithQualificationTypeRequest(qualificationTypeId: typeId, status: .granted, maxResults: 100)) {
                    current[q.workerId] = q.integerValue ?? 1
                }
            } catch { throw APIErrors.cliError(error, endpoint: endpoint) }
            let grantPlan = GrantPlan(rows: rows, current: current)
            if plan {
                if api.format == .json {
                    print(JSONText.encode(grantPlan), terminator: "")
                } else {
                    for r in grantPlan.new { print("new        \(r.workerId) → \(r.value)") }
                    for c in grantPlan.changed { print("changed    \(c.workerId) \(c.from) → \(c.to)") }
                    print("\(grantPlan.new.count) new, \(grantPlan.changed.count) changed, \(grantPlan.unchanged.count) unchanged (plan only: nothing sent)")
                }
                return
            }
            let journalPath = journal ?? "\(path).\(typeId).journal"
            let j: GrantJournal
            do { j = try GrantJournal(path: journalPath, qualificationTypeId: typeId, endpoint: endpoint.ledgerKey) } catch {
                throw CLIError.io(String(describing: error))
            }
            let progress = ProgressBar(total: rows.count, label: "granting")
            let notify = self.notify
            let report: BulkGrant.Report
            do {
                report = try await BulkGrant.run(grantPlan.toApply,
                    journal: j, concurrency: concurrency, ratePerSecond: rate > 0 ? rate : nil,
                    grant: { row in
                        _ = try await client.send(AssociateQualificationWithWorkerRequest(
                            qualificationTypeId: typeId, workerId: row.workerId, integerValue: row.value, sendNotification: notify))
                    },
                    currentValue: { worker in
                        do {
                            let q = try await client.send(GetQualificationScoreRequest(qualificationTypeId: typeId, workerId: worker)).qualification
                            return q.status == .granted ? q.integerValue : nil
                        } catch let e as MTurkClientError where e.serviceError?.turkErrorCode == TurkErrorCode.qualificationDoesNotExist {
                            return nil
                        }
                    },
                    progress: { p in progress.update(done: p.done + grantPlan.unchanged.count, failed: p.failed) })
            } catch {
                progress.finish()
                throw CLIError.io("grant run stopped: \(error); run the same command again to resume from \(journalPath)")
            }
            progress.finish()
            if api.format == .json {
                struct Summary: Encodable { var granted, alreadyDone, confirmed, unchanged: Int; var failures: [String: String]; var journal: String }
                print(JSONText.encode(Summary(granted: report.granted, alreadyDone: report.alreadyDone, confirmed: report.confirmed,
                                              unchanged: grantPlan.unchanged.count,
                                              failures: Dictionary(report.failures.map { ($0.workerId, $0.message) }, uniquingKeysWith: { a, _ in a }),
                                              journal: journalPath)), terminator: "")
            } else {
                print("granted \(report.granted), already done in an earlier run \(report.alreadyDone + report.confirmed), unchanged \(grantPlan.unchanged.count), failed \(report.failures.count) (journal \(journalPath))")
                for f in report.failures.prefix(20) { note("  failed: \(f.workerId): \(f.message)") }
            }
            if !report.failures.isEmpty { throw CLIError.failed("\(report.failures.count) grants failed; run the same command again to retry them") }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a worker's qualification (the reason is shown to the worker).")
        @OptionGroup var api: APIOptions
        @Argument(help: "A type id, test directory or test name.") var type: String
        @Option(help: "The worker id.") var worker: String
        @Option(help: "Why (shown to the worker).") var reason: String

        func run() async throws {
            let endpoint = try api.resolvedEndpoint()
            let typeId = try api.typeId(type, ledger: try api.loadLedger())
            do {
                _ = try await api.client().send(DisassociateQualificationFromWorkerRequest(workerId: worker, qualificationTypeId: typeId, reason: reason))
            } catch { throw APIErrors.cliError(error, endpoint: endpoint) }
            print("revoked \(typeId) from \(worker)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the workers holding a qualification (every page).")
        @OptionGroup var api: APIOptions
        @Argument(help: "A type id, test directory or test name.") var type: String
        @Option(help: "Granted or Revoked (default: both).") var status: String?

        func run() async throws {
            let endpoint = try api.resolvedEndpoint()
            let typeId = try api.typeId(type, ledger: try api.loadLedger())
            var filter: QualificationStatus? = nil
            if let status {
                switch status.lowercased() {
                case "granted": filter = .granted
                case "revoked": filter = .revoked
                default: throw CLIError.usage("--status \(status): use Granted or Revoked")
                }
            }
            let qualifications: [Qualification]
            do {
                qualifications = try await api.client().all(ListWorkersWithQualificationTypeRequest(qualificationTypeId: typeId, status: filter, maxResults: 100))
            } catch { throw APIErrors.cliError(error, endpoint: endpoint) }
            if api.format == .json {
                struct Row: Encodable { var workerId: String; var value: Int32?; var status: String?; var grantTime: Date? }
                print(JSONText.encode(qualifications.map { Row(workerId: $0.workerId, value: $0.integerValue, status: $0.status?.description, grantTime: $0.grantTime) }), terminator: "")
                return
            }
            print("worker,value,status")
            for q in qualifications { print("\(q.workerId),\(q.integerValue.map(String.init) ?? ""),\(q.status?.description ?? "")") }
            note("\(qualifications.count) worker\(qualifications.count == 1 ? "" : "s")")
        }
    }

    struct Score: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one worker's qualification value.")
        @OptionGroup var api: APIOptions
        @Argument(help: "A type id, test directory or test name.") var type: String
        @Option(help: "The worker id.") var worker: String

        func run() async throws {
            let endpoint = try api.resolvedEndpoint()
            let typeId = try api.typeId(type, ledger: try api.loadLedger())
            let q: Qualification
            do { q = try await api.client().send(GetQualificationScoreRequest(qualificationTypeId: typeId, workerId: worker)).qualification } catch {
                throw APIErrors.cliError(error, endpoint: endpoint)
            }
            if api.format == .json {
                struct Row: Encodable { var workerId: String; var value: Int32?; var status: String?; var grantTime: Date? }
                print(JSONText.encode(Row(workerId: q.workerId, value: q.integerValue, status: q.status?.description, grantTime: q.grantTime)), terminator: "")
            } else {
                print("\(q.workerId): \(q.integerValue.map(String.init) ?? "-") (\(q.status?.description ?? "?"))")
            }
        }
    }
}

/// A one-line progress bar on standard error (only when it is a terminal).
final class ProgressBar: @unchecked Sendable {
    private let total: Int
    private let label: String
    private let lock = NSLock()
    private let enabled = isatty(STDERR_FILENO) != 0
    private var last = Date.distantPast

    init(total: Int, label: String) {
        self.total = total
        self.label = label
    }

    func update(done: Int, failed: Int) {
        guard enabled else { return }
        lock.withLock {
            guard Date().timeIntervalSince(last) > 0.1 || done == total else { return }
            last = Date()
            let width = 30
            let filled = total == 0 ? width : min(width, done * width / total)
            let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
            FileHandle.standardError.write(Data("\r\(label) \(bar) \(done)/\(total)\(failed > 0 ? " (\(failed) failed)" : "")".utf8))
        }
    }

    func finish() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\n".utf8))
    }
}

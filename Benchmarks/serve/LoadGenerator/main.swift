// qualkit-load: drives a running `qualkit serve` (or any MTurk-compatible endpoint) with signed requester calls
// from N concurrent connections and reports throughput, latency percentiles and what was acknowledged.
//
//   qualkit-load ENDPOINT TYPE_ID [--connections 16] [--grants 5000] [--read-every 10] [--prefix L]
//
// Each connection runs one call at a time: `--grants` AssociateQualificationWithWorker calls, each to a new worker,
// and after every `--read-every`-th grant a GetQualificationScore of a worker it granted before. Credentials come from
// the usual chain (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or AWS_SHARED_CREDENTIALS_FILE). No retries: every
// failure is counted and reported, so "acknowledged" means the server said yes to that one call.
import ArgumentParser
import AsyncHTTPClient
import Foundation
import MTurkAPI
import MTurkClient

struct Options: ParsableCommand, Sendable {
    static let configuration = CommandConfiguration(
        commandName: "qualkit-load",
        abstract: "Signed requester calls from N connections against qualkit serve or any MTurk-compatible endpoint.")

    @Argument(help: "The endpoint: local, sandbox, production or an http(s) URL.", transform: { text in
        guard let endpoint = Endpoint.parse(text) else { throw ValidationError("not an endpoint: \(text)") }
        return endpoint
    })
    var endpoint: Endpoint

    @Argument(help: "The qualification type to grant.")
    var typeId: String

    @Option(help: "Concurrent connections, one call in flight on each.")
    var connections = 16

    @Option(name: .customLong("grants"), help: "AssociateQualificationWithWorker calls per connection.")
    var grantsPerConnection = 5000

    @Option(help: "A GetQualificationScore after every this many grants.")
    var readEvery = 10

    @Option(help: "Letters and digits that make this run's worker ids distinct.")
    var prefix = "L"

    func validate() throws {
        guard connections > 0, grantsPerConnection > 0, readEvery > 0 else { throw ValidationError("counts must be positive") }
        guard !prefix.isEmpty, prefix.allSatisfy({ $0.isLetter || $0.isNumber }) else {
            throw ValidationError("--prefix takes letters and digits")
        }
    }
}

/// What one connection did.
struct ConnectionResult: Sendable {
    var grantLatencies: [Duration] = []
    var readLatencies: [Duration] = []
    var grantsAcknowledged = 0
    var readsAcknowledged = 0
    var readMismatches = 0
    var failures: [String: Int] = [:]
}

func percentile(_ sorted: [Duration], _ p: Double) -> Duration {
    guard !sorted.isEmpty else { return .zero }
    let rank = Int((p * Double(sorted.count)).rounded(.up)) - 1
    return sorted[min(max(rank, 0), sorted.count - 1)]
}

func ms(_ d: Duration) -> String {
    let c = d.components
    return String(format: "%.2f", Double(c.seconds) * 1000 + Double(c.attoseconds) / 1e15)
}

/// Worker ids are MTurk-shaped (A + 13 uppercase letters/digits), distinct per connection and call.
func workerId(_ prefix: String, _ connection: Int, _ n: Int) -> String {
    let body = "\(prefix)\(String(connection, radix: 36).uppercased())X\(String(n, radix: 36).uppercased())"
    return "A" + String(repeating: "0", count: max(0, 13 - body.count)) + body
}

func valueFor(_ n: Int) -> Int32 { Int32(n % 101) }

@main
struct LoadGenerator {
    static func main() async {
        let options = Options.parseOrExit()
        let credentials: AccessKey
        do { credentials = try CredentialsResolver().resolve() } catch {
            FileHandle.standardError.write(Data("qualkit-load: \(error)\n".utf8))
            exit(2)
        }
        let http = MTurkClient.makeHTTPClient(connectionsPerHost: options.connections)
        let client = MTurkClient(endpoint: options.endpoint, credentials: credentials, retry: .none, httpClient: http)

        let clock = ContinuousClock()
        let started = clock.now
        let results = await withTaskGroup(of: ConnectionResult.self, returning: [ConnectionResult].self) { group in
            for connection in 0..<options.connections {
                group.addTask { await run(connection: connection, client: client, options: options, clock: clock) }
            }
            var all: [ConnectionResult] = []
            for await r in group { all.append(r) }
            return all
        }
        let elapsed = clock.now - started
        try? await http.shutdown()

        let grants = results.flatMap(\.grantLatencies).sorted()
        let reads = results.flatMap(\.readLatencies).sorted()
        let acknowledged = results.reduce(0) { $0 + $1.grantsAcknowledged }
        let readsOK = results.reduce(0) { $0 + $1.readsAcknowledged }
        let mismatches = results.reduce(0) { $0 + $1.readMismatches }
        var failures: [String: Int] = [:]
        for r in results { failures.merge(r.failures, uniquingKeysWith: +) }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let calls = grants.count + reads.count

        print("connections \(options.connections), grants/connection \(options.grantsPerConnection), a read after every \(options.readEvery) grants")
        print(String(format: "wall %.2f s, %d calls, %.0f calls/s, %.0f grants/s", seconds, calls, Double(calls) / seconds,
                     Double(acknowledged) / seconds))
        print("grant latency ms: p50 \(ms(percentile(grants, 0.5))) p90 \(ms(percentile(grants, 0.9))) p99 \(ms(percentile(grants, 0.99))) max \(ms(grants.last ?? .zero))")
        print("read  latency ms: p50 \(ms(percentile(reads, 0.5))) p90 \(ms(percentile(reads, 0.9))) p99 \(ms(percentile(reads, 0.99))) max \(ms(reads.last ?? .zero))")
        print("grants acknowledged \(acknowledged); reads acknowledged \(readsOK); reads with a wrong value \(mismatches)")
        for (what, n) in failures.sorted(by: { $0.key < $1.key }) { print("failed: \(n) × \(what)") }
        // Machine-readable summary for run.sh.
        print("RESULT grants_acked=\(acknowledged) failures=\(failures.values.reduce(0, +)) mismatches=\(mismatches) "
            + "grants_per_s=\(Int(Double(acknowledged) / seconds)) p50_ms=\(ms(percentile(grants, 0.5))) p99_ms=\(ms(percentile(grants, 0.99)))")
        exit(failures.isEmpty && mismatches == 0 ? 0 : 1)
    }

    static func run(connection: Int, client: MTurkClient, options: Options, clock: ContinuousClock) async -> ConnectionResult {
        var result = ConnectionResult()
        result.grantLatencies.reserveCapacity(options.grantsPerConnection)
        for n in 0..<options.grantsPerConnection {
            let worker = workerId(options.prefix, connection, n)
            let start = clock.now
            do {
                _ = try await client.send(AssociateQualificationWithWorkerRequest(
                    qualificationTypeId: options.typeId, workerId: worker, integerValue: valueFor(n), sendNotification: false))
                result.grantLatencies.append(clock.now - start)
                result.grantsAcknowledged += 1
            } catch {
                result.failures[failureName(error), default: 0] += 1
                continue
            }
            if (n + 1) % options.readEvery == 0 {
                // Read back a worker granted earlier on this connection (spread over the whole range so far).
                let earlier = (n * 7919) % (n + 1)
                let readStart = clock.now
                do {
                    let score = try await client.send(GetQualificationScoreRequest(
                        qualificationTypeId: options.typeId, workerId: workerId(options.prefix, connection, earlier)))
                    result.readLatencies.append(clock.now - readStart)
                    result.readsAcknowledged += 1
                    if score.qualification.integerValue != valueFor(earlier) { result.readMismatches += 1 }
                } catch {
                    result.failures["read: " + failureName(error), default: 0] += 1
                }
            }
        }
        return result
    }

    static func failureName(_ error: any Error) -> String {
        if let e = error as? MTurkClientError {
            switch e {
            case .service(let s): return s.body.code
            default: return String(describing: e).prefix(80).description
            }
        }
        return String(describing: error).prefix(80).description
    }
}

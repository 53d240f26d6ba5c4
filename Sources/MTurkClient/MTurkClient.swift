import AsyncHTTPClient
import Foundation
import MTurkAPI
import NIOCore
import NIOHTTP1

/// A client of MTurk's requester API (or any compatible endpoint, such as `qualkit serve`): signs each call,
/// retries what is safe to retry with backoff and jitter, and turns error bodies into typed errors.
public struct MTurkClient: Sendable {
    public let endpoint: Endpoint
    public let retry: RetryPolicy
    public let timeout: TimeAmount
    private let signer: SigV4Signer
    private let http: HTTPClient

    public init(endpoint: Endpoint, credentials: AccessKey, retry: RetryPolicy = RetryPolicy(),
                timeout: TimeAmount = .seconds(30), httpClient: HTTPClient = MTurkClient.sharedHTTPClient) {
        self.endpoint = endpoint
        self.retry = retry
        self.timeout = timeout
        self.signer = SigV4Signer(accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey,
                                  sessionToken: credentials.sessionToken)
        self.http = httpClient
    }

    /// The process-wide HTTP client. Failed connections are not retried inside the connection pool (which would
    /// keep trying until each request's deadline, minutes for a refused port): ``RetryPolicy`` decides, because
    /// it knows which calls are safe to repeat. Redirects are refused: a signed call must reach the host it names.
    public static let sharedHTTPClient = makeHTTPClient()

    /// An HTTP client configured as ``sharedHTTPClient`` is, keeping up to `connectionsPerHost` connections open
    /// (for callers that run more calls at once, such as a load generator). The caller shuts it down.
    public static func makeHTTPClient(connectionsPerHost: Int = 8) -> HTTPClient {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = connectionsPerHost
        configuration.timeout.connect = .seconds(10)
        configuration.redirectConfiguration = .disallow
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }

    /// Called before each retry (attempt number, the failure, the wait): for progress output.
    public typealias RetryObserver = @Sendable (Int, MTurkClientError, Duration) -> Void

    /// Sends one request, retrying throttling, service faults, 5xx and connection errors when that is safe.
    public func send<R: MTurkRequest>(_ request: R, onRetry: RetryObserver? = nil) async throws(MTurkClientError) -> R.Response {
        let body: [UInt8]
        do { body = Array(try MTurkProtocol.encoder().encode(request)) } catch {
            throw .encoding(String(describing: error))
        }
        var attempt = 1
        while true {
            do {
                return try await sendOnce(R.self, body: body)
            } catch {
                let failure: RetryPolicy.Failure
                switch error {
                case .service(let e): failure = .service(type: e.body.code, status: e.httpStatus)
                case .transport: failure = .transport
                default: throw error
                }
                switch retry.decide(afterAttempt: attempt, failure: failure, idempotent: R.operation.isIdempotent,
                                    random: { Double.random(in: 0..<1) }) {
                case .giveUp:
                    if !R.operation.isIdempotent, RetryPolicy.isRetryable(failure), case .transport = failure {
                        throw .ambiguous(operation: R.operation, underlying: error.description)
                    }
                    if !R.operation.isIdempotent, case .service(_, let status) = failure, status >= 500 {
                        throw .ambiguous(operation: R.operation, underlying: error.description)
                    }
                    throw error
                case .retry(let delay):
                    onRetry?(attempt, error, delay)
                    try? await Task.sleep(for: delay)
                    attempt += 1
                }
            }
        }
    }

    private func sendOnce<R: MTurkRequest>(_: R.Type, body: [UInt8]) async throws(MTurkClientError) -> R.Response {
        let url = endpoint.url
        let host = url.port.map { "\(url.host ?? ""):\($0)" } ?? (url.host ?? "")
        let path = url.path.isEmpty ? "/" : url.path
        let headers = signer.sign(method: "POST", path: path, headers: [
            ("Host", host), ("Content-Type", MTurkProtocol.contentType), ("X-Amz-Target", R.operation.target),
        ], body: body, date: Date())
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = .POST
        for (name, value) in headers where name != "Host" { request.headers.add(name: name, value: value) }
        request.headers.add(name: "User-Agent", value: "qualkit/0.1")
        request.body = .bytes(ByteBuffer(bytes: body))
        let status: Int
        let data: ByteBuffer
        do {
            let response = try await http.execute(request, timeout: timeout)
            status = Int(response.status.code)
            data = try await response.body.collect(upTo: 32 << 20)
        } catch {
            throw .transport(String(describing: error))
        }
        let bytes = Data(data.readableBytesView)
        guard (200..<300).contains(status) else {
            let body = (try? JSONDecoder().decode(MTurkErrorBody.self, from: bytes))
                ?? MTurkErrorBody(type: status >= 500 ? "ServiceFault" : "HTTP\(status)",
                                  message: String(decoding: bytes.prefix(500), as: UTF8.self))
            throw .service(MTurkServiceError(body: body, httpStatus: status))
        }
        do {
            return try MTurkProtocol.decoder().decode(R.Response.self, from: bytes.isEmpty ? Data("{}".utf8) : bytes)
        } catch {
            throw .decoding("\(R.operation.rawValue): \(error)")
        }
    }

    /// Every page of a list call, following NextToken.
    public func pages<R: PaginatedMTurkRequest>(_ request: R) -> AsyncThrowingStream<R.Response, any Error> {
        AsyncThrowingStream { continuation in
            let task = Task {
                var next = request
                do {
                    while true {
                        let page = try await self.send(next)
                        continuation.yield(page)
                        guard let token = page.nextToken, !token.isEmpty else { break }
                        next.nextToken = token
                    }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    /// Every item of a list call, across pages.
    public func all<R: PaginatedMTurkRequest>(_ request: R) async throws -> [R.Response.Item] {
        var items: [R.Response.Item] = []
        for try await page in pages(request) { items += page.items }
        return items
    }
}

public enum MTurkClientError: Error, Sendable, CustomStringConvertible {
    /// The service answered with an error.
    case service(MTurkServiceError)
    /// No answer: connection refused, reset, timed out.
    case transport(String)
    /// A non-idempotent call (CreateQualificationType) failed in a way that does not tell whether it took effect.
    case ambiguous(operation: MTurkOperation, underlying: String)
    case encoding(String)
    case decoding(String)

    public var description: String {
        switch self {
        case .service(let e): e.description
        case .transport(let m): "could not reach the endpoint: \(m)"
        case .ambiguous(let op, let m): "\(op.rawValue) may or may not have taken effect: \(m)"
        case .encoding(let m): "could not encode the request: \(m)"
        case .decoding(let m): "unexpected response: \(m)"
        }
    }

    public var serviceError: MTurkServiceError? {
        if case .service(let e) = self { e } else { nil }
    }
}

import Foundation
import HTTPTypes
import Hummingbird
import Logging
import MTurkAPI
import NIOCore

/// `qualkit serve`: MTurk's requester API (JSON 1.1 over `POST /`, SigV4) on top of a `QualificationStore`.
public struct QualificationServer: Sendable {
    public struct Options: Sendable {
        public var host: String = "127.0.0.1"
        public var port: Int = 8765
        /// Share of requests answered with ThrottlingException (0…1), to test clients' retries.
        public var simulateThrottling: Double = 0
        public var maxSkew: TimeInterval = 300
        public init() {}
    }

    public let store: any QualificationStore
    public let options: Options
    public let logger: Logger

    public init(store: any QualificationStore, options: Options = Options(), logger: Logger = Logger(label: "qualkit.serve")) {
        self.store = store
        self.options = options
        self.logger = logger
    }

    /// The router; exposed so tests can drive the server in process.
    public func router() -> Router<BasicRequestContext> {
        let service = RequesterService(store: store)
        let keys = AccessKeyCache(store: store)
        let verifier = SigV4Verifier(maxSkew: options.maxSkew)
        let throttling = options.simulateThrottling
        let logger = self.logger
        let router = Router()
        router.post("/") { request, context -> Response in
            let body = try await request.body.collect(upTo: 1 << 20)
            let bytes = Array(body.readableBytesView)
            var headers = request.headers.map { ($0.name.canonicalName, $0.value) }
            // HTTP/1 `Host` arrives as the request's authority, not as a header field: it is signed, so put it back.
            if let authority = request.head.authority, !headers.contains(where: { $0.0 == "host" }) {
                headers.append(("host", authority))
            }
            func reply(_ status: Int, _ data: Data) -> Response {
                var fields = HTTPFields()
                fields[.contentType] = MTurkProtocol.contentType
                fields[HTTPField.Name("x-amzn-RequestId")!] = UUID().uuidString.lowercased()
                return Response(status: .init(code: status), headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: data)))
            }
            func fail(_ e: ServiceError) -> Response { reply(e.status, e.body.encoded()) }
            let target = request.headers[HTTPField.Name("x-amz-target")!] ?? ""
            guard let operation = MTurkOperation(target: target) else {
                return fail(ServiceError(status: 400, body: MTurkErrorBody(type: "UnknownOperationException",
                                                                          message: "Unknown X-Amz-Target \"\(target)\"; qualkit serve implements the qualification operations.")))
            }
            // Verify the signature against the keys the server manages.
            var secretFound: StoredAccessKey?
            let accessKeyId = Self.accessKeyId(in: request.headers[.authorization])
            if let accessKeyId { secretFound = try await keys.lookup(accessKeyId) }
            let verified = verifier.verify(method: "POST", path: request.uri.path, query: request.uri.query ?? "", headers: headers,
                                           body: bytes, now: Date(), secretFor: { id in id == secretFound?.accessKeyId ? secretFound?.secret : nil })
            guard case .success = verified, let key = secretFound else {
                if case .failure(let f) = verified {
                    logger.notice("refused \(operation.rawValue): \(f.errorBody.type) for key \(accessKeyId ?? "-")")
                    return reply(f.httpStatus, f.errorBody.encoded())
                }
                return reply(400, SigV4Verifier.Failure.unknownAccessKey(accessKeyId ?? "").errorBody.encoded())
            }
            if throttling > 0, Double.random(in: 0..<1) < throttling {
                return fail(.throttled)
            }
            do {
                let data = try await service.handle(operation, body: Data(bytes), requester: key.requester)
                logger.debug("\(operation.rawValue) ok for \(key.accessKeyId)")
                return reply(200, data)
            } catch let error as ServiceError {
                if error.status >= 500 { logger.error("\(operation.rawValue) failed: \(error.body.message)") }
                return fail(error)
            } catch {
                logger.error("\(operation.rawValue) failed: \(error)")
                return fail(.fault("internal error"))
            }
        }
        router.get("/health") { _, _ in "ok" }
        // Browsers ask for an icon on every portal page; "no content" keeps a 404 out of their consoles.
        router.get("/favicon.ico") { _, _ in Response(status: .noContent) }
        Self.addPortal(to: router, portal: WorkerPortal(store: store), logger: logger)
        return router
    }

    /// The worker portal's pages (HTML, no JavaScript).
    static func addPortal(to router: Router<BasicRequestContext>, portal: WorkerPortal, logger: Logger) {
        @Sendable func html(_ page: PortalPage) -> Response {
            var fields = HTTPFields()
            fields[.contentType] = "text/html; charset=utf-8"
            fields[.cacheControl] = "no-store"
            fields[HTTPField.Name("Content-Security-Policy")!] =
                "default-src 'none'; style-src 'unsafe-inline'; img-src http: https: data:; form-action 'self'; frame-ancestors 'none'"
            fields[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
            return Response(status: .init(code: page.status), headers: fields, body: .init(byteBuffer: ByteBuffer(string: page.html)))
        }
        @Sendable func guarded(_ work: () async throws -> PortalPage) async -> Response {
            do { return html(try await work()) } catch let e as PortalError {
                return html(e.page)
            } catch {
                logger.error("portal failed: \(error)")
                return html(PortalError(status: 500, message: "Something went wrong on the server. Try again in a moment.").page)
            }
        }
        @Sendable func query(_ request: Request) -> [String: String] {
            Dictionary(FormFields.parse(request.uri.query ?? "").map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a })
        }
        @Sendable func form(_ request: Request) async throws -> [(name: String, value: String)] {
            let body = try await request.body.collect(upTo: 1 << 20)
            return FormFields.parse(String(decoding: body.readableBytesView, as: UTF8.self))
        }
        @Sendable func single(_ fields: [(name: String, value: String)]) -> [String: String] {
            Dictionary(fields.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a })
        }
        router.get("/worker") { _, _ in await guarded { try await portal.typeList() } }
        router.get("/worker/types/:id") { request, context in
            let id = context.parameters.get("id") ?? ""
            return await guarded { try await portal.typePage(typeId: id, fields: query(request)) }
        }
        router.post("/worker/types/:id/start") { request, context in
            let id = context.parameters.get("id") ?? ""
            return await guarded { try await portal.start(typeId: id, fields: single(try await form(request))) }
        }
        router.post("/worker/types/:id/request") { request, context in
            let id = context.parameters.get("id") ?? ""
            return await guarded { try await portal.request(typeId: id, fields: single(try await form(request))) }
        }
        router.post("/worker/types/:id/submit") { request, context in
            let id = context.parameters.get("id") ?? ""
            return await guarded { try await portal.submit(typeId: id, fields: try await form(request)) }
        }
    }

    static func accessKeyId(in authorization: String?) -> String? {
        guard let authorization, let range = authorization.range(of: "Credential=") else { return nil }
        let rest = authorization[range.upperBound...]
        return rest.split(separator: "/").first.map(String.init)
    }

    /// Runs until cancelled (or SIGINT/SIGTERM); `onListening` gets the bound port (useful with port 0).
    public func run(onListening: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let app = Application(
            router: router(),
            configuration: .init(address: .hostname(options.host, port: options.port), serverName: "qualkit"),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? 0) },
            logger: logger)
        try await app.runService()
    }
}

import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Logging
import MTurkAPI
@testable import QualKitServer
import Testing

/// The real HTTP server on 127.0.0.1 and a free port, driven with SigV4-signed requests; stopped at the end.
@Suite("HTTP over loopback")
struct LoopbackTests {
    final class Running: Sendable {
        let task: Task<Void, any Error>
        let port: Int
        let fixture: Fixture
        let key: StoredAccessKey
        init(task: Task<Void, any Error>, port: Int, fixture: Fixture, key: StoredAccessKey) {
            self.task = task
            self.port = port
            self.fixture = fixture
            self.key = key
        }
        func stop() async {
            task.cancel()
            _ = try? await task.value
            fixture.remove()
        }
    }

    static func start(throttling: Double = 0) async throws -> Running {
        let f = try Fixture()
        let key = AccessKeyFactory.make(label: "loopback test")
        try await f.store.createAccessKey(key)
        var options = QualificationServer.Options()
        options.port = 0
        options.simulateThrottling = throttling
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let server = QualificationServer(store: f.store, options: options, logger: logger)
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let task = Task { try await server.run { port in continuation.yield(port) } }
        var port = 0
        for await p in ports { port = p; break }
        #expect(port > 0)
        return Running(task: task, port: port, fixture: f, key: key)
    }

    struct Reply {
        var status: Int
        var body: Data
        var error: MTurkErrorBody? { try? JSONDecoder().decode(MTurkErrorBody.self, from: body) }
    }

    static func send(_ r: Running, _ operation: MTurkOperation, _ json: String, secret: String? = nil, date: Date = Date(),
                     tamper: ((inout [(String, String)], inout [UInt8]) -> Void)? = nil) async throws -> Reply {
        var body = Array(json.utf8)
        var headers = SigV4Signer(accessKeyId: r.key.accessKeyId, secretAccessKey: secret ?? r.key.secret).sign(
            method: "POST", path: "/", headers: [("Host", "127.0.0.1:\(r.port)"), ("Content-Type", MTurkProtocol.contentType),
                                                 ("X-Amz-Target", operation.target)],
            body: body, date: date)
        tamper?(&headers, &body)
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(r.port)/")!)
        request.httpMethod = "POST"
        for (name, value) in headers where name.lowercased() != "host" { request.setValue(value, forHTTPHeaderField: name) }
        request.httpBody = Data(body)
        let (data, response) = try await URLSession.shared.data(for: request)
        return Reply(status: (response as! HTTPURLResponse).statusCode, body: data)
    }

    @Test func signedRequestsWorkAndBadOnesAreRefused() async throws {
        let r = try await Self.start()
        defer { Task { await r.stop() } }
        let create = try await Self.send(r, .createQualificationType, #"{"Name":"Loop","Description":"d","QualificationTypeStatus":"Active"}"#)
        #expect(create.status == 200, "\(String(decoding: create.body, as: UTF8.self))")
        let type = try MTurkProtocol.decoder().decode(QualificationTypeResponse.self, from: create.body).qualificationType
        #expect(type.name == "Loop")

        let wrong = try await Self.send(r, .getQualificationType, #"{"QualificationTypeId":"\#(type.qualificationTypeId)"}"#, secret: "not-the-secret")
        #expect(wrong.status == 403 && wrong.error?.type == "InvalidSignatureException")

        let tampered = try await Self.send(r, .getQualificationType, #"{"QualificationTypeId":"\#(type.qualificationTypeId)"}"#) { _, body in
            body = Array(#"{"QualificationTypeId":"3XXXXXXXXXXXXXXXXXXXXXXXXXXXXX"}"#.utf8)
        }
        #expect(tampered.status == 403 && tampered.error?.type == "InvalidSignatureException")

        let old = try await Self.send(r, .getQualificationType, #"{"QualificationTypeId":"\#(type.qualificationTypeId)"}"#,
                                      date: Date().addingTimeInterval(-600))
        #expect(old.status == 403 && (old.error?.message.contains("Signature expired") ?? false))

        let unsigned = try await Self.send(r, .getQualificationType, "{}") { headers, _ in headers.removeAll { $0.0 == "Authorization" } }
        #expect(unsigned.status == 403 && unsigned.error?.type == "MissingAuthenticationTokenException")

        let unknownKey = try await Self.send(r, .getQualificationType, "{}") { headers, _ in
            headers = headers.map { $0.0 == "Authorization" ? ($0.0, $0.1.replacingOccurrences(of: r.key.accessKeyId, with: "QKIAUNKNOWNKEY000000")) : $0 }
        }
        #expect(unknownKey.status == 400 && unknownKey.error?.type == "UnrecognizedClientException")

        let missing = try await Self.send(r, .getQualificationType, #"{"QualificationTypeId":"3NOSUCH"}"#)
        #expect(missing.status == 400 && missing.error?.type == "RequestError"
                && missing.error?.turkErrorCode == TurkErrorCode.qualificationTypeDoesNotExist)

        let notJSON = try await Self.send(r, .getQualificationType, "{not json")
        #expect(notJSON.status == 400 && notJSON.error?.type == "ParameterValidationError")

        // Revoked keys stop working.
        let second = AccessKeyFactory.make(label: "revoked")
        try await r.fixture.store.createAccessKey(second)
        #expect(try await r.fixture.store.revokeAccessKey(id: second.accessKeyId))
        let revoked = try await Self.send(r, .getQualificationType, "{}") { headers, body in
            headers = SigV4Signer(accessKeyId: second.accessKeyId, secretAccessKey: second.secret).sign(
                method: "POST", path: "/", headers: [("Host", "127.0.0.1:\(r.port)"), ("X-Amz-Target", MTurkOperation.getQualificationType.target)],
                body: body, date: Date())
        }
        #expect(revoked.status == 400 && revoked.error?.type == "UnrecognizedClientException")
    }

    @Test func concurrentGrantsAreAllKept() async throws {
        let r = try await Self.start()
        defer { Task { await r.stop() } }
        let create = try await Self.send(r, .createQualificationType, #"{"Name":"Many","Description":"d","QualificationTypeStatus":"Active"}"#)
        let id = try MTurkProtocol.decoder().decode(QualificationTypeResponse.self, from: create.body).qualificationType.qualificationTypeId
        try await withThrowingTaskGroup(of: Int.self) { group in
            for i in 0..<60 {
                group.addTask {
                    try await Self.send(r, .associateQualificationWithWorker,
                                        #"{"QualificationTypeId":"\#(id)","WorkerId":"A\#(i)CONC","IntegerValue":\#(i),"SendNotification":false}"#).status
                }
            }
            for try await status in group { #expect(status == 200) }
        }
        let page = try await r.fixture.store.qualifications(typeId: id, granted: true, after: nil, limit: 100)
        #expect(page.items.count == 60)
    }

    @Test func simulatedThrottlingAnswersLikeMTurk() async throws {
        let r = try await Self.start(throttling: 1)
        defer { Task { await r.stop() } }
        let reply = try await Self.send(r, .listQualificationTypes, #"{"MustBeRequestable":false}"#)
        #expect(reply.status == 400 && reply.error?.type == "ThrottlingException" && reply.error?.message == "Rate exceeded")
        #expect(MTurkServiceError(body: try #require(reply.error), httpStatus: reply.status).kind == .throttling)
    }

    @Test func portalPagesAreServed() async throws {
        let r = try await Self.start()
        defer { Task { await r.stop() } }
        let (data, response) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(r.port)/worker")!)
        #expect((response as! HTTPURLResponse).statusCode == 200)
        #expect(String(decoding: data, as: UTF8.self).contains("Qualification tests"))
        let (_, bad) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(r.port)/worker/types/3NOSUCH?w=A1&e=1&t=x")!)
        #expect((bad as! HTTPURLResponse).statusCode == 404)
    }
}

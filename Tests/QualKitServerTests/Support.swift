import Foundation
import MTurkAPI
import QualKit
@testable import QualKitServer
import QualKitTestSupport
import Testing

/// A clock tests move by hand.
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current = Date(timeIntervalSince1970: 1_790_000_000)
    var now: Date { lock.withLock { current } }
    func advance(_ seconds: TimeInterval) { lock.withLock { current = current.addingTimeInterval(seconds) } }
}

/// A fresh SQLite store in a temporary directory, the requester service and the portal on a shared test clock.
struct Fixture {
    let directory: URL
    let store: SQLiteStore
    let clock = TestClock()
    var service: RequesterService
    var portal: WorkerPortal

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("qualkit-server-\(UUID().uuidString)")
        store = try SQLiteStore(path: directory.appendingPathComponent("q.sqlite").path)
        let clock = self.clock
        service = RequesterService(store: store, now: { clock.now })
        portal = WorkerPortal(store: store, now: { clock.now })
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }

    /// Calls an operation the way the HTTP layer does (JSON body in, JSON body out).
    func call<R: MTurkRequest>(_ request: R, as requester: String = "default") async throws -> R.Response {
        let body = try MTurkProtocol.encoder().encode(request)
        let data = try await service.handle(R.operation, body: body, requester: requester)
        return try MTurkProtocol.decoder().decode(R.Response.self, from: data)
    }

    /// The error an operation answers with (a test failure when it succeeds).
    func failure<R: MTurkRequest>(_ request: R, as requester: String = "default",
                                  sourceLocation: Testing.SourceLocation = #_sourceLocation) async -> MTurkErrorBody? {
        do {
            _ = try await call(request, as: requester)
            Issue.record("\(R.operation.rawValue) succeeded but should have failed", sourceLocation: sourceLocation)
            return nil
        } catch let e as ServiceError {
            #expect(e.status == 400, sourceLocation: sourceLocation)
            return e.body
        } catch {
            Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
            return nil
        }
    }

    func createType(_ name: String = "Type \(UUID().uuidString.prefix(8))", test: String? = nil, key: String? = nil,
                    duration: Int64? = nil, retry: Int64? = nil, autoGranted: Bool? = nil, as requester: String = "default") async throws -> QualificationType {
        try await call(CreateQualificationTypeRequest(name: name, description: "A test type", qualificationTypeStatus: .active,
                                                      retryDelayInSeconds: retry, test: test, answerKey: key,
                                                      testDurationInSeconds: duration ?? (test == nil ? nil : 600), autoGranted: autoGranted),
                       as: requester).qualificationType
    }

    /// A signed link's fields for a worker.
    func link(_ typeId: String, _ worker: String, expiresIn: TimeInterval = 86400 * 90) async throws -> [String: String] {
        let e = Int64(clock.now.addingTimeInterval(expiresIn).timeIntervalSince1970)
        return ["w": worker, "e": String(e), "t": WorkerLink.token(key: try await store.linkKey(), typeId: typeId, workerId: worker, expires: e)]
    }
}

enum Samples {
    static func text(_ path: String) throws -> String { try RepositoryFiles.text(path) }

    /// The form fields a worker would post to give `answersFile`'s answers to `form`.
    static func fields(for answersFile: String, form formText: String) throws -> [(name: String, value: String)] {
        let form = try #require(MTurkDocuments.questionForm(Array(formText.utf8)).value)
        let answers = try #require(MTurkDocuments.answers(try RepositoryFiles.bytes(answersFile)).value)
        var out: [(name: String, value: String)] = []
        for a in answers.answers {
            let i = try #require(form.questions.firstIndex { $0.identifier == a.questionIdentifier })
            switch form.questions[i].answer {
            case .selection(let s):
                for id in a.selectionIdentifiers {
                    out.append(("q\(i).sel", String(try #require(s.selections.firstIndex { $0.identifier == id }))))
                }
                if let other = a.otherSelectionText { out.append(("q\(i).other", other)) }
            case .freeText:
                out.append(("q\(i).text", a.freeText ?? ""))
            case .fileUpload:
                break
            }
        }
        return out
    }
}

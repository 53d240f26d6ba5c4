import Foundation
import MTurkAPI
import QualKit
@testable import QualKitServer
import Testing

@Suite("Worker portal (in process)")
struct PortalTests {
    static let form = "SampleForms/en-fr-meaning/form.xml"
    static let key = "SampleForms/en-fr-meaning/answer-key.xml"

    @Test func gradedTestGrantsTheScoredValueAndHonoursRetryDelay() async throws {
        let f = try Fixture()
        defer { f.remove() }
        let form = try Samples.text(Self.form)
        let t = try await f.createType("graded", test: form, key: try Samples.text(Self.key), duration: 900, retry: 86400)
        let id = t.qualificationTypeId
        let link = try await f.link(id, "A1EXPERTFR0001")
        let page = try await f.portal.typePage(typeId: id, fields: link)
        #expect(page.status == 200 && page.html.contains("Start the test"))
        let started = try await f.portal.start(typeId: id, fields: link)
        #expect(started.status == 200 && started.html.contains("q0.sel") && started.html.contains("name=\"attempt\""))
        let attempt = try #require(try await f.store.lastAttempt(typeId: id, workerId: "A1EXPERTFR0001"))
        f.clock.advance(120)
        var fields = link.map { (name: $0.key, value: $0.value) } + [("attempt", attempt.id)]
        fields += try Samples.fields(for: "SampleForms/en-fr-meaning/answers/A1EXPERTFR0001.xml", form: form)
        let result = try await f.portal.submit(typeId: id, fields: fields)
        #expect(result.status == 200 && result.html.contains("value 100"), "\(result.html)")
        let q = try await f.call(GetQualificationScoreRequest(qualificationTypeId: id, workerId: "A1EXPERTFR0001")).qualification
        #expect(q.integerValue == 100 && q.status == .granted)
        // Graded requests are not pending.
        #expect(try await f.call(ListQualificationRequestsRequest(qualificationTypeId: id)).numResults == 0)
        // The answers are stored verbatim.
        let stored = try #require(try await f.store.lastRequest(typeId: id, workerId: "A1EXPERTFR0001"))
        let parsed = try #require(MTurkDocuments.answers(Array((stored.answer ?? "").utf8)).value)
        #expect(parsed.answers.count == 8 && stored.test == form && stored.state == .accepted)
        // Submitting the same attempt again is refused.
        await #expect(throws: PortalError.self) { try await f.portal.submit(typeId: id, fields: fields) }
        // RetryDelayInSeconds: refused for a day, then allowed.
        f.clock.advance(3600)
        #expect(try await f.portal.start(typeId: id, fields: link).status == 409)
        f.clock.advance(86400)
        #expect(try await f.portal.start(typeId: id, fields: link).status == 200)
    }

    @Test func partialAnswersAreGradedWithTheirValue() async throws {
        let f = try Fixture()
        defer { f.remove() }
        let form = try Samples.text(Self.form)
        let id = try await f.createType("graded2", test: form, key: try Samples.text(Self.key), duration: 900).qualificationTypeId
        let link = try await f.link(id, "A2CLOSEFR00002")
        _ = try await f.portal.start(typeId: id, fields: link)
        let attempt = try #require(try await f.store.lastAttempt(typeId: id, workerId: "A2CLOSEFR00002"))
        let fields = link.map { (name: $0.key, value: $0.value) } + [("attempt", attempt.id)]
            + (try Samples.fields(for: "SampleForms/en-fr-meaning/answers/A2CLOSEFR00002.xml", form: form))
        _ = try await f.portal.submit(typeId: id, fields: fields)
        #expect(try await f.store.qualification(typeId: id, workerId: "A2CLOSEFR00002")?.value == 67)
        // No RetryDelayInSeconds: one attempt ever.
        f.clock.advance(86400 * 30)
        let again = try await f.portal.start(typeId: id, fields: link)
        #expect(again.status == 409 && again.html.contains("one attempt"))
    }

    @Test func missingRequiredAnswersAreShownNextToTheQuestion() async throws {
        let f = try Fixture()
        defer { f.remove() }
        let form = try Samples.text(Self.form)
        let id = try await f.createType("required", test: form, key: try Samples.text(Self.key), duration: 900).qualificationTypeId
        let link = try await f.link(id, "A3W")
        _ = try await f.portal.start(typeId: id, fields: link)
        let attempt = try #require(try await f.store.lastAttempt(typeId: id, workerId: "A3W"))
        let page = try await f.portal.submit(typeId: id, fields: link.map { (name: $0.key, value: $0.value) } + [("attempt", attempt.id)])
        #expect(page.status == 422 && page.html.contains("need"))
        #expect(try await f.store.lastRequest(typeId: id, workerId: "A3W") == nil)
        #expect(try await f.store.qualification(typeId: id, workerId: "A3W") == nil)
    }

    @Test func theClockRunsFromTheStart() async throws {
        let f = try Fixture()
        defer { f.remove() }
        let form = try Samples.text(Self.form)
        let id = try await f.createType("timed", test: form, key: try Samples.text(Self.key), duration: 60, retry: 0).qualificationTypeId
        let link = try await f.link(id, "A4SLOW")
        _ = try await f.portal.start(typeId: id, fields: link)
        let attempt = try #require(try await f.store.lastAttempt(typeId: id, workerId: "A4SLOW"))
        f.clock.advance(30)
        // Reloading resumes the same attempt (the clock does not restart).
        _ = try await f.portal.start(typeId: id, fields: link)
        #expect(try await f.store.lastAttempt(typeId: id, workerId: "A4SLOW")?.id == attempt.id)
        f.clock.advance(40)
        let fields = link.map { (name: $0.key, value: $0.value) } + [("attempt", attempt.id)]
            + (try Samples.fields(for: "SampleForms/en-fr-meaning/answers/A1EXPERTFR0001.xml", form: form))
        do {
            _ = try await f.portal.submit(typeId: id, fields: fields)
            Issue.record("a late submission must be refused")
        } catch let e as PortalError {
            #expect(e.status == 409 && e.message.contains("ran out"))
        }
        #expect(try await f.store.qualification(typeId: id, workerId: "A4SLOW") == nil)
        #expect(try await f.store.attempt(id: attempt.id)?.state == .expired)
    }

    @Test func testWithoutKeyMakesAPendingRequestTheRequesterDecides() async throws {
        let f = try Fixture()
        defer { f.remove() }
        let form = try Samples.text(Self.form)
        let id = try await f.createType("manual", test: form, duration: 900).qualificationTypeId
        for worker in ["A1EXPERTFR0001", "A2CLOSEFR00002"] {
            let link = try await f.link(id, worker)
            _ = try await f.portal.start(typeId: id, fields: link)
            let attempt = try #require(try await f.store.lastAttempt(typeId: id, workerId: worker))
            let fields = link.map { (name: $0.key, value: $0.value) } + [("attempt", attempt.id)]
                + (try Samples.fields(for: "SampleForms/en-fr-meaning/answers/\(worker).xml", form: form))
            let page = try await f.portal.submit(typeId: id, fields: fields)
            #expect(page.html.contains("requester will review"))
            f.clock.advance(1)
        }
        let list = try await f.call(ListQualificationRequestsRequest(qualificationTypeId: id))
        let requests = try #require(list.qualificationRequests)
        #expect(requests.map(\.workerId) == ["A1EXPERTFR0001", "A2CLOSEFR00002"])
        #expect(requests.allSatisfy { $0.test == form && ($0.answer ?? "").contains("<QuestionFormAnswers") })
        _ = try await f.call(AcceptQualificationRequestRequest(qualificationRequestId: requests[0].qualificationRequestId, integerValue: 90))
        _ = try await f.call(RejectQualificationRequestRequest(qualificationRequestId: requests[1].qualificationRequestId, reason: "too many mistakes"))
        #expect(try await f.store.qualification(typeId: id, workerId: "A1EXPERTFR0001")?.value == 90)
        #expect(try await f.store.qualification(typeId: id, workerId: "A2CLOSEFR00002") == nil)
        #expect(try await f.store.notifications(workerId: "A2CLOSEFR00002").contains { $0.message == "too many mistakes" })
        #expect(try await f.call(ListQualificationRequestsRequest()).numResults == 0)
        let twice = await f.failure(AcceptQualificationRequestRequest(qualificationRequestId: requests[0].qualificationRequestId))
        #expect(twice?.turkErrorCode == TurkErrorCode.invalidQualificationRequestState)
        let unknown = await f.failure(RejectQualificationRequestRequest(qualificationRequestId: "3NOSUCHREQUEST"))
        #expect(unknown?.turkErrorCode == TurkErrorCode.qualificationRequestDoesNotExist)
        // The worker sees the requester's message on the type page.
        let page = try await f.portal.typePage(typeId: id, fields: try await f.link(id, "A2CLOSEFR00002"))
        #expect(page.html.contains("too many mistakes"))
    }

    @Test func autoGrantedTypesGrantOnRequest() async throws {
        let f = try Fixture()
        defer { f.remove() }
        let id = try await f.call(CreateQualificationTypeRequest(name: "auto", description: "d", qualificationTypeStatus: .active,
                                                                 autoGranted: true, autoGrantedValue: 42)).qualificationType.qualificationTypeId
        let page = try await f.portal.request(typeId: id, fields: try await f.link(id, "A5AUTO"))
        #expect(page.html.contains("value 42"))
        #expect(try await f.call(GetQualificationScoreRequest(qualificationTypeId: id, workerId: "A5AUTO")).qualification.integerValue == 42)
    }

    @Test func linksAreBoundToWorkerTypeAndTime() async throws {
        let f = try Fixture()
        defer { f.remove() }
        let id = try await f.createType("links").qualificationTypeId
        let other = try await f.createType("links2").qualificationTypeId
        var link = try await f.link(id, "A6W", expiresIn: 3600)
        #expect(try await f.portal.typePage(typeId: id, fields: link).status == 200)
        func refused(_ typeId: String, _ fields: [String: String]) async throws -> Int? {
            do { _ = try await f.portal.typePage(typeId: typeId, fields: fields); return nil } catch let e as PortalError { return e.status }
        }
        #expect(try await refused(other, link) == 403)  // another type
        var impostor = link
        impostor["w"] = "A7OTHER"
        #expect(try await refused(id, impostor) == 403)  // another worker
        var longer = link
        longer["e"] = String(Int64(longer["e"]!)! + 86400)
        #expect(try await refused(id, longer) == 403)  // a changed expiry
        #expect(try await refused(id, ["w": "A6W"]) == 403)  // no token on a closed type
        f.clock.advance(3601)
        #expect(try await refused(id, link) == 403)  // expired
        link = try await f.link(id, "A6W")
        #expect(try await f.portal.typePage(typeId: id, fields: link).status == 200)
        // Open types take a typed worker ID.
        _ = try await f.store.setOpen(typeId: id, open: true)
        #expect(try await f.portal.typePage(typeId: id, fields: ["w": "A8TYPED"]).status == 200)
        #expect(try await refused(id, ["w": "not-a-worker"]) == 400)
        #expect(try await f.portal.typeList().html.contains("links"))
    }
}

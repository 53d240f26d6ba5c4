import Foundation
import MTurkAPI
@testable import QualKitServer
import Testing

@Suite("Requester API rules (in process)")
struct ServiceRulesTests {
    @Test func createGetAndDefaults() async throws {
        let f = try Fixture()
        defer { f.remove() }
        let t = try await f.call(CreateQualificationTypeRequest(name: "English", keywords: "en, test", description: "d",
                                                                qualificationTypeStatus: .active)).qualificationType
        #expect(MTurkLimits.isValidTypeId(t.qualificationTypeId) && t.qualificationTypeId.count == 30)
        #expect(t.creationTime == f.clock.now)
        #expect(t.isRequestable == true && t.autoGranted == false && t.autoGrantedValue == nil && t.test == nil)
        let got = try await f.call(GetQualificationTypeRequest(qualificationTypeId: t.qualificationTypeId)).qualificationType
        #expect(got == t)
        let auto = try await f.call(CreateQualificationTypeRequest(name: "Auto", description: "d", qualificationTypeStatus: .inactive,
                                                                   autoGranted: true)).qualificationType
        #expect(auto.autoGrantedValue == 1 && auto.isRequestable == false && auto.qualificationTypeStatus == .inactive)
    }

    @Test func namesAreUniquePerRequester() async throws {
        let f = try Fixture()
        defer { f.remove() }
        _ = try await f.createType("Same name")
        let e = await f.failure(CreateQualificationTypeRequest(name: "Same name", description: "d", qualificationTypeStatus: .active))
        #expect(e?.type == "RequestError" && e?.turkErrorCode == TurkErrorCode.qualificationTypeAlreadyExists)
        #expect(e?.message.hasPrefix("You have already created a QualificationType with this name.") == true)
        // Another requester may use the name.
        _ = try await f.createType("Same name", as: "other-lab")
    }

    @Test func testRules() async throws {
        let f = try Fixture()
        defer { f.remove() }
        let form = try Samples.text("SampleForms/en-fr-meaning/form.xml")
        let key = try Samples.text("SampleForms/en-fr-meaning/answer-key.xml")
        let noDuration = await f.failure(CreateQualificationTypeRequest(name: "a", description: "d", qualificationTypeStatus: .active, test: form))
        #expect(noDuration?.type == "ParameterValidationError" && noDuration?.parameter == "TestDurationInSeconds")
        let keyOnly = await f.failure(CreateQualificationTypeRequest(name: "b", description: "d", qualificationTypeStatus: .active, answerKey: key))
        #expect(keyOnly?.parameter == "AnswerKey")
        let auto = await f.failure(CreateQualificationTypeRequest(name: "c", description: "d", qualificationTypeStatus: .active, test: form,
                                                                  testDurationInSeconds: 60, autoGranted: true))
        #expect(auto?.parameter == "Test" && auto?.turkErrorCode == TurkErrorCode.invalidParameterValue)
        let ok = try await f.createType("d", test: form, key: key, duration: 900)
        #expect(ok.test == form && ok.answerKey == key && ok.testDurationInSeconds == 900)
    }

    @Test func invalidDocumentsAreRefusedWithDiagnostics() async throws {
        let f = try Fixture()
        defer { f.remove() }
        let broken = try Samples.text("SampleForms/broken/missing-namespace.xml")
        let e = await f.failure(CreateQualificationTypeRequest(name: "x", description: "d", qualificationTypeStatus: .active, test: broken,
                                                               testDurationInSeconds: 60))
        #expect(e?.type == "ParameterValidationError" && e?.parameter == "Test")
        let message: String = e?.message ?? ""
        #expect(message.contains("is not valid for the parameter Test"))
        #expect(message.range(of: #"Test:\d+:\d+: error\[QK\d+\]"#, options: String.CompareOptions.regularExpression) != nil, "\(message)")
        // A key naming a question the form does not have.
        let form = try Samples.text("SampleForms/en-fr-meaning/form.xml")
        let key = try Samples.text("SampleForms/en-fr-meaning/answer-key.xml").replacingOccurrences(of: "<QuestionIdentifier>pair1<", with: "<QuestionIdentifier>nosuch<")
        let k = await f.failure(CreateQualificationTypeRequest(name: "y", description: "d", qualificationTypeStatus: .active, test: form,
                                                               answerKey: key, testDurationInSeconds: 60))
        #expect(k?.parameter == "AnswerKey" && (k?.message.contains("error[QK") ?? false), "\(k?.message ?? "")")
    }

    @Test func limits() async throws {
        let f = try Fixture()
        defer { f.remove() }
        let long = await f.failure(CreateQualificationTypeRequest(name: "x", description: String(repeating: "d", count: 2001), qualificationTypeStatus: .active))
        #expect(long?.parameter == "Description")
        _ = try await f.call(CreateQualificationTypeRequest(name: "x2", description: String(repeating: "d", count: 2000), qualificationTypeStatus: .active))
        let kw = await f.failure(CreateQualificationTypeRequest(name: "x3", keywords: String(repeating: "k", count: 1001), description: "d", qualificationTypeStatus: .active))
        #expect(kw?.parameter == "Keywords")
        let form = try Samples.text("SampleForms/en-fr-meaning/form.xml")
        let huge = form.replacingOccurrences(of: "</QuestionForm>", with: "<!--" + String(repeating: "x", count: 66_000) + "--></QuestionForm>")
        let big = await f.failure(CreateQualificationTypeRequest(name: "x4", description: "d", qualificationTypeStatus: .active, test: huge, testDurationInSeconds: 60))
        #expect(big?.parameter == "Test" && (big?.message.contains("65535") ?? false), "\(big?.message.suffix(300) ?? "")")
        let badId = await f.failure(GetQualificationTypeRequest(qualificationTypeId: "3abc"))
        #expect(badId?.type == "ParameterValidationError" && badId?.parameter == "QualificationTypeId")
        let missing = await f.failure(GetQualificationTypeRequest(qualificationTypeId: "3NOSUCHTYPE"))
        #expect(missing?.type == "RequestError" && missing?.turkErrorCode == TurkErrorCode.qualificationTypeDoesNotExist)
    }

    @Test func updateSemantics() async throws {
        let f = try Fixture()
        defer { f.remove() }
        let form = try Samples.text("SampleForms/en-fr-meaning/form.xml")
        let key = try Samples.text("SampleForms/en-fr-meaning/answer-key.xml")
        let t = try await f.createType("u", test: form, key: key, duration: 900)
        let id = t.qualificationTypeId
        let d = try await f.call(UpdateQualificationTypeRequest(qualificationTypeId: id, description: "new", qualificationTypeStatus: .inactive)).qualificationType
        #expect(d.description == "new" && d.qualificationTypeStatus == .inactive && d.name == "u" && d.answerKey == key && d.test == form)
        let noTest = await f.failure(UpdateQualificationTypeRequest(qualificationTypeId: id, testDurationInSeconds: 60))
        #expect(noTest?.parameter == "TestDurationInSeconds")
        let keyAlone = await f.failure(UpdateQualificationTypeRequest(qualificationTypeId: id, answerKey: key))
        #expect(keyAlone?.parameter == "AnswerKey")
        let noDuration = await f.failure(UpdateQualificationTypeRequest(qualificationTypeId: id, test: form))
        #expect(noDuration?.parameter == "TestDurationInSeconds")
        // Resending the Test without the AnswerKey leaves a test without a key.
        let r = try await f.call(UpdateQualificationTypeRequest(qualificationTypeId: id, test: form, testDurationInSeconds: 300)).qualificationType
        #expect(r.answerKey == nil && r.testDurationInSeconds == 300 && r.test == form)
        let auto = await f.failure(UpdateQualificationTypeRequest(qualificationTypeId: id, autoGranted: true))
        #expect(auto?.parameter == "AutoGranted")
        let retry = try await f.call(UpdateQualificationTypeRequest(qualificationTypeId: id, retryDelayInSeconds: 60)).qualificationType
        #expect(retry.retryDelayInSeconds == 60)
        let notMine = await f.failure(UpdateQualificationTypeRequest(qualificationTypeId: id, description: "x"), as: "other-lab")
        #expect(notMine?.turkErrorCode == TurkErrorCode.permissionDenied)
    }

    @Test func deleteSemantics() async throws {
        let f = try Fixture()
        defer { f.remove() }
        let t = try await f.createType("gone")
        let id = t.qualificationTypeId
        _ = try await f.call(AssociateQualificationWithWorkerRequest(qualificationTypeId: id, workerId: "A1KEEP", integerValue: 5))
        // A pending request from the portal.
        _ = try await f.portal.request(typeId: id, fields: try await f.link(id, "A2PEND"))
        #expect(try await f.call(ListQualificationRequestsRequest(qualificationTypeId: id)).numResults == 1)
        _ = try await f.call(DeleteQualificationTypeRequest(qualificationTypeId: id))
        let get = await f.failure(GetQualificationTypeRequest(qualificationTypeId: id))
        #expect(get?.turkErrorCode == TurkErrorCode.qualificationTypeDoesNotExist)
        #expect(try await f.store.request(id: try #require(try await f.store.lastRequest(typeId: id, workerId: "A2PEND")).id)?.state == .rejected)
        #expect(try await f.store.qualification(typeId: id, workerId: "A1KEEP")?.granted == true)  // not revoked
        let again = await f.failure(DeleteQualificationTypeRequest(qualificationTypeId: id))
        #expect(again?.turkErrorCode == TurkErrorCode.qualificationTypeDoesNotExist)
        _ = try await f.createType("gone")  // the name is free again
        let list = try await f.call(ListQualificationTypesRequest(mustBeRequestable: false, mustBeOwnedByCaller: true))
        #expect(list.qualificationTypes?.allSatisfy { $0.qualificationTypeId != id } == true)
    }

    @Test func listingAndPagination() async throws {
        let f = try Fixture()
        defer { f.remove() }
        var made: Set<String> = []
        for i in 0..<7 { made.insert(try await f.createType("Pager \(i)").qualificationTypeId) }
        _ = try await f.createType("Unrelated")
        _ = try await f.createType("Pager other lab", as: "other-lab")
        var seen: [String] = []
        var token: String?
        var pages = 0
        repeat {
            let page = try await f.call(ListQualificationTypesRequest(query: "pager", mustBeRequestable: true, mustBeOwnedByCaller: true,
                                                                      nextToken: token, maxResults: 3))
            #expect(page.numResults == page.qualificationTypes?.count)
            seen += page.qualificationTypes?.map(\.qualificationTypeId) ?? []
            token = page.nextToken
            pages += 1
        } while token != nil && pages < 10
        #expect(pages == 3 && Set(seen) == made && seen.count == 7)
        let all = try await f.call(ListQualificationTypesRequest(query: "Pager", mustBeRequestable: true))
        #expect(all.numResults == 8)  // other requesters' types are listed unless MustBeOwnedByCaller
        #expect(await f.failure(ListQualificationTypesRequest(maxResults: 101))?.parameter == "MaxResults")
        #expect(await f.failure(ListQualificationTypesRequest(maxResults: 0))?.parameter == "MaxResults")
        #expect(await f.failure(ListQualificationTypesRequest(nextToken: "garbage"))?.parameter == "NextToken")
    }

    @Test func grantsScoresAndRevocations() async throws {
        let f = try Fixture()
        defer { f.remove() }
        let id = try await f.createType("w").qualificationTypeId
        _ = try await f.call(AssociateQualificationWithWorkerRequest(qualificationTypeId: id, workerId: "A1W"))
        var q = try await f.call(GetQualificationScoreRequest(qualificationTypeId: id, workerId: "A1W")).qualification
        #expect(q.integerValue == 1 && q.status == .granted && q.grantTime == f.clock.now)
        f.clock.advance(10)
        _ = try await f.call(AssociateQualificationWithWorkerRequest(qualificationTypeId: id, workerId: "A1W", integerValue: -7, sendNotification: false))
        q = try await f.call(GetQualificationScoreRequest(qualificationTypeId: id, workerId: "A1W")).qualification
        #expect(q.integerValue == -7 && q.grantTime == f.clock.now)
        for i in 0..<5 { _ = try await f.call(AssociateQualificationWithWorkerRequest(qualificationTypeId: id, workerId: "A2W\(i)", integerValue: Int32(i))) }
        _ = try await f.call(DisassociateQualificationFromWorkerRequest(workerId: "A1W", qualificationTypeId: id, reason: "left the lab"))
        #expect(try await f.call(GetQualificationScoreRequest(qualificationTypeId: id, workerId: "A1W")).qualification.status == .revoked)
        #expect(try await f.store.notifications(workerId: "A1W").contains { $0.message.contains("left the lab") })
        let twice = await f.failure(DisassociateQualificationFromWorkerRequest(workerId: "A1W", qualificationTypeId: id))
        #expect(twice?.turkErrorCode == TurkErrorCode.qualificationDoesNotExist)
        let granted = try await f.call(ListWorkersWithQualificationTypeRequest(qualificationTypeId: id, status: .granted, maxResults: 2))
        #expect(granted.numResults == 2 && granted.nextToken != nil)
        let rest = try await f.call(ListWorkersWithQualificationTypeRequest(qualificationTypeId: id, status: .granted, nextToken: granted.nextToken))
        #expect(rest.numResults == 3 && rest.nextToken == nil)
        #expect(try await f.call(ListWorkersWithQualificationTypeRequest(qualificationTypeId: id, status: .revoked)).qualifications?.map(\.workerId) == ["A1W"])
        let none = await f.failure(GetQualificationScoreRequest(qualificationTypeId: id, workerId: "A9NONE"))
        #expect(none?.type == "RequestError" && none?.turkErrorCode == TurkErrorCode.qualificationDoesNotExist)
        let badWorker = await f.failure(AssociateQualificationWithWorkerRequest(qualificationTypeId: id, workerId: "worker1"))
        #expect(badWorker?.parameter == "WorkerId")
        let notMine = await f.failure(AssociateQualificationWithWorkerRequest(qualificationTypeId: id, workerId: "A1W"), as: "other-lab")
        #expect(notMine?.turkErrorCode == TurkErrorCode.permissionDenied)
    }

    @Test func notifyWorkers() async throws {
        let f = try Fixture()
        defer { f.remove() }
        let r = try await f.call(NotifyWorkersRequest(subject: "Hello", messageText: "New HITs tomorrow", workerIds: ["A1N", "bad id"]))
        #expect(r.notifyWorkersFailureStatuses?.map(\.workerId) == ["bad id"])
        #expect(try await f.store.notifications(workerId: "A1N").map(\.subject) == ["Hello"])
        #expect(await f.failure(NotifyWorkersRequest(subject: String(repeating: "s", count: 201), messageText: "m", workerIds: ["A1N"]))?.parameter == "Subject")
        #expect(await f.failure(NotifyWorkersRequest(subject: "s", messageText: "m", workerIds: (0..<101).map { "A\($0)X" }))?.parameter == "WorkerIds")
    }

    @Test func missingRequiredMemberIsAParameterError() async throws {
        let f = try Fixture()
        defer { f.remove() }
        do {
            _ = try await f.service.handle(.getQualificationType, body: Data("{}".utf8), requester: "default")
            Issue.record("an empty GetQualificationType must fail")
        } catch {
            #expect(error.body.type == "ParameterValidationError" && error.body.parameter == "QualificationTypeId")
        }
    }
}

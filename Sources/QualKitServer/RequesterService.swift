import Foundation
import MTurkAPI
import QualKit

/// An error the service answers with: HTTP status and MTurk's error body.
public struct ServiceError: Error, Sendable {
    public var status: Int
    public var body: MTurkErrorBody

    static func request(_ message: String, _ code: String) -> ServiceError {
        ServiceError(status: 400, body: MTurkErrorBody(type: "RequestError", message: stamped(message), turkErrorCode: code))
    }

    static func invalid(_ parameter: String, _ value: String, _ reason: String) -> ServiceError {
        var body = MTurkLimits.invalid(parameter, value: value, because: reason)
        body.message = stamped(body.message)
        return ServiceError(status: 400, body: body)
    }

    static let throttled = ServiceError(status: 400, body: MTurkErrorBody(type: "ThrottlingException", message: "Rate exceeded"))

    static func fault(_ message: String) -> ServiceError {
        ServiceError(status: 500, body: MTurkErrorBody(
            type: "ServiceFault", message: stamped("Amazon Mechanical Turk is temporarily unable to process your request. Try your call again. (\(message))"),
            turkErrorCode: TurkErrorCode.serviceUnavailable))
    }

    /// MTurk ends messages with a millisecond timestamp in parentheses.
    static func stamped(_ message: String) -> String {
        "\(message) (\(Int64(Date().timeIntervalSince1970 * 1000)))"
    }
}

/// The requester API's rules, one function per operation, over a `QualificationStore`.
public struct RequesterService: Sendable {
    public let store: any QualificationStore
    public var now: @Sendable () -> Date

    public init(store: any QualificationStore, now: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store
        self.now = now
    }

    /// Decodes the body for `operation`, runs it for `requester`, and encodes the response.
    public func handle(_ operation: MTurkOperation, body: Data, requester: String) async throws(ServiceError) -> Data {
        switch operation {
        case .createQualificationType: return try await run(CreateQualificationTypeRequest.self, body) { try await create($0, requester) }
        case .getQualificationType: return try await run(GetQualificationTypeRequest.self, body) { try await get($0) }
        case .updateQualificationType: return try await run(UpdateQualificationTypeRequest.self, body) { try await update($0, requester) }
        case .deleteQualificationType: return try await run(DeleteQualificationTypeRequest.self, body) { try await delete($0, requester) }
        case .listQualificationTypes: return try await run(ListQualificationTypesRequest.self, body) { try await listTypes($0, requester) }
        case .associateQualificationWithWorker: return try await run(AssociateQualificationWithWorkerRequest.self, body) { try await associate($0, requester) }
        case .disassociateQualificationFromWorker: return try await run(DisassociateQualificationFromWorkerRequest.self, body) { try await disassociate($0, requester) }
        case .listWorkersWithQualificationType: return try await run(ListWorkersWithQualificationTypeRequest.self, body) { try await listWorkers($0, requester) }
        case .getQualificationScore: return try await run(GetQualificationScoreRequest.self, body) { try await score($0, requester) }
        case .listQualificationRequests: return try await run(ListQualificationRequestsRequest.self, body) { try await listRequests($0, requester) }
        case .acceptQualificationRequest: return try await run(AcceptQualificationRequestRequest.self, body) { try await accept($0, requester) }
        case .rejectQualificationRequest: return try await run(RejectQualificationRequestRequest.self, body) { try await reject($0, requester) }
        case .notifyWorkers: return try await run(NotifyWorkersRequest.self, body) { try await notify($0, requester) }
        }
    }

    private func run<R: MTurkRequest>(_: R.Type, _ body: Data, _ op: (R) async throws -> R.Response) async throws(ServiceError) -> Data {
        let request: R
        do {
            request = try MTurkProtocol.decoder().decode(R.self, from: body.isEmpty ? Data("{}".utf8) : body)
        } catch let DecodingError.keyNotFound(key, _) {
            throw ServiceError(status: 400, body: MTurkErrorBody(
                type: "ParameterValidationError", message: ServiceError.stamped("Missing required parameter \(PascalName(key.stringValue)) in \(R.operation.rawValue)."),
                turkErrorCode: TurkErrorCode.invalidParameterValue, parameter: PascalName(key.stringValue)))
        } catch {
            throw ServiceError(status: 400, body: MTurkErrorBody(
                type: "ParameterValidationError", message: ServiceError.stamped("The request body is not a valid \(R.operation.rawValue) request: \(error)"),
                turkErrorCode: TurkErrorCode.invalidParameterValue))
        }
        do {
            let response = try await op(request)
            return try MTurkProtocol.encoder().encode(response)
        } catch let e as ServiceError {
            throw e
        } catch {
            throw ServiceError.fault(String(describing: type(of: error)))
        }
    }

    private func PascalName(_ s: String) -> String { s.prefix(1).uppercased() + s.dropFirst() }

    // MARK: Types

    func create(_ r: CreateQualificationTypeRequest, _ requester: String) async throws -> QualificationTypeResponse {
        guard !r.name.trimmingCharacters(in: .whitespaces).isEmpty else { throw ServiceError.invalid("Name", r.name, "Name must not be empty.") }
        try checkText(r.description, "Description", MTurkLimits.descriptionMax)
        if let k = r.keywords { try checkText(k, "Keywords", MTurkLimits.keywordsMax) }
        if case .other(let status) = r.qualificationTypeStatus {
            throw ServiceError.invalid("QualificationTypeStatus", status, "Use Active or Inactive.")
        }
        if let d = r.retryDelayInSeconds, d < 0 { throw ServiceError.invalid("RetryDelayInSeconds", String(d), "It must be 0 or more.") }
        if r.test != nil, r.autoGranted == true {
            throw ServiceError.invalid("Test", r.test ?? "", "A type with a Test cannot be AutoGranted.")
        }
        if r.answerKey != nil, r.test == nil {
            throw ServiceError.invalid("AnswerKey", r.answerKey ?? "", "An AnswerKey needs a Test.")
        }
        if let test = r.test {
            guard let duration = r.testDurationInSeconds, duration > 0 else {
                throw ServiceError.invalid("TestDurationInSeconds", r.testDurationInSeconds.map(String.init) ?? "", "A Test needs TestDurationInSeconds (a positive number of seconds).")
            }
            _ = duration
            try DocumentCheck.check(test: test, answerKey: r.answerKey)
        }
        let type = StoredQualificationType(
            id: Identifiers.typeId(), requester: requester, name: r.name, description: r.description, keywords: r.keywords,
            active: r.qualificationTypeStatus == .active, test: r.test, testDurationInSeconds: r.testDurationInSeconds,
            answerKey: r.answerKey, retryDelayInSeconds: r.retryDelayInSeconds, autoGranted: r.autoGranted ?? false,
            autoGrantedValue: r.autoGranted == true ? (r.autoGrantedValue ?? 1) : r.autoGrantedValue, createdAt: now(), deleted: false)
        guard try await store.insertType(type) else {
            throw ServiceError.request("You have already created a QualificationType with this name. A QualificationType's name must be unique among all of the QualificationTypes created by the same user.",
                                       TurkErrorCode.qualificationTypeAlreadyExists)
        }
        return QualificationTypeResponse(qualificationType: Self.wire(type))
    }

    func get(_ r: GetQualificationTypeRequest) async throws -> QualificationTypeResponse {
        QualificationTypeResponse(qualificationType: Self.wire(try await liveType(r.qualificationTypeId)))
    }

    func update(_ r: UpdateQualificationTypeRequest, _ requester: String) async throws -> QualificationTypeResponse {
        var t = try await ownedType(r.qualificationTypeId, requester)
        if let d = r.description { try checkText(d, "Description", MTurkLimits.descriptionMax); t.description = d }
        if let s = r.qualificationTypeStatus {
            guard s == .active || s == .inactive else { throw ServiceError.invalid("QualificationTypeStatus", s.description, "Use Active or Inactive.") }
            t.active = s == .active
        }
        if let delay = r.retryDelayInSeconds {
            guard delay >= 0 else { throw ServiceError.invalid("RetryDelayInSeconds", String(delay), "It must be 0 or more.") }
            t.retryDelayInSeconds = delay
        }
        if r.answerKey != nil, r.test == nil {
            throw ServiceError.invalid("AnswerKey", r.answerKey ?? "", "To change the AnswerKey, send the Test and TestDurationInSeconds with it.")
        }
        if r.testDurationInSeconds != nil, r.test == nil {
            throw ServiceError.invalid("TestDurationInSeconds", String(r.testDurationInSeconds!), "To change TestDurationInSeconds, send the Test with it.")
        }
        if let test = r.test {
            if r.autoGranted == true || t.autoGranted {
                throw ServiceError.invalid("Test", test, "An AutoGranted type cannot have a Test.")
            }
            guard let duration = r.testDurationInSeconds, duration > 0 else {
                throw ServiceError.invalid("TestDurationInSeconds", "", "Updating the Test needs TestDurationInSeconds.")
            }
            try DocumentCheck.check(test: test, answerKey: r.answerKey)
            t.test = test
            t.testDurationInSeconds = duration
            t.answerKey = r.answerKey  // omitted: the new test has no answer key
        }
        if let auto = r.autoGranted {
            if auto, t.test != nil { throw ServiceError.invalid("AutoGranted", "true", "A type with a Test cannot be AutoGranted.") }
            t.autoGranted = auto
        }
        if let v = r.autoGrantedValue { t.autoGrantedValue = v }
        if t.autoGranted, t.autoGrantedValue == nil { t.autoGrantedValue = 1 }
        try await store.updateType(t)
        return QualificationTypeResponse(qualificationType: Self.wire(t))
    }

    func delete(_ r: DeleteQualificationTypeRequest, _ requester: String) async throws -> EmptyResponse {
        let t = try await ownedType(r.qualificationTypeId, requester)
        try await store.deleteType(id: t.id, at: now())
        return EmptyResponse()
    }

    func listTypes(_ r: ListQualificationTypesRequest, _ requester: String) async throws -> ListQualificationTypesResponse {
        let limit = try maxResults(r.maxResults)
        let page = try await store.types(requester: r.mustBeOwnedByCaller == true ? requester : nil, query: r.query,
                                         onlyActive: r.mustBeRequestable, after: try token(r.nextToken), limit: limit)
        return ListQualificationTypesResponse(numResults: page.items.count, nextToken: page.next.map(Self.encodeToken),
                                              qualificationTypes: page.items.map(Self.wire))
    }

    // MARK: Qualifications

    func associate(_ r: AssociateQualificationWithWorkerRequest, _ requester: String) async throws -> EmptyResponse {
        try checkWorker(r.workerId)
        let t = try await ownedType(r.qualificationTypeId, requester)
        let value = r.integerValue ?? 1
        let note = r.sendNotification ?? true
            ? StoredNotification(workerId: r.workerId, subject: "Qualification granted: \(t.name)",
                                 message: "You have been granted the qualification \"\(t.name)\" with value \(value).", sentAt: now())
            : nil
        guard try await store.grant(typeId: t.id, workerId: r.workerId, value: value, at: now(), notification: note) else {
            // Deleted between the check above and the write.
            throw ServiceError.request("You requested a QualificationType that does not exist.", TurkErrorCode.qualificationTypeDoesNotExist)
        }
        return EmptyResponse()
    }

    func disassociate(_ r: DisassociateQualificationFromWorkerRequest, _ requester: String) async throws -> EmptyResponse {
        try checkWorker(r.workerId)
        let t = try await ownedType(r.qualificationTypeId, requester)
        let note = StoredNotification(workerId: r.workerId, subject: "Qualification revoked: \(t.name)",
                                      message: r.reason.map { "Your qualification \"\(t.name)\" was revoked: \($0)" }
                                          ?? "Your qualification \"\(t.name)\" was revoked.", sentAt: now())
        guard try await store.revoke(typeId: t.id, workerId: r.workerId, notification: note) else {
            throw ServiceError.request("You requested a Qualification that does not exist.", TurkErrorCode.qualificationDoesNotExist)
        }
        return EmptyResponse()
    }

    func listWorkers(_ r: ListWorkersWithQualificationTypeRequest, _ requester: String) async throws -> ListWorkersWithQualificationTypeResponse {
        let t = try await ownedType(r.qualificationTypeId, requester)
        let limit = try maxResults(r.maxResults)
        var granted: Bool? = nil
        switch r.status {
        case .granted?: granted = true
        case .revoked?: granted = false
        case .other(let s)?: throw ServiceError.invalid("Status", s, "Use Granted or Revoked.")
        case nil: break
        }
        let page = try await store.qualifications(typeId: t.id, granted: granted, after: try token(r.nextToken), limit: limit)
        return ListWorkersWithQualificationTypeResponse(numResults: page.items.count, nextToken: page.next.map(Self.encodeToken),
                                                        qualifications: page.items.map(Self.wire))
    }

    func score(_ r: GetQualificationScoreRequest, _ requester: String) async throws -> GetQualificationScoreResponse {
        try checkWorker(r.workerId)
        let t = try await ownedType(r.qualificationTypeId, requester)
        guard let q = try await store.qualification(typeId: t.id, workerId: r.workerId) else {
            throw ServiceError.request("You requested a Qualification that does not exist.", TurkErrorCode.qualificationDoesNotExist)
        }
        return GetQualificationScoreResponse(qualification: Self.wire(q))
    }

    // MARK: Requests

    func listRequests(_ r: ListQualificationRequestsRequest, _ requester: String) async throws -> ListQualificationRequestsResponse {
        if let id = r.qualificationTypeId { _ = try await ownedType(id, requester) }
        let limit = try maxResults(r.maxResults)
        let page = try await store.pendingRequests(requester: requester, typeId: r.qualificationTypeId, after: try token(r.nextToken), limit: limit)
        return ListQualificationRequestsResponse(
            numResults: page.items.count, nextToken: page.next.map(Self.encodeToken),
            qualificationRequests: page.items.map {
                QualificationRequest(qualificationRequestId: $0.id, qualificationTypeId: $0.typeId, workerId: $0.workerId,
                                     test: $0.test, answer: $0.answer ?? "", submitTime: $0.submitTime)
            })
    }

    func accept(_ r: AcceptQualificationRequestRequest, _ requester: String) async throws -> EmptyResponse {
        let request = try await pendingRequest(r.qualificationRequestId, requester)
        guard try await store.accept(requestId: request.id, value: r.integerValue ?? 1, at: now()) else {
            throw ServiceError.request("This operation can be called with a status of: Pending", TurkErrorCode.invalidQualificationRequestState)
        }
        return EmptyResponse()
    }

    func reject(_ r: RejectQualificationRequestRequest, _ requester: String) async throws -> EmptyResponse {
        let request = try await pendingRequest(r.qualificationRequestId, requester)
        let note = StoredNotification(workerId: request.workerId, subject: "Qualification request rejected",
                                      message: r.reason ?? "Your qualification request was rejected.", sentAt: now())
        guard try await store.reject(requestId: request.id, notification: note) else {
            throw ServiceError.request("This operation can be called with a status of: Pending", TurkErrorCode.invalidQualificationRequestState)
        }
        return EmptyResponse()
    }

    func notify(_ r: NotifyWorkersRequest, _ requester: String) async throws -> NotifyWorkersResponse {
        guard (1...200).contains(r.subject.count) else { throw ServiceError.invalid("Subject", r.subject, "Subject must be 1 to 200 characters.") }
        guard (1...4096).contains(r.messageText.count) else { throw ServiceError.invalid("MessageText", r.messageText, "MessageText must be 1 to 4096 characters.") }
        guard (1...100).contains(r.workerIds.count) else { throw ServiceError.invalid("WorkerIds", "\(r.workerIds.count) ids", "Give 1 to 100 worker IDs.") }
        var failures: [NotifyWorkersResponse.FailureStatus] = []
        var notes: [StoredNotification] = []
        for w in r.workerIds {
            if MTurkLimits.isValidWorkerId(w) {
                notes.append(StoredNotification(workerId: w, subject: r.subject, message: r.messageText, sentAt: now()))
            } else {
                failures.append(.init(notifyWorkersFailureCode: "HardFailure", notifyWorkersFailureMessage: "\(w) is not a valid worker ID.", workerId: w))
            }
        }
        try await store.notify(notes)
        return NotifyWorkersResponse(notifyWorkersFailureStatuses: failures)
    }

    // MARK: Helpers

    func liveType(_ id: String) async throws -> StoredQualificationType {
        guard MTurkLimits.isValidTypeId(id) else { throw ServiceError.invalid("QualificationTypeId", id, "Qualification type IDs are 1-64 capital letters and digits.") }
        guard let t = try await store.type(id: id), !t.deleted else {
            throw ServiceError.request("You requested a QualificationType that does not exist.", TurkErrorCode.qualificationTypeDoesNotExist)
        }
        return t
    }

    func ownedType(_ id: String, _ requester: String) async throws -> StoredQualificationType {
        let t = try await liveType(id)
        guard t.requester == requester else {
            throw ServiceError.request("You are not the owner of QualificationType \(id).", TurkErrorCode.permissionDenied)
        }
        return t
    }

    func pendingRequest(_ id: String, _ requester: String) async throws -> StoredRequest {
        guard let r = try await store.request(id: id) else {
            throw ServiceError.request("You requested a QualificationRequest that does not exist.", TurkErrorCode.qualificationRequestDoesNotExist)
        }
        _ = try await ownedType(r.typeId, requester)
        guard r.state == .pending else {
            throw ServiceError.request("This QualificationRequest is \(r.state.rawValue); it can only be processed while Pending.", TurkErrorCode.invalidQualificationRequestState)
        }
        return r
    }

    func checkText(_ s: String, _ parameter: String, _ max: Int) throws {
        guard s.count <= max else { throw ServiceError.invalid(parameter, s, "\(parameter) is \(s.count) characters; the limit is \(max).") }
    }

    func checkWorker(_ w: String) throws {
        guard MTurkLimits.isValidWorkerId(w) else {
            throw ServiceError.invalid("WorkerId", w, "Worker IDs are A followed by capital letters and digits (1-64 characters).")
        }
    }

    func maxResults(_ n: Int?) throws -> Int {
        guard let n else { return 100 }
        guard MTurkLimits.maxResults.contains(n) else { throw ServiceError.invalid("MaxResults", String(n), "MaxResults must be 1 to 100.") }
        return n
    }

    func token(_ t: String?) throws -> String? {
        guard let t else { return nil }
        guard MTurkLimits.nextTokenLength.contains(t.count), let data = Data(base64Encoded: t),
              let s = String(data: data, encoding: .utf8), s.hasPrefix("qk1:") else {
            throw ServiceError.invalid("NextToken", t, "Pass the NextToken of the previous page unchanged.")
        }
        return String(s.dropFirst(4))
    }

    static func encodeToken(_ key: String) -> String { Data("qk1:\(key)".utf8).base64EncodedString() }

    static func wire(_ t: StoredQualificationType) -> QualificationType {
        QualificationType(qualificationTypeId: t.id, creationTime: t.createdAt, name: t.name, description: t.description,
                          keywords: t.keywords, qualificationTypeStatus: t.active ? .active : .inactive, test: t.test,
                          testDurationInSeconds: t.testDurationInSeconds, answerKey: t.answerKey, retryDelayInSeconds: t.retryDelayInSeconds,
                          isRequestable: t.active, autoGranted: t.autoGranted, autoGrantedValue: t.autoGranted ? t.autoGrantedValue : nil)
    }

    static func wire(_ q: StoredQualification) -> Qualification {
        Qualification(qualificationTypeId: q.typeId, workerId: q.workerId, grantTime: q.grantTime, integerValue: q.value,
                      status: q.granted ? .granted : .revoked)
    }
}

/// Checks a Test and AnswerKey with QualKit's validator; refuses them with its diagnostics (line, column, code).
enum DocumentCheck {
    static func check(test: String, answerKey: String?) throws {
        for (name, text) in [("Test", test), ("AnswerKey", answerKey ?? "")] where text.utf8.count > MTurkLimits.documentBytesMax {
            throw ServiceError.invalid(name, text, "The \(name) is \(text.utf8.count) bytes; the limit is \(MTurkLimits.documentBytesMax) bytes (UTF-8).")
        }
        let testBytes = Array(test.utf8)
        let form = MTurkDocuments.questionForm(testBytes, file: "Test", forceUTF8: true)
        var problems = form.diagnostics.filter { $0.severity == .error }
        if let f = form.value { problems += Lint.form(f).filter { $0.severity == .error } }
        if !problems.isEmpty { throw ServiceError.invalid("Test", test, describe(problems)) }
        guard let answerKey else { return }
        let key = MTurkDocuments.answerKey(Array(answerKey.utf8), file: "AnswerKey", forceUTF8: true)
        var keyProblems = key.diagnostics.filter { $0.severity == .error }
        if let k = key.value {
            keyProblems += Lint.key(k).filter { $0.severity == .error }
            if let f = form.value { keyProblems += Lint.pair(form: f, key: k).filter { $0.severity == .error } }
        }
        if !keyProblems.isEmpty { throw ServiceError.invalid("AnswerKey", answerKey, describe(keyProblems)) }
    }

    static func describe(_ diagnostics: [Diagnostic]) -> String {
        let shown = diagnostics.prefix(5).map { d in
            "\(d.description)\(d.hint.map { " (hint: \($0))" } ?? "")"
        }
        return shown.joined(separator: "; ") + (diagnostics.count > 5 ? "; and \(diagnostics.count - 5) more" : "")
    }
}

/// MTurk-shaped identifiers.
enum Identifiers {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")

    static func random(_ n: Int) -> String {
        var g = SystemRandomNumberGenerator()
        return String((0..<n).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &g)] })
    }

    /// 30 characters starting with 3, like MTurk's.
    static func typeId() -> String { "3" + random(29) }
    static func requestId() -> String { "3" + random(29) }
}

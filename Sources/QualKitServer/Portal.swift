import Foundation
import MTurkAPI
import QualKit
import QualKitRender
import QualKitScoring

/// An HTML page the portal answers with.
public struct PortalPage: Sendable {
    public var status: Int
    public var html: String
}

/// The worker portal: the list of requestable types, a type's page, its test as a working form, and the result.
/// MTurk's rules are enforced here: the test clock runs from the start, RetryDelayInSeconds (absent: one attempt
/// ever), answers checked against the form, graded with the AnswerKey (granted with the value) or left as a
/// pending QualificationRequest, AutoGranted types granted on request.
public struct WorkerPortal: Sendable {
    public let store: any QualificationStore
    public var now: @Sendable () -> Date
    /// Seconds accepted after the deadline (the time a slow network takes to deliver the submit).
    public var grace: TimeInterval = 5

    public init(store: any QualificationStore, now: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store
        self.now = now
    }

    // MARK: Pages

    public func typeList() async throws -> PortalPage {
        var body = "<h1>Qualification tests</h1>"
        let page = try await store.types(requester: nil, query: nil, onlyActive: true, after: nil, limit: 100)
        if page.items.isEmpty { body += "<p>No qualification is open for requests right now.</p>" }
        body += "<ul class=\"qk-types\">"
        for t in page.items {
            body += "<li><strong>\(esc(t.name))</strong> — \(esc(t.description))"
            body += t.test != nil ? " <em>(test, \(duration(t.testDurationInSeconds ?? 0)))</em>" : t.autoGranted ? " <em>(granted on request)</em>" : ""
            if t.open {
                body += """
                    <form method="get" action="/worker/types/\(t.id)"><label>Your worker ID <input name="w" required \
                    pattern="A[A-Z0-9]{1,63}" autocomplete="off"></label> <button>Open</button></form>
                    """
            } else {
                body += "<br><small>Use the personal link the requester sent you.</small>"
            }
            body += "</li>"
        }
        body += "</ul>"
        return PortalPage(status: 200, html: shell("Qualification tests", body))
    }

    /// A type's page for one worker: what they hold, their messages, and the button to start (or request).
    public func typePage(typeId: String, fields: [String: String]) async throws -> PortalPage {
        let (t, worker, hidden) = try await identify(typeId, fields)
        var body = "<h1>\(esc(t.name))</h1><p>\(esc(t.description))</p>"
        body += "<p class=\"qk-worker\">Worker <code>\(esc(worker))</code></p>"
        if let q = try await store.qualification(typeId: t.id, workerId: worker), q.granted {
            body += "<p class=\"qk-granted\">You hold this qualification with the value <strong>\(q.value)</strong>.</p>"
        }
        switch try await eligibility(t, worker) {
        case .allowed, .resume:
            let label = t.test != nil ? "Start the test (\(duration(t.testDurationInSeconds ?? 0)) from now)" : "Request this qualification"
            let action = t.test != nil ? "start" : "request"
            body += "<form method=\"post\" action=\"/worker/types/\(t.id)/\(action)\">\(hiddenInputs(hidden))<button>\(esc(label))</button></form>"
        case .refused(let why):
            body += "<p class=\"qk-refused\">\(esc(why))</p>"
        }
        let notes = try await store.notifications(workerId: worker)
        if !notes.isEmpty {
            body += "<h2>Messages</h2><ul class=\"qk-messages\">"
            for n in notes.suffix(20).reversed() {
                body += "<li><strong>\(esc(n.subject))</strong> <small>\(stamp(n.sentAt))</small><br>\(esc(n.message))</li>"
            }
            body += "</ul>"
        }
        return PortalPage(status: 200, html: shell(t.name, body))
    }

    /// Starts (or resumes) the test: the clock runs from the first start.
    public func start(typeId: String, fields: [String: String]) async throws -> PortalPage {
        let (t, worker, hidden) = try await identify(typeId, fields)
        guard let test = t.test else { return try await request(typeId: typeId, fields: fields) }
        let attempt: StoredAttempt
        switch try await eligibility(t, worker) {
        case .refused(let why): return PortalPage(status: 409, html: shell(t.name, "<h1>\(esc(t.name))</h1><p class=\"qk-refused\">\(esc(why))</p>"))
        case .resume(let a): attempt = a
        case .allowed:
            let start = now()
            attempt = StoredAttempt(id: Identifiers.random(24), typeId: t.id, workerId: worker, test: test, answerKey: t.answerKey,
                                    startedAt: start, deadline: start.addingTimeInterval(TimeInterval(t.testDurationInSeconds ?? 0)))
            try await store.insertAttempt(attempt)
        }
        return try renderForm(t, attempt, hidden, answers: nil, errors: [:], summary: nil, status: 200)
    }

    /// Takes a submitted test: checks the answers against the form, stores them verbatim, grades or queues them.
    public func submit(typeId: String, fields: [(name: String, value: String)]) async throws -> PortalPage {
        let single = Dictionary(fields.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a })
        let (t, worker, hidden) = try await identify(typeId, single)
        guard let attemptId = single["attempt"], let attempt = try await store.attempt(id: attemptId),
              attempt.typeId == t.id, attempt.workerId == worker else {
            throw PortalError(status: 400, message: "This submission does not belong to a test you started. Open your link and start the test again.")
        }
        guard attempt.state == .started else {
            throw PortalError(status: 409, message: attempt.state == .submitted
                              ? "You already submitted this test." : "The time for this test ran out before it was submitted.")
        }
        let at = now()
        if let deadline = attempt.deadline, at > deadline.addingTimeInterval(grace) {
            try await store.expireAttempt(id: attempt.id, at: deadline)
            throw PortalError(status: 409, message: "The time for this test (\(duration(t.testDurationInSeconds ?? 0))) ran out at \(stamp(deadline)); the answers were not accepted.")
        }
        guard let form = parseForm(attempt.test) else { throw PortalError(status: 500, message: "The stored test cannot be read.") }
        let collected = AnswerCollector.collect(fields, form: form)
        var errors = collected.errors
        for (q, messages) in AnswerValidator.validate(collected.answers, form: form) { errors[q, default: []] += messages }
        if !errors.isEmpty || !collected.formErrors.isEmpty {
            let count = errors.count
            let summary = ([count == 1 ? "1 question needs attention." : "\(count) questions need attention."] + collected.formErrors)
                .joined(separator: " ")
            return try renderForm(t, attempt, hidden, answers: collected.answers, errors: errors, summary: summary, status: 422)
        }
        let answerXML = collected.answers.answers.isEmpty ? "" : collected.answers.xmlString
        var grant: Int32?
        var note = "Your answers were received. The requester will review them."
        if let keyText = attempt.answerKey {
            switch grade(keyText, form: form, answers: collected.answers) {
            case .success(let value):
                grant = value
                note = "Your test was scored: you were granted this qualification with the value \(value)."
            case .failure(let why):
                note = "Your answers were received; they could not be scored automatically (\(why)), so the requester will review them."
            }
        }
        let request = StoredRequest(id: Identifiers.requestId(), typeId: t.id, workerId: worker, test: attempt.test, answer: answerXML,
                                    submitTime: at, state: grant == nil ? .pending : .accepted)
        guard try await store.submitAttempt(id: attempt.id, request: request, grantValue: grant, at: at) else {
            throw PortalError(status: 409, message: "You already submitted this test.")
        }
        return result(t, hidden, note)
    }

    /// A request without a test: AutoGranted types grant at once, others wait for the requester.
    public func request(typeId: String, fields: [String: String]) async throws -> PortalPage {
        let (t, worker, hidden) = try await identify(typeId, fields)
        guard t.test == nil else { return try await start(typeId: typeId, fields: fields) }
        if case .refused(let why) = try await eligibility(t, worker) {
            return PortalPage(status: 409, html: shell(t.name, "<h1>\(esc(t.name))</h1><p class=\"qk-refused\">\(esc(why))</p>"))
        }
        let at = now()
        let attempt = StoredAttempt(id: Identifiers.random(24), typeId: t.id, workerId: worker, test: nil, answerKey: nil, startedAt: at, deadline: nil)
        try await store.insertAttempt(attempt)
        let value: Int32? = t.autoGranted ? (t.autoGrantedValue ?? 1) : nil
        let request = StoredRequest(id: Identifiers.requestId(), typeId: t.id, workerId: worker, test: nil, answer: "", submitTime: at,
                                    state: value == nil ? .pending : .accepted)
        guard try await store.submitAttempt(id: attempt.id, request: request, grantValue: value, at: at) else {
            throw PortalError(status: 409, message: "This request was already sent.")
        }
        return result(t, hidden, value.map { "You were granted this qualification with the value \($0)." }
                      ?? "Your request was sent. The requester will review it.")
    }

    // MARK: Rules

    enum Eligibility { case allowed, resume(StoredAttempt), refused(String) }

    func eligibility(_ t: StoredQualificationType, _ worker: String) async throws -> Eligibility {
        guard t.active, !t.deleted else { return .refused("This qualification is not accepting requests right now.") }
        let at = now()
        var finishedAt: Date?
        if let last = try await store.lastAttempt(typeId: t.id, workerId: worker) {
            switch last.state {
            case .started:
                if let deadline = last.deadline, at > deadline.addingTimeInterval(grace) {
                    try await store.expireAttempt(id: last.id, at: deadline)
                    finishedAt = deadline
                } else {
                    return .resume(last)
                }
            case .submitted, .expired:
                finishedAt = last.finishedAt ?? last.startedAt
            }
        }
        if let r = try await store.lastRequest(typeId: t.id, workerId: worker), r.state == .pending {
            return .refused("Your earlier request is waiting for the requester's decision.")
        }
        guard let finishedAt else { return .allowed }
        guard let delay = t.retryDelayInSeconds else {
            return .refused("This qualification allows one attempt, and you have made it.")
        }
        let again = finishedAt.addingTimeInterval(TimeInterval(delay))
        if at < again { return .refused("You can try again after \(stamp(again)).") }
        return .allowed
    }

    func grade(_ keyText: String, form: QuestionForm, answers: QuestionFormAnswers) -> Result<Int32, GradeFailure> {
        guard let key = MTurkDocuments.answerKey(Array(keyText.utf8), file: "AnswerKey", forceUTF8: true).value else {
            return .failure(GradeFailure(message: "the answer key cannot be read"))
        }
        do {
            let scoring = try ScoringKey(key, form: form, rounding: .halfUp)
            switch AttemptScorer(key: scoring).score(answers) {
            case .scored(let s): return .success(s.value)
            case .failed(let f): return .failure(GradeFailure(message: f.message))
            }
        } catch {
            return .failure(GradeFailure(message: String(describing: error)))
        }
    }

    struct GradeFailure: Error { var message: String }

    // MARK: Identity

    /// The type and the worker from a signed link (w, e, t) or, for an open type, a typed worker ID.
    func identify(_ typeId: String, _ fields: [String: String]) async throws -> (StoredQualificationType, String, [(String, String)]) {
        guard MTurkLimits.isValidTypeId(typeId), let t = try await store.type(id: typeId), !t.deleted else {
            throw PortalError(status: 404, message: "There is no qualification \(typeId).")
        }
        if t.open, fields["t"] == nil, let w = fields["w"] {
            guard MTurkLimits.isValidWorkerId(w) else {
                throw PortalError(status: 400, message: "“\(w)” is not a worker ID: it starts with A, then capital letters and digits.")
            }
            return (t, w, [("w", w)])
        }
        let key = try await store.linkKey()
        switch WorkerLink.verify(key: key, typeId: typeId, worker: fields["w"], expires: fields["e"], token: fields["t"], now: now()) {
        case .success(let w): return (t, w, [("w", w), ("e", fields["e"]!), ("t", fields["t"]!)])
        case .failure(let f): throw PortalError(status: 403, message: f.description)
        }
    }

    // MARK: HTML

    func renderForm(_ t: StoredQualificationType, _ a: StoredAttempt, _ hidden: [(String, String)], answers: QuestionFormAnswers?,
                    errors: [String: [String]], summary: String?, status: Int) throws -> PortalPage {
        guard let form = parseForm(a.test) else { throw PortalError(status: 500, message: "The stored test cannot be read.") }
        let deadline = a.deadline.map { "Submit before \(stamp($0)) (the clock started at \(stamp(a.startedAt)))." } ?? ""
        let worker = WorkerForm(action: "/worker/types/\(t.id)/submit", hiddenFields: (hidden + [("attempt", a.id)]).map { (name: $0.0, value: $0.1) },
                                answers: answers, errors: errors, summary: [summary, deadline].compactMap { $0 }.joined(separator: " "),
                                submitLabel: "Submit answers")
        let page = FormRenderer.render(form, options: RenderOptions(mode: .workerForm(worker), pageTitle: t.name))
        return PortalPage(status: status, html: page.html)
    }

    func result(_ t: StoredQualificationType, _ hidden: [(String, String)], _ note: String) -> PortalPage {
        let back = "/worker/types/\(t.id)?" + hidden.map { "\($0.0)=\(FormFields.encode($0.1))" }.joined(separator: "&")
        return PortalPage(status: 200, html: shell(t.name, "<h1>\(esc(t.name))</h1><p class=\"qk-result\">\(esc(note))</p><p><a href=\"\(esc(back))\">Back to the qualification</a></p>"))
    }

    func parseForm(_ test: String?) -> QuestionForm? {
        guard let test else { return nil }
        return MTurkDocuments.questionForm(Array(test.utf8), file: "Test", forceUTF8: true).value
    }
}

public struct PortalError: Error, Sendable {
    public var status: Int
    public var message: String

    public var page: PortalPage {
        PortalPage(status: status, html: shell("Qualification", "<h1>Sorry</h1><p class=\"qk-error\">\(esc(message))</p>"))
    }
}

func esc(_ s: String) -> String { HTMLText.escape(s) }

func hiddenInputs(_ fields: [(String, String)]) -> String {
    fields.map { "<input type=\"hidden\" name=\"\(esc($0.0))\" value=\"\(esc($0.1))\">" }.joined()
}

func stamp(_ d: Date) -> String {
    let f = ISO8601DateFormatter()
    f.formatOptions = [.withFullDate, .withTime, .withColonSeparatorInTime, .withSpaceBetweenDateAndTime]
    return f.string(from: d) + " UTC"
}

func duration(_ seconds: Int64) -> String {
    seconds % 3600 == 0 && seconds >= 3600 ? "\(seconds / 3600) h" : seconds % 60 == 0 && seconds >= 60 ? "\(seconds / 60) min" : "\(seconds) s"
}

func shell(_ title: String, _ body: String) -> String {
    """
    <!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">\
    <title>\(esc(title))</title><style>body{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;line-height:1.5}\
    .qk-refused,.qk-error{color:#a00}.qk-granted,.qk-result{color:#060}li{margin:.6rem 0}</style></head>\
    <body><main>\(body)</main></body></html>
    """
}

/// `application/x-www-form-urlencoded` bodies and query strings.
public enum FormFields {
    public static func parse(_ text: String) -> [(name: String, value: String)] {
        text.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (decode(parts[0]), parts.count > 1 ? decode(parts[1]) : "")
        }
    }

    static func decode(_ s: Substring) -> String {
        let plus = s.replacingOccurrences(of: "+", with: " ")
        return plus.removingPercentEncoding ?? plus
    }

    public static func encode(_ s: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return s.addingPercentEncoding(withAllowedCharacters: allowed) ?? s
    }
}

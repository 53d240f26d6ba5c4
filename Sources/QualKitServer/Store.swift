import Foundation

/// A qualification type as the server keeps it.
public struct StoredQualificationType: Sendable, Equatable {
    public var id: String
    public var requester: String
    public var name: String
    public var description: String
    public var keywords: String?
    public var active: Bool
    public var test: String?
    public var testDurationInSeconds: Int64?
    public var answerKey: String?
    public var retryDelayInSeconds: Int64?
    public var autoGranted: Bool
    public var autoGrantedValue: Int32?
    public var createdAt: Date
    public var deleted: Bool
    /// Open types let a worker type an ID in the portal instead of needing a signed link.
    public var open: Bool = false

    public init(id: String, requester: String, name: String, description: String, keywords: String? = nil, active: Bool,
                test: String? = nil, testDurationInSeconds: Int64? = nil, answerKey: String? = nil, retryDelayInSeconds: Int64? = nil,
                autoGranted: Bool = false, autoGrantedValue: Int32? = nil, createdAt: Date, deleted: Bool = false, open: Bool = false) {
        self.id = id
        self.requester = requester
        self.name = name
        self.description = description
        self.keywords = keywords
        self.active = active
        self.test = test
        self.testDurationInSeconds = testDurationInSeconds
        self.answerKey = answerKey
        self.retryDelayInSeconds = retryDelayInSeconds
        self.autoGranted = autoGranted
        self.autoGrantedValue = autoGrantedValue
        self.createdAt = createdAt
        self.deleted = deleted
        self.open = open
    }
}

/// A worker's test attempt in the portal: started (the clock runs from here), then submitted or expired.
public struct StoredAttempt: Sendable, Equatable {
    public enum State: String, Sendable { case started = "Started", submitted = "Submitted", expired = "Expired" }
    public var id: String
    public var typeId: String
    public var workerId: String
    /// The test as it was when the worker started (scored against this, listed with the request).
    public var test: String?
    public var answerKey: String?
    public var startedAt: Date
    public var deadline: Date?
    public var state: State
    public var finishedAt: Date?

    public init(id: String, typeId: String, workerId: String, test: String?, answerKey: String?, startedAt: Date, deadline: Date?,
                state: State = .started, finishedAt: Date? = nil) {
        self.id = id
        self.typeId = typeId
        self.workerId = workerId
        self.test = test
        self.answerKey = answerKey
        self.startedAt = startedAt
        self.deadline = deadline
        self.state = state
        self.finishedAt = finishedAt
    }
}

public struct StoredQualification: Sendable, Equatable {
    public var typeId: String
    public var workerId: String
    public var value: Int32
    public var granted: Bool
    public var grantTime: Date
}

public struct StoredRequest: Sendable, Equatable {
    public enum State: String, Sendable { case pending = "Pending", accepted = "Accepted", rejected = "Rejected" }
    public var id: String
    public var typeId: String
    public var workerId: String
    public var test: String?
    public var answer: String?
    public var submitTime: Date
    public var state: State
    public var sequence: Int64

    public init(id: String, typeId: String, workerId: String, test: String?, answer: String?, submitTime: Date, state: State,
                sequence: Int64 = 0) {
        self.id = id
        self.typeId = typeId
        self.workerId = workerId
        self.test = test
        self.answer = answer
        self.submitTime = submitTime
        self.state = state
        self.sequence = sequence
    }
}

public struct StoredAccessKey: Sendable, Equatable {
    public var accessKeyId: String
    public var secret: String
    public var requester: String
    public var label: String?
    public var createdAt: Date
    public var revoked: Bool

    public init(accessKeyId: String, secret: String, requester: String, label: String?, createdAt: Date, revoked: Bool) {
        self.accessKeyId = accessKeyId
        self.secret = secret
        self.requester = requester
        self.label = label
        self.createdAt = createdAt
        self.revoked = revoked
    }
}

public struct StoredNotification: Sendable, Equatable {
    public var workerId: String
    public var subject: String
    public var message: String
    public var sentAt: Date

    public init(workerId: String, subject: String, message: String, sentAt: Date) {
        self.workerId = workerId
        self.subject = subject
        self.message = message
        self.sentAt = sentAt
    }
}

/// A page of a listing: the items and where the next page starts (nil at the end).
public struct StorePage<Item: Sendable>: Sendable {
    public var items: [Item]
    public var next: String?
}

/// Everything `qualkit serve` stores. Each mutating call is one transaction. SQLite (`SQLiteStore`) is the
/// embedded default; another backend (PostgreSQL, for several server processes) implements the same protocol.
public protocol QualificationStore: Sendable {
    // Access keys
    func createAccessKey(_ key: StoredAccessKey) async throws
    func accessKey(id: String) async throws -> StoredAccessKey?
    func accessKeys() async throws -> [StoredAccessKey]
    func revokeAccessKey(id: String) async throws -> Bool

    // Qualification types
    /// Inserts the type unless the requester already has a live type with that name; returns false then.
    func insertType(_ type: StoredQualificationType) async throws -> Bool
    func type(id: String) async throws -> StoredQualificationType?
    func updateType(_ type: StoredQualificationType) async throws
    /// Marks the type deleted and rejects its pending requests, in one transaction.
    func deleteType(id: String, at: Date) async throws
    func types(requester: String?, query: String?, onlyActive: Bool, after: String?, limit: Int) async throws -> StorePage<StoredQualificationType>

    // Qualifications
    /// Grants (or updates) the qualification in one transaction that also checks the type is still live; false
    /// when it was deleted meanwhile (nothing written then).
    func grant(typeId: String, workerId: String, value: Int32, at: Date, notification: StoredNotification?) async throws -> Bool
    /// Sets a granted qualification to revoked; false when the worker holds none (or it is already revoked).
    func revoke(typeId: String, workerId: String, notification: StoredNotification?) async throws -> Bool
    func qualification(typeId: String, workerId: String) async throws -> StoredQualification?
    func qualifications(typeId: String, granted: Bool?, after: String?, limit: Int) async throws -> StorePage<StoredQualification>

    // Requests
    func insertRequest(_ request: StoredRequest) async throws -> StoredRequest
    func request(id: String) async throws -> StoredRequest?
    func pendingRequests(requester: String, typeId: String?, after: String?, limit: Int) async throws -> StorePage<StoredRequest>
    /// Accepts a pending request and grants the value in one transaction; false when it is not pending.
    func accept(requestId: String, value: Int32, at: Date) async throws -> Bool
    func reject(requestId: String, notification: StoredNotification?) async throws -> Bool
    func lastRequest(typeId: String, workerId: String) async throws -> StoredRequest?

    // Notifications
    func notify(_ notifications: [StoredNotification]) async throws
    func notifications(workerId: String) async throws -> [StoredNotification]

    // Worker portal
    /// The key that signs worker links, created on first use.
    func linkKey() async throws -> [UInt8]
    func setOpen(typeId: String, open: Bool) async throws -> Bool
    func insertAttempt(_ attempt: StoredAttempt) async throws
    func attempt(id: String) async throws -> StoredAttempt?
    func lastAttempt(typeId: String, workerId: String) async throws -> StoredAttempt?
    func expireAttempt(id: String, at: Date) async throws
    /// Marks the attempt submitted, stores the request and (when given) grants the value, in one transaction.
    /// False when the attempt was no longer open (submitted twice).
    func submitAttempt(id: String, request: StoredRequest, grantValue: Int32?, at: Date) async throws -> Bool
}

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
}

public struct StoredAccessKey: Sendable, Equatable {
    public var accessKeyId: String
    public var secret: String
    public var requester: String
    public var label: String?
    public var createdAt: Date
    public var revoked: Bool
}

public struct StoredNotification: Sendable, Equatable {
    public var workerId: String
    public var subject: String
    public var message: String
    public var sentAt: Date
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
    func grant(typeId: String, workerId: String, value: Int32, at: Date, notification: StoredNotification?) async throws
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
}

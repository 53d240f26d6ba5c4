import Foundation

public enum QualificationTypeStatus: Codable, Sendable, Hashable, CustomStringConvertible {
    case active, inactive
    /// A value this version does not know (decoded leniently).
    case other(String)

    public init(from decoder: any Decoder) throws {
        let s = try decoder.singleValueContainer().decode(String.self)
        self = s == "Active" ? .active : s == "Inactive" ? .inactive : .other(s)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }

    public var description: String {
        switch self {
        case .active: "Active"
        case .inactive: "Inactive"
        case .other(let s): s
        }
    }

    public init?(parsing s: String) {
        switch s.lowercased() {
        case "active": self = .active
        case "inactive": self = .inactive
        default: return nil
        }
    }
}

public enum QualificationStatus: Codable, Sendable, Hashable, CustomStringConvertible {
    case granted, revoked
    case other(String)

    public init(from decoder: any Decoder) throws {
        let s = try decoder.singleValueContainer().decode(String.self)
        self = s == "Granted" ? .granted : s == "Revoked" ? .revoked : .other(s)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }

    public var description: String {
        switch self {
        case .granted: "Granted"
        case .revoked: "Revoked"
        case .other(let s): s
        }
    }
}

public struct QualificationType: Codable, Sendable, Equatable {
    public var qualificationTypeId: String
    public var creationTime: Date?
    public var name: String?
    public var description: String?
    public var keywords: String?
    public var qualificationTypeStatus: QualificationTypeStatus?
    public var test: String?
    public var testDurationInSeconds: Int64?
    public var answerKey: String?
    public var retryDelayInSeconds: Int64?
    public var isRequestable: Bool?
    public var autoGranted: Bool?
    public var autoGrantedValue: Int32?

    public init(qualificationTypeId: String, creationTime: Date? = nil, name: String? = nil, description: String? = nil,
                keywords: String? = nil, qualificationTypeStatus: QualificationTypeStatus? = nil, test: String? = nil,
                testDurationInSeconds: Int64? = nil, answerKey: String? = nil, retryDelayInSeconds: Int64? = nil,
                isRequestable: Bool? = nil, autoGranted: Bool? = nil, autoGrantedValue: Int32? = nil) {
        self.qualificationTypeId = qualificationTypeId
        self.creationTime = creationTime
        self.name = name
        self.description = description
        self.keywords = keywords
        self.qualificationTypeStatus = qualificationTypeStatus
        self.test = test
        self.testDurationInSeconds = testDurationInSeconds
        self.answerKey = answerKey
        self.retryDelayInSeconds = retryDelayInSeconds
        self.isRequestable = isRequestable
        self.autoGranted = autoGranted
        self.autoGrantedValue = autoGrantedValue
    }
}

public struct Locale: Codable, Sendable, Equatable {
    public var country: String
    public var subdivision: String?
    public init(country: String, subdivision: String? = nil) {
        self.country = country
        self.subdivision = subdivision
    }
}

public struct Qualification: Codable, Sendable, Equatable {
    public var qualificationTypeId: String
    public var workerId: String
    public var grantTime: Date?
    public var integerValue: Int32?
    public var localeValue: Locale?
    public var status: QualificationStatus?

    public init(qualificationTypeId: String, workerId: String, grantTime: Date? = nil, integerValue: Int32? = nil,
                localeValue: Locale? = nil, status: QualificationStatus? = nil) {
        self.qualificationTypeId = qualificationTypeId
        self.workerId = workerId
        self.grantTime = grantTime
        self.integerValue = integerValue
        self.localeValue = localeValue
        self.status = status
    }
}

public struct QualificationRequest: Codable, Sendable, Equatable {
    public var qualificationRequestId: String
    public var qualificationTypeId: String?
    public var workerId: String?
    /// The test (QuestionForm) as it was when the worker took it.
    public var test: String?
    /// The worker's answers (QuestionFormAnswers); may be empty when the worker answered nothing.
    public var answer: String?
    public var submitTime: Date?

    public init(qualificationRequestId: String, qualificationTypeId: String? = nil, workerId: String? = nil,
                test: String? = nil, answer: String? = nil, submitTime: Date? = nil) {
        self.qualificationRequestId = qualificationRequestId
        self.qualificationTypeId = qualificationTypeId
        self.workerId = workerId
        self.test = test
        self.answer = answer
        self.submitTime = submitTime
    }
}

// MARK: - Requests and responses

public struct CreateQualificationTypeRequest: MTurkRequest {
    public typealias Response = QualificationTypeResponse
    public static let operation = MTurkOperation.createQualificationType
    public var name: String
    public var keywords: String?
    public var description: String
    public var qualificationTypeStatus: QualificationTypeStatus
    public var retryDelayInSeconds: Int64?
    public var test: String?
    public var answerKey: String?
    public var testDurationInSeconds: Int64?
    public var autoGranted: Bool?
    public var autoGrantedValue: Int32?

    public init(name: String, keywords: String? = nil, description: String, qualificationTypeStatus: QualificationTypeStatus,
                retryDelayInSeconds: Int64? = nil, test: String? = nil, answerKey: String? = nil,
                testDurationInSeconds: Int64? = nil, autoGranted: Bool? = nil, autoGrantedValue: Int32? = nil) {
        self.name = name
        self.keywords = keywords
        self.description = description
        self.qualificationTypeStatus = qualificationTypeStatus
        self.retryDelayInSeconds = retryDelayInSeconds
        self.test = test
        self.answerKey = answerKey
        self.testDurationInSeconds = testDurationInSeconds
        self.autoGranted = autoGranted
        self.autoGrantedValue = autoGrantedValue
    }
}

public struct QualificationTypeResponse: Codable, Sendable, Equatable {
    public var qualificationType: QualificationType
    public init(qualificationType: QualificationType) { self.qualificationType = qualificationType }
}

public struct GetQualificationTypeRequest: MTurkRequest {
    public typealias Response = QualificationTypeResponse
    public static let operation = MTurkOperation.getQualificationType
    public var qualificationTypeId: String
    public init(qualificationTypeId: String) { self.qualificationTypeId = qualificationTypeId }
}

public struct UpdateQualificationTypeRequest: MTurkRequest {
    public typealias Response = QualificationTypeResponse
    public static let operation = MTurkOperation.updateQualificationType
    public var qualificationTypeId: String
    public var description: String?
    public var qualificationTypeStatus: QualificationTypeStatus?
    public var test: String?
    public var answerKey: String?
    public var testDurationInSeconds: Int64?
    public var retryDelayInSeconds: Int64?
    public var autoGranted: Bool?
    public var autoGrantedValue: Int32?

    public init(qualificationTypeId: String, description: String? = nil, qualificationTypeStatus: QualificationTypeStatus? = nil,
                test: String? = nil, answerKey: String? = nil, testDurationInSeconds: Int64? = nil,
                retryDelayInSeconds: Int64? = nil, autoGranted: Bool? = nil, autoGrantedValue: Int32? = nil) {
        self.qualificationTypeId = qualificationTypeId
        self.description = description
        self.qualificationTypeStatus = qualificationTypeStatus
        self.test = test
        self.answerKey = answerKey
        self.testDurationInSeconds = testDurationInSeconds
        self.retryDelayInSeconds = retryDelayInSeconds
        self.autoGranted = autoGranted
        self.autoGrantedValue = autoGrantedValue
    }
}

public struct DeleteQualificationTypeRequest: MTurkRequest {
    public typealias Response = EmptyResponse
    public static let operation = MTurkOperation.deleteQualificationType
    public var qualificationTypeId: String
    public init(qualificationTypeId: String) { self.qualificationTypeId = qualificationTypeId }
}

public struct ListQualificationTypesRequest: MTurkRequest {
    public typealias Response = ListQualificationTypesResponse
    public static let operation = MTurkOperation.listQualificationTypes
    public var query: String?
    public var mustBeRequestable: Bool
    public var mustBeOwnedByCaller: Bool?
    public var nextToken: String?
    public var maxResults: Int?

    public init(query: String? = nil, mustBeRequestable: Bool = false, mustBeOwnedByCaller: Bool? = nil,
                nextToken: String? = nil, maxResults: Int? = nil) {
        self.query = query
        self.mustBeRequestable = mustBeRequestable
        self.mustBeOwnedByCaller = mustBeOwnedByCaller
        self.nextToken = nextToken
        self.maxResults = maxResults
    }
}

public struct ListQualificationTypesResponse: Codable, Sendable, Equatable {
    public var numResults: Int?
    public var nextToken: String?
    public var qualificationTypes: [QualificationType]?
    public init(numResults: Int? = nil, nextToken: String? = nil, qualificationTypes: [QualificationType]? = nil) {
        self.numResults = numResults
        self.nextToken = nextToken
        self.qualificationTypes = qualificationTypes
    }
}

public struct AssociateQualificationWithWorkerRequest: MTurkRequest {
    public typealias Response = EmptyResponse
    public static let operation = MTurkOperation.associateQualificationWithWorker
    public var qualificationTypeId: String
    public var workerId: String
    public var integerValue: Int32?
    public var sendNotification: Bool?

    public init(qualificationTypeId: String, workerId: String, integerValue: Int32? = nil, sendNotification: Bool? = nil) {
        self.qualificationTypeId = qualificationTypeId
        self.workerId = workerId
        self.integerValue = integerValue
        self.sendNotification = sendNotification
    }
}

public struct DisassociateQualificationFromWorkerRequest: MTurkRequest {
    public typealias Response = EmptyResponse
    public static let operation = MTurkOperation.disassociateQualificationFromWorker
    public var workerId: String
    public var qualificationTypeId: String
    public var reason: String?

    public init(workerId: String, qualificationTypeId: String, reason: String? = nil) {
        self.workerId = workerId
        self.qualificationTypeId = qualificationTypeId
        self.reason = reason
    }
}

public struct ListWorkersWithQualificationTypeRequest: MTurkRequest {
    public typealias Response = ListWorkersWithQualificationTypeResponse
    public static let operation = MTurkOperation.listWorkersWithQualificationType
    public var qualificationTypeId: String
    public var status: QualificationStatus?
    public var nextToken: String?
    public var maxResults: Int?

    public init(qualificationTypeId: String, status: QualificationStatus? = nil, nextToken: String? = nil, maxResults: Int? = nil) {
        self.qualificationTypeId = qualificationTypeId
        self.status = status
        self.nextToken = nextToken
        self.maxResults = maxResults
    }
}

public struct ListWorkersWithQualificationTypeResponse: Codable, Sendable, Equatable {
    public var numResults: Int?
    public var nextToken: String?
    public var qualifications: [Qualification]?
    public init(numResults: Int? = nil, nextToken: String? = nil, qualifications: [Qualification]? = nil) {
        self.numResults = numResults
        self.nextToken = nextToken
        self.qualifications = qualifications
    }
}

public struct GetQualificationScoreRequest: MTurkRequest {
    public typealias Response = GetQualificationScoreResponse
    public static let operation = MTurkOperation.getQualificationScore
    public var qualificationTypeId: String
    public var workerId: String
    public init(qualificationTypeId: String, workerId: String) {
        self.qualificationTypeId = qualificationTypeId
        self.workerId = workerId
    }
}

public struct GetQualificationScoreResponse: Codable, Sendable, Equatable {
    public var qualification: Qualification
    public init(qualification: Qualification) { self.qualification = qualification }
}

public struct ListQualificationRequestsRequest: MTurkRequest {
    public typealias Response = ListQualificationRequestsResponse
    public static let operation = MTurkOperation.listQualificationRequests
    public var qualificationTypeId: String?
    public var nextToken: String?
    public var maxResults: Int?
    public init(qualificationTypeId: String? = nil, nextToken: String? = nil, maxResults: Int? = nil) {
        self.qualificationTypeId = qualificationTypeId
        self.nextToken = nextToken
        self.maxResults = maxResults
    }
}

public struct ListQualificationRequestsResponse: Codable, Sendable, Equatable {
    public var numResults: Int?
    public var nextToken: String?
    public var qualificationRequests: [QualificationRequest]?
    public init(numResults: Int? = nil, nextToken: String? = nil, qualificationRequests: [QualificationRequest]? = nil) {
        self.numResults = numResults
        self.nextToken = nextToken
        self.qualificationRequests = qualificationRequests
    }
}

public struct AcceptQualificationRequestRequest: MTurkRequest {
    public typealias Response = EmptyResponse
    public static let operation = MTurkOperation.acceptQualificationRequest
    public var qualificationRequestId: String
    public var integerValue: Int32?
    public init(qualificationRequestId: String, integerValue: Int32? = nil) {
        self.qualificationRequestId = qualificationRequestId
        self.integerValue = integerValue
    }
}

public struct RejectQualificationRequestRequest: MTurkRequest {
    public typealias Response = EmptyResponse
    public static let operation = MTurkOperation.rejectQualificationRequest
    public var qualificationRequestId: String
    public var reason: String?
    public init(qualificationRequestId: String, reason: String? = nil) {
        self.qualificationRequestId = qualificationRequestId
        self.reason = reason
    }
}

public struct NotifyWorkersRequest: MTurkRequest {
    public typealias Response = NotifyWorkersResponse
    public static let operation = MTurkOperation.notifyWorkers
    public var subject: String
    public var messageText: String
    public var workerIds: [String]
    public init(subject: String, messageText: String, workerIds: [String]) {
        self.subject = subject
        self.messageText = messageText
        self.workerIds = workerIds
    }
}

public struct NotifyWorkersResponse: Codable, Sendable, Equatable {
    public struct FailureStatus: Codable, Sendable, Equatable {
        public var notifyWorkersFailureCode: String?
        public var notifyWorkersFailureMessage: String?
        public var workerId: String?
        public init(notifyWorkersFailureCode: String? = nil, notifyWorkersFailureMessage: String? = nil, workerId: String? = nil) {
            self.notifyWorkersFailureCode = notifyWorkersFailureCode
            self.notifyWorkersFailureMessage = notifyWorkersFailureMessage
            self.workerId = workerId
        }
    }
    public var notifyWorkersFailureStatuses: [FailureStatus]?
    public init(notifyWorkersFailureStatuses: [FailureStatus]? = nil) { self.notifyWorkersFailureStatuses = notifyWorkersFailureStatuses }
}

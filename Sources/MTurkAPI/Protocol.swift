import Foundation

/// The wire protocol of MTurk's requester API (version 2017-01-17): `POST /`, JSON 1.1, SigV4.
public enum MTurkProtocol {
    public static let targetPrefix = "MTurkRequesterServiceV20170117"
    public static let contentType = "application/x-amz-json-1.1"
    public static let signingService = "mturk-requester"
    public static let signingRegion = "us-east-1"
    public static let productionURL = URL(string: "https://mturk-requester.us-east-1.amazonaws.com")!
    public static let sandboxURL = URL(string: "https://mturk-requester-sandbox.us-east-1.amazonaws.com")!
    /// MTurk's limit for `Test` and `AnswerKey`.
    public static let maxDocumentBytes = 65_535

    /// The encoder both sides use: PascalCase members (Swift properties are camelCase), timestamps as epoch
    /// seconds, nil members left out.
    public static func encoder() -> JSONEncoder {
        let e = JSONEncoder()
        e.keyEncodingStrategy = .custom { path in PascalKey(path.last!.stringValue, upper: true) }
        e.dateEncodingStrategy = .secondsSince1970
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }

    public static func decoder() -> JSONDecoder {
        let d = JSONDecoder()
        d.keyDecodingStrategy = .custom { path in PascalKey(path.last!.stringValue, upper: false) }
        d.dateDecodingStrategy = .secondsSince1970
        return d
    }
}

/// Converts `qualificationTypeId` ⇄ `QualificationTypeId` (keys starting with `_`, like `__type`, stay as they are).
struct PascalKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }

    init(_ key: String, upper: Bool) {
        guard let first = key.first, first != "_" else {
            stringValue = key
            return
        }
        stringValue = (upper ? first.uppercased() : first.lowercased()) + key.dropFirst()
    }

    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

/// One of the qualification operations QualKit speaks (client and server).
public enum MTurkOperation: String, CaseIterable, Sendable, Hashable {
    case createQualificationType = "CreateQualificationType"
    case getQualificationType = "GetQualificationType"
    case updateQualificationType = "UpdateQualificationType"
    case deleteQualificationType = "DeleteQualificationType"
    case listQualificationTypes = "ListQualificationTypes"
    case associateQualificationWithWorker = "AssociateQualificationWithWorker"
    case disassociateQualificationFromWorker = "DisassociateQualificationFromWorker"
    case listWorkersWithQualificationType = "ListWorkersWithQualificationType"
    case getQualificationScore = "GetQualificationScore"
    case listQualificationRequests = "ListQualificationRequests"
    case acceptQualificationRequest = "AcceptQualificationRequest"
    case rejectQualificationRequest = "RejectQualificationRequest"
    case notifyWorkers = "NotifyWorkers"

    /// The `X-Amz-Target` header value.
    public var target: String { "\(MTurkProtocol.targetPrefix).\(rawValue)" }

    public init?(target: String) {
        let prefix = MTurkProtocol.targetPrefix + "."
        guard target.hasPrefix(prefix) else { return nil }
        self.init(rawValue: String(target.dropFirst(prefix.count)))
    }

    /// Whether sending the same request twice has the same effect as once. CreateQualificationType is not:
    /// after an ambiguous failure, look the type up by name instead of resending.
    public var isIdempotent: Bool {
        switch self {
        case .createQualificationType, .notifyWorkers: false
        default: true
        }
    }
}

/// A request shape tied to its operation and response shape.
public protocol MTurkRequest: Codable, Sendable, Equatable {
    associatedtype Response: Codable & Sendable & Equatable
    static var operation: MTurkOperation { get }
}

/// Operations that answer with `{}`.
public struct EmptyResponse: Codable, Sendable, Equatable {
    public init() {}
}

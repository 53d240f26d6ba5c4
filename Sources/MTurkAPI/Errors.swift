import Foundation

/// The JSON body of an MTurk error: `{"__type": …, "Message": …, "TurkErrorCode": …, "Parameter": …}`.
public struct MTurkErrorBody: Codable, Sendable, Equatable {
    public var type: String
    public var message: String
    public var turkErrorCode: String?
    public var parameter: String?

    enum CodingKeys: String, CodingKey {
        case type = "__type", message = "Message", turkErrorCode = "TurkErrorCode", parameter = "Parameter"
    }

    public init(type: String, message: String, turkErrorCode: String? = nil, parameter: String? = nil) {
        self.type = type
        self.message = message
        self.turkErrorCode = turkErrorCode
        self.parameter = parameter
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyKey.self)
        type = try c.decodeIfPresent(String.self, forKey: AnyKey("__type")) ?? "UnknownError"
        message = try c.decodeIfPresent(String.self, forKey: AnyKey("Message"))
            ?? c.decodeIfPresent(String.self, forKey: AnyKey("message")) ?? ""
        turkErrorCode = try c.decodeIfPresent(String.self, forKey: AnyKey("TurkErrorCode"))
        parameter = try c.decodeIfPresent(String.self, forKey: AnyKey("Parameter"))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(type, forKey: .type)
        try c.encode(message, forKey: .message)
        try c.encodeIfPresent(turkErrorCode, forKey: .turkErrorCode)
        try c.encodeIfPresent(parameter, forKey: .parameter)
    }

    /// The error code the way botocore reads `__type`: anything after `:` dropped, anything up to the last `#` dropped.
    public var code: String {
        var t = Substring(type)
        if let colon = t.firstIndex(of: ":") { t = t[..<colon] }
        if let hash = t.lastIndex(of: "#") { t = t[t.index(after: hash)...] }
        return String(t)
    }

    /// Encoded exactly as the service sends it (member names as MTurk spells them).
    public func encoded() -> Data {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? e.encode(self)) ?? Data()
    }
}

struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ s: String) { stringValue = s }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

/// `TurkErrorCode` values MTurk uses.
public enum TurkErrorCode {
    public static let invalidParameterValue = "AWS.MechanicalTurk.InvalidParameterValue"
    public static let qualificationTypeAlreadyExists = "AWS.MechanicalTurk.QualificationTypeAlreadyExists"
    public static let qualificationDoesNotExist = "AWS.MechanicalTurk.QualificationDoesNotExist"
    public static let qualificationTypeDoesNotExist = "AWS.MechanicalTurk.QualificationTypeDoesNotExist"
    public static let qualificationRequestDoesNotExist = "AWS.MechanicalTurk.QualificationRequestDoesNotExist"
    public static let invalidQualificationTypeState = "AWS.MechanicalTurk.InvalidQualificationTypeState"
    public static let invalidQualificationRequestState = "AWS.MechanicalTurk.InvalidQualificationRequestState"
    public static let permissionDenied = "AWS.MechanicalTurk.PermissionDeniedException"
    public static let xmlParseError = "AWS.MechanicalTurk.XMLParseError"
    public static let throttled = "AWS.MechanicalTurk.Throttled"
    public static let serviceUnavailable = "AWS.MechanicalTurk.ServiceUnavailable"
}

/// An error the service returned, typed.
public struct MTurkServiceError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        case requestError, parameterValidation, throttling, serviceFault, authentication
        case other(String)
    }

    public var kind: Kind
    public var body: MTurkErrorBody
    public var httpStatus: Int

    public init(body: MTurkErrorBody, httpStatus: Int) {
        self.body = body
        self.httpStatus = httpStatus
        switch body.code {
        case "RequestError": kind = .requestError
        case "ParameterValidationError", "ValidationException": kind = .parameterValidation
        case "ThrottlingException", "Throttling", "ThrottledException", "RequestThrottledException": kind = .throttling
        case "ServiceFault", "ServiceUnavailable", "InternalFailure": kind = .serviceFault
        case "UnrecognizedClientException", "InvalidSignatureException", "IncompleteSignature",
             "MissingAuthenticationToken", "InvalidClientTokenId", "SignatureDoesNotMatch": kind = .authentication
        default: kind = httpStatus >= 500 ? .serviceFault : .other(body.code)
        }
    }

    public var message: String { body.message }
    public var turkErrorCode: String? { body.turkErrorCode }

    public var description: String {
        "\(body.code)\(body.turkErrorCode.map { " (\($0))" } ?? ""): \(body.message)"
    }
}

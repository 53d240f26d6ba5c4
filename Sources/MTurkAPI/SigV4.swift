import Crypto
import Foundation

/// AWS Signature Version 4, the way MTurk (and botocore) sign JSON 1.1 requests. One implementation, used by
/// the client to sign and by `qualkit serve` to verify.
public enum SigV4 {
    public static let algorithm = "AWS4-HMAC-SHA256"

    /// `20150830T123600Z` (UTC).
    public static func amzDate(_ date: Date) -> String {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        let (y, m, d) = civil(fromDays: days)
        var out: [UInt8] = []
        out.reserveCapacity(16)
        func digits(_ value: Int, _ count: Int) {
            var divisor = 1
            for _ in 1..<count { divisor *= 10 }
            while divisor > 0 {
                out.append(UInt8(ascii: "0") + UInt8(value / divisor % 10))
                divisor /= 10
            }
        }
        digits(y, 4); digits(m, 2); digits(d, 2)
        out.append(UInt8(ascii: "T"))
        digits(secondOfDay / 3600, 2); digits(secondOfDay / 60 % 60, 2); digits(secondOfDay % 60, 2)
        out.append(UInt8(ascii: "Z"))
        return String(decoding: out, as: UTF8.self)
    }

    /// Parses `yyyyMMdd'T'HHmmss'Z'`; nil for anything else, including impossible dates such as February 30.
    public static func parseAmzDate(_ s: String) -> Date? {
        let b = Array(s.utf8)
        guard b.count == 16, b[8] == UInt8(ascii: "T"), b[15] == UInt8(ascii: "Z") else { return nil }
        func num(_ r: Range<Int>) -> Int? {
            var v = 0
            for i in r {
                guard b[i] >= UInt8(ascii: "0"), b[i] <= UInt8(ascii: "9") else { return nil }
                v = v * 10 + Int(b[i] - UInt8(ascii: "0"))
            }
            return v
        }
        guard let y = num(0..<4), let mo = num(4..<6), let d = num(6..<8), let h = num(9..<11), let mi = num(11..<13),
              let se = num(13..<15), (1...12).contains(mo), (1...31).contains(d), h < 24, mi < 60, se < 60 else { return nil }
        let days = daysFromCivil(y, mo, d)
        guard civil(fromDays: days) == (y, mo, d) else { return nil }
        return Date(timeIntervalSince1970: TimeInterval(days * 86_400 + h * 3600 + mi * 60 + se))
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (the well-known era/day-of-era arithmetic).
    static func daysFromCivil(_ year: Int, _ month: Int, _ day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * ((month + 9) % 12) + 2) / 5 + day - 1  // counted from March 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The inverse of ``daysFromCivil(_:_:_:)``.
    static func civil(fromDays days: Int) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// RFC 3986 percent-encoding of everything but the unreserved characters (and `/` when `keepSlash`).
    public static func uriEncode(_ s: String, keepSlash: Bool) -> String {
        var out = ""
        for byte in s.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            case UInt8(ascii: "/") where keepSlash:
                out.append("/")
            default:
                out.append("%")
                out.unicodeScalars.append(Unicode.Scalar(upperHexDigits[Int(byte >> 4)]))
                out.unicodeScalars.append(Unicode.Scalar(upperHexDigits[Int(byte & 0xF)]))
            }
        }
        return out
    }

    /// The canonical URI of a raw (as sent) path: dot segments removed, then encoded again (all services but S3).
    public static func canonicalURI(_ rawPath: String) -> String {
        let path = rawPath.isEmpty ? "/" : rawPath
        var segments: [Substring] = []
        for segment in path.split(separator: "/", omittingEmptySubsequences: true) {
            if segment == "." { continue }
            if segment == ".." { _ = segments.popLast(); continue }
            segments.append(segment)
        }
        var normalized = "/" + segments.joined(separator: "/")
        if path.hasSuffix("/") && normalized != "/" { normalized += "/" }
        return uriEncode(normalized, keepSlash: true)
    }

    /// The canonical query string of a raw query (without `?`): pairs sorted by name, then value.
    public static func canonicalQuery(_ rawQuery: String) -> String {
        var pairs: [(name: String, value: String)] = []
        for pair in rawQuery.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            pairs.append((String(parts[0]), parts.count > 1 ? String(parts[1]) : ""))
        }
        pairs.sort { a, b in a.name != b.name ? a.name < b.name : a.value < b.value }
        return pairs.map { $0.name + "=" + $0.value }.joined(separator: "&")
    }

    /// Header value as signed: trimmed, inner runs of spaces collapsed to one.
    public static func canonicalHeaderValue(_ value: String) -> String {
        let collapsed = value.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
        return String(trim(collapsed[...], \.isWhitespace))
    }

    /// `s` without the leading and trailing characters `isTrimmed` accepts.
    static func trim(_ s: Substring, _ isTrimmed: (Character) -> Bool) -> Substring {
        var t = s
        while let f = t.first, isTrimmed(f) { t = t.dropFirst() }
        while let l = t.last, isTrimmed(l) { t = t.dropLast() }
        return t
    }

    public static func hexSHA256<D: DataProtocol>(_ data: D) -> String {
        lowerHex(SHA256.hash(data: data))
    }

    static let lowerHexDigits = Array("0123456789abcdef".utf8)
    static let upperHexDigits = Array("0123456789ABCDEF".utf8)

    /// Lower-case hex of bytes (a digest, a signature): called several times per request, so no `String(format:)`.
    public static func lowerHex<S: Sequence<UInt8>>(_ bytes: S) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for b in bytes {
            out.append(lowerHexDigits[Int(b >> 4)])
            out.append(lowerHexDigits[Int(b & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The canonical request for the given headers (names compared case-insensitively).
    public static func canonicalRequest(method: String, path: String, query: String, headers: [(String, String)],
                                        signedHeaders: [String], payloadHash: String) -> String {
        var values: [String: [String]] = [:]
        for (name, value) in headers { values[name.lowercased(), default: []].append(canonicalHeaderValue(value)) }
        let canonicalHeaders = signedHeaders.map { "\($0):\((values[$0] ?? []).joined(separator: ","))\n" }.joined()
        return [method.uppercased(), canonicalURI(path), canonicalQuery(query), canonicalHeaders,
                signedHeaders.joined(separator: ";"), payloadHash].joined(separator: "\n")
    }

    public static func credentialScope(date: String, region: String, service: String) -> String {
        "\(date)/\(region)/\(service)/aws4_request"
    }

    public static func stringToSign(amzDate: String, scope: String, canonicalRequest: String) -> String {
        [algorithm, amzDate, scope, hexSHA256(Array(canonicalRequest.utf8))].joined(separator: "\n")
    }

    public static func signingKey(secret: String, date: String, region: String, service: String) -> SymmetricKey {
        var key = SymmetricKey(data: Array("AWS4\(secret)".utf8))
        for part in [date, region, service, "aws4_request"] {
            key = SymmetricKey(data: Data(HMAC<SHA256>.authenticationCode(for: Array(part.utf8), using: key)))
        }
        return key
    }

    public static func signature(key: SymmetricKey, stringToSign: String) -> String {
        lowerHex(HMAC<SHA256>.authenticationCode(for: Array(stringToSign.utf8), using: key))
    }
}

/// Signs requests with an access key. The secret is never part of any description.
public struct SigV4Signer: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var accessKeyId: String
    private let secretAccessKey: String
    public var sessionToken: String?
    public var service: String
    public var region: String

    public init(accessKeyId: String, secretAccessKey: String, sessionToken: String? = nil,
                service: String = MTurkProtocol.signingService, region: String = MTurkProtocol.signingRegion) {
        self.accessKeyId = accessKeyId
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
        self.service = service
        self.region = region
    }

    public init(accessKeyId: String, secret: SecretString, sessionToken: String? = nil,
                service: String = MTurkProtocol.signingService, region: String = MTurkProtocol.signingRegion) {
        self.init(accessKeyId: accessKeyId, secretAccessKey: secret.reveal(), sessionToken: sessionToken, service: service, region: region)
    }

    public var description: String { "SigV4Signer(\(accessKeyId), \(service), \(region))" }
    public var debugDescription: String { description }
    public var customMirror: Mirror {
        Mirror(self, children: ["accessKeyId": accessKeyId, "service": service, "region": region], displayStyle: .struct)
    }

    /// Returns `headers` plus `X-Amz-Date`, `X-Amz-Security-Token` (with a session token) and `Authorization`.
    /// Every header given is signed (`host` must be among them), except `user-agent` and `content-length`.
    public func sign(method: String, path: String, query: String = "", headers: [(String, String)], body: [UInt8],
                     date: Date) -> [(String, String)] {
        let amzDate = SigV4.amzDate(date)
        var all = headers.filter { $0.0.lowercased() != "authorization" && $0.0.lowercased() != "x-amz-date" }
        all.append(("X-Amz-Date", amzDate))
        if let sessionToken { all.append(("X-Amz-Security-Token", sessionToken)) }
        let unsigned: Set<String> = ["user-agent", "content-length", "expect", "transfer-encoding"]
        let signed = Array(Set(all.map { $0.0.lowercased() }).subtracting(unsigned)).sorted()
        let canonical = SigV4.canonicalRequest(method: method, path: path, query: query, headers: all, signedHeaders: signed,
                                               payloadHash: SigV4.hexSHA256(body))
        let day = String(amzDate.prefix(8))
        let scope = SigV4.credentialScope(date: day, region: region, service: service)
        let toSign = SigV4.stringToSign(amzDate: amzDate, scope: scope, canonicalRequest: canonical)
        let signature = SigV4.signature(key: SigV4.signingKey(secret: secretAccessKey, date: day, region: region, service: service),
                                        stringToSign: toSign)
        all.append(("Authorization", "\(SigV4.algorithm) Credential=\(accessKeyId)/\(scope), SignedHeaders=\(signed.joined(separator: ";")), Signature=\(signature)"))
        return all
    }
}

/// Checks SigV4 signatures on incoming requests (used by `qualkit serve`).
public struct SigV4Verifier: Sendable {
    public var service: String
    public var region: String
    /// How far the request's date may be from the server's clock (AWS allows 5 minutes).
    public var maxSkew: TimeInterval

    public init(service: String = MTurkProtocol.signingService, region: String = MTurkProtocol.signingRegion, maxSkew: TimeInterval = 300) {
        self.service = service
        self.region = region
        self.maxSkew = maxSkew
    }

    public enum Failure: Error, Sendable, Equatable {
        case missingAuthentication
        case incompleteSignature(String)
        case unknownAccessKey(String)
        case wrongScope(String)
        case expired(requestDate: String, serverDate: String)
        case signatureMismatch

        /// The error as AWS JSON services send it.
        public var errorBody: MTurkErrorBody {
            switch self {
            case .missingAuthentication:
                MTurkErrorBody(type: "MissingAuthenticationTokenException", message: "Missing Authentication Token")
            case .incompleteSignature(let why):
                MTurkErrorBody(type: "IncompleteSignatureException", message: why)
            case .unknownAccessKey:
                MTurkErrorBody(type: "UnrecognizedClientException", message: "The security token included in the request is invalid.")
            case .wrongScope(let why):
                MTurkErrorBody(type: "InvalidSignatureException", message: why)
            case .expired(let r, let s):
                MTurkErrorBody(type: "InvalidSignatureException", message: "Signature expired: \(r) is now earlier than \(s) (\(s) - 5 min.)")
            case .signatureMismatch:
                MTurkErrorBody(type: "InvalidSignatureException",
                               message: "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.")
            }
        }

        public var httpStatus: Int {
            switch self {
            case .missingAuthentication, .signatureMismatch, .expired, .wrongScope: 403
            case .incompleteSignature, .unknownAccessKey: 400
            }
        }
    }

    /// Verifies a request; returns the access key id that signed it.
    /// - Parameter secretFor: the secret of an access key id, or nil when the key is unknown or revoked.
    public func verify(method: String, path: String, query: String, headers: [(String, String)], body: [UInt8], now: Date,
                       secretFor: (String) -> String?) -> Result<String, Failure> {
        func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name }?.1 }
        guard let authorization = header("authorization") else { return .failure(.missingAuthentication) }
        guard authorization.hasPrefix(SigV4.algorithm + " ") else {
            return .failure(.incompleteSignature("Authorization header requires the \(SigV4.algorithm) algorithm"))
        }
        var fields: [String: String] = [:]
        for part in authorization.dropFirst(SigV4.algorithm.count + 1).split(separator: ",") {
            let kv = SigV4.trim(part) { $0 == " " || $0 == "\t" }.split(separator: "=", maxSplits: 1)
            if kv.count == 2 { fields[String(kv[0])] = String(kv[1]) }
        }
        guard let credential = fields["Credential"], let signedList = fields["SignedHeaders"], let provided = fields["Signature"] else {
            return .failure(.incompleteSignature("Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters"))
        }
        let scopeParts = credential.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard scopeParts.count == 5, scopeParts[4] == "aws4_request" else {
            return .failure(.incompleteSignature("Credential should be scoped to a valid date, region, service and aws4_request"))
        }
        let accessKeyId = scopeParts[0]
        guard let amzDate = header("x-amz-date"), let requestDate = SigV4.parseAmzDate(amzDate) else {
            return .failure(.incompleteSignature("Authorization requires the X-Amz-Date header in yyyyMMdd'T'HHmmss'Z' format"))
        }
        guard scopeParts[1] == String(amzDate.prefix(8)) else {
            return .failure(.wrongScope("Date in Credential scope does not match YYYYMMDD from the X-Amz-Date header"))
        }
        guard scopeParts[2] == region, scopeParts[3] == service else {
            return .failure(.wrongScope("Credential should be scoped to region '\(region)' and service '\(service)'"))
        }
        let signed = signedList.split(separator: ";").map { String($0) }
        guard signed.contains("host"), signed == signed.sorted() else {
            return .failure(.incompleteSignature("SignedHeaders must include host and be sorted"))
        }
        guard abs(requestDate.timeIntervalSince(now)) <= maxSkew else {
            return .failure(.expired(requestDate: amzDate, serverDate: SigV4.amzDate(now)))
        }
        guard let secret = secretFor(accessKeyId) else { return .failure(.unknownAccessKey(accessKeyId)) }
        let canonical = SigV4.canonicalRequest(method: method, path: path, query: query, headers: headers, signedHeaders: signed,
                                               payloadHash: SigV4.hexSHA256(body))
        let scope = scopeParts[1...4].joined(separator: "/")
        let toSign = SigV4.stringToSign(amzDate: amzDate, scope: scope, canonicalRequest: canonical)
        let expected = SigV4.signature(key: SigV4.signingKey(secret: secret, date: scopeParts[1], region: region, service: service),
                                       stringToSign: toSign)
        guard constantTimeEqual(Array(expected.utf8), Array(provided.utf8)) else { return .failure(.signatureMismatch) }
        return .success(accessKeyId)
    }

    private func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var diff: UInt8 = 0
        for i in 0..<a.count { diff |= a[i] ^ b[i] }
        return diff == 0
    }
}

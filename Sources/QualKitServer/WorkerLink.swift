import Crypto
import Foundation
import MTurkAPI

/// Signed worker links: `BASE/worker/types/TYPE?w=WORKER&e=EXPIRES&t=TOKEN`, where TOKEN is an HMAC-SHA256 of the
/// type, the worker and the expiry (epoch seconds) under the server's link key. Only the holder of the link can
/// take the test as that worker; links can be pasted into any crowd platform.
public enum WorkerLink {
    public static func token(key: [UInt8], typeId: String, workerId: String, expires: Int64) -> String {
        let message = "qualkit-link-v1\n\(typeId)\n\(workerId)\n\(expires)"
        return SigV4.lowerHex(HMAC<SHA256>.authenticationCode(for: Array(message.utf8), using: SymmetricKey(data: key)))
    }

    public static func path(key: [UInt8], typeId: String, workerId: String, expires: Int64) -> String {
        "/worker/types/\(typeId)?w=\(workerId)&e=\(expires)&t=\(token(key: key, typeId: typeId, workerId: workerId, expires: expires))"
    }

    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        case missing, malformed, expired, badSignature

        public var description: String {
            switch self {
            case .missing: "This page needs your personal test link (it carries w, e and t parameters). Ask the requester for it."
            case .malformed: "This link is damaged: copy the whole link again."
            case .expired: "This link has expired. Ask the requester for a new one."
            case .badSignature: "This link is not valid for this worker and qualification (was it changed?). Ask the requester for a new one."
            }
        }
    }

    /// Checks a link's fields in constant time; returns the worker id.
    public static func verify(key: [UInt8], typeId: String, worker: String?, expires: String?, token provided: String?,
                              now: Date) -> Result<String, Failure> {
        guard let worker, let expires, let provided else { return .failure(.missing) }
        guard let e = Int64(expires), provided.count == 64 else { return .failure(.malformed) }
        let expected = Array(token(key: key, typeId: typeId, workerId: worker, expires: e).utf8)
        let given = Array(provided.lowercased().utf8)
        var diff: UInt8 = 0
        for i in 0..<64 { diff |= expected[i] ^ given[i] }
        guard diff == 0 else { return .failure(.badSignature) }
        guard Double(e) >= now.timeIntervalSince1970 else { return .failure(.expired) }
        return .success(worker)
    }

    /// Parses durations like `7d`, `12h`, `30m`, `45s` or a plain number of seconds.
    public static func parseDuration(_ text: String) -> TimeInterval? {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        guard let last = t.last else { return nil }
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604_800]
        if let unit = units[last], let n = Double(t.dropLast()), n > 0 { return n * unit }
        if let n = Double(t), n > 0 { return n }
        return nil
    }
}

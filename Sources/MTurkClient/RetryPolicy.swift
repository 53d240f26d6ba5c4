/// When and how long to wait before retrying a call: exponential backoff with full jitter
/// (sleep a random time between 0 and min(cap, base·2^attempt)), as AWS recommends.
public struct RetryPolicy: Sendable, Hashable {
    public var maxAttempts: Int
    public var baseDelay: Duration
    public var maxDelay: Duration

    public init(maxAttempts: Int = 6, baseDelay: Duration = .milliseconds(100), maxDelay: Duration = .seconds(20)) {
        precondition(maxAttempts >= 1, "at least one attempt")
        self.maxAttempts = maxAttempts
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
    }

    public static let none = RetryPolicy(maxAttempts: 1)

    /// What went wrong with one attempt.
    public enum Failure: Sendable, Hashable {
        /// The service answered with an error body: its `__type` and HTTP status.
        case service(type: String, status: Int)
        /// The connection failed or timed out: the request may or may not have reached the service.
        case transport
    }

    public enum Decision: Sendable, Hashable {
        case retry(after: Duration)
        case giveUp
    }

    /// Whether this failure is worth retrying at all.
    public static func isRetryable(_ failure: Failure) -> Bool {
        switch failure {
        case .transport: return true
        case .service(let type, let status):
            if status >= 500 || status == 429 { return true }
            return ["ThrottlingException", "Throttling", "ThrottledException", "RequestThrottledException",
                    "TooManyRequestsException", "ServiceFault", "ServiceUnavailable", "RequestTimeout"].contains(type)
        }
    }

    /// The decision after `attempt` (1-based) failed. `random` returns a value in [0, 1).
    /// Non-idempotent calls are not retried after a transport failure: the first try may have succeeded.
    public func decide(afterAttempt attempt: Int, failure: Failure, idempotent: Bool,
                       random: () -> Double) -> Decision {
        guard attempt < maxAttempts, Self.isRetryable(failure) else { return .giveUp }
        if !idempotent, case .transport = failure { return .giveUp }
        if !idempotent, case .service(_, let status) = failure, status >= 500 { return .giveUp }
        let exponent = min(attempt - 1, 30)
        let ceiling = min(maxDelay, baseDelay * (1 << exponent))
        let fraction = max(0, min(random(), 0.999_999))
        return .retry(after: ceiling * fraction)
    }
}

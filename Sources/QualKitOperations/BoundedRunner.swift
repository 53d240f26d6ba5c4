import Foundation

/// A token bucket: at most `ratePerSecond` starts per second on average, bursts up to `burst`.
public actor RateLimiter {
    private let ratePerSecond: Double
    private let burst: Double
    private var tokens: Double
    private var last: ContinuousClock.Instant
    private let clock = ContinuousClock()

    public init(ratePerSecond: Double, burst: Int? = nil) {
        precondition(ratePerSecond > 0, "rate must be positive")
        self.ratePerSecond = ratePerSecond
        self.burst = Double(burst ?? max(1, Int(ratePerSecond / 10)))
        self.tokens = self.burst
        self.last = clock.now
    }

    /// Waits until a token is available, then takes it.
    public func acquire() async throws {
        while true {
            let now = clock.now
            let elapsed = now - last
            last = now
            tokens = min(burst, tokens + Double(elapsed.components.seconds) * ratePerSecond
                         + Double(elapsed.components.attoseconds) / 1e18 * ratePerSecond)
            if tokens >= 1 {
                tokens -= 1
                return
            }
            let wait = (1 - tokens) / ratePerSecond
            try await Task.sleep(for: .nanoseconds(Int64(wait * 1e9)))
        }
    }
}

/// Runs an operation over many items with at most `concurrency` in flight and an optional rate limit,
/// reporting each outcome as it arrives.
public enum BoundedRunner {
    public enum Outcome<Item: Sendable>: Sendable {
        case success(Item)
        case failure(Item, any Error)
    }

    public static func run<Item: Sendable>(
        _ items: [Item],
        concurrency: Int,
        limiter: RateLimiter? = nil,
        operation: @escaping @Sendable (Item) async throws -> Void,
        onOutcome: @Sendable (Outcome<Item>) async -> Void
    ) async throws {
        precondition(concurrency > 0, "concurrency must be positive")
        try await withThrowingTaskGroup(of: Outcome<Item>.self) { group in
            var iterator = items.makeIterator()
            var inFlight = 0
            func startNext(_ group: inout ThrowingTaskGroup<Outcome<Item>, any Error>) async throws -> Bool {
                guard let item = iterator.next() else { return false }
                try await limiter?.acquire()
                group.addTask {
                    do {
                        try await operation(item)
                        return .success(item)
                    } catch is CancellationError {
                        throw CancellationError()
                    } catch {
                        return .failure(item, error)
                    }
                }
                return true
            }
            while inFlight < concurrency, try await startNext(&group) { inFlight += 1 }
            while let outcome = try await group.next() {
                inFlight -= 1
                await onOutcome(outcome)
                try Task.checkCancellation()
                if try await startNext(&group) { inFlight += 1 }
            }
        }
    }
}

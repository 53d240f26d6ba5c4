import Dispatch
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs `process` on worker threads over items produced and consumed on the calling thread, keeping the
/// input order and a bounded number of items in flight (so memory stays flat however long the input).
///
/// Each worker owns a `State` made by `makeState` on its own thread (e.g. an ``AttemptScorer``, which is not
/// thread-safe); only `Input` and `Output` values cross threads.
public enum OrderedParallelMap {
    /// The number of online processors.
    public static var processorCount: Int {
        max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    }

    /// - Parameters:
    ///   - workers: Worker threads (at least 1).
    ///   - inFlight: Items submitted and not yet consumed, at most (default 4 per worker).
    ///   - produce: Called on the calling thread until it returns nil.
    ///   - makeState: Called once on each worker thread.
    ///   - process: Called on a worker thread.
    ///   - deliver: Called on the calling thread, in input order.
    public static func run<Input: Sendable, Output: Sendable, State>(
        workers: Int,
        inFlight: Int? = nil,
        produce: () throws -> Input?,
        makeState: @escaping @Sendable () -> State,
        process: @escaping @Sendable (inout State, Input) -> Output,
        deliver: (Output) throws -> Void
    ) throws {
        let workers = max(1, workers)
        let limit = max(workers, inFlight ?? workers * 4)
        let shared = Shared<Input, Output>()
        let group = DispatchGroup()
        for _ in 0..<workers {
            DispatchQueue.global().async(group: group) {
                var state = makeState()
                while true {
                    shared.jobsAvailable.wait()
                    guard case .work(let seq, let input)? = shared.jobs.withLock({ $0.popFirst() }) else { return }
                    let output = process(&state, input)
                    shared.results.withLock { $0[seq] = output }
                    shared.resultsAvailable.signal()
                }
            }
        }
        defer {
            shared.jobs.withLock { queue in for _ in 0..<workers { queue.append(.stop) } }
            for _ in 0..<workers { shared.jobsAvailable.signal() }
            group.wait()
        }
        var submitted = 0
        var consumed = 0
        var exhausted = false
        while true {
            while !exhausted && submitted - consumed < limit {
                guard let input = try produce() else {
                    exhausted = true
                    break
                }
                let seq = submitted
                shared.jobs.withLock { $0.append(.work(seq, input)) }
                shared.jobsAvailable.signal()
                submitted += 1
            }
            if exhausted && consumed == submitted { return }
            shared.resultsAvailable.wait()
            while let output = shared.results.withLock({ $0.removeValue(forKey: consumed) }) {
                consumed += 1
                try deliver(output)
            }
        }
    }
}

/// A first-in first-out queue with O(1) amortised removal.
struct Deque<Element> {
    private var items: [Element?] = []
    private var head = 0

    mutating func append(_ e: Element) { items.append(e) }

    mutating func popFirst() -> Element? {
        guard head < items.count else { return nil }
        let e = items[head]
        items[head] = nil
        head += 1
        if head > 1024 && head * 2 > items.count {
            items.removeFirst(head)
            head = 0
        }
        return e
    }
}

private final class Shared<Input: Sendable, Output: Sendable>: Sendable {
    let jobs = Mutex(Deque<Job<Input>>())
    let results = Mutex([Int: Output]())
    let jobsAvailable = DispatchSemaphore(value: 0)
    let resultsAvailable = DispatchSemaphore(value: 0)
}

enum Job<Input: Sendable>: Sendable {
    case work(Int, Input)
    /// Tells a worker to stop.
    case stop
}

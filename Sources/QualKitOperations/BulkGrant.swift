/// Applies a grant plan with bounded concurrency and a rate limit, recording every step in a journal so an
/// interrupted run can be resumed without repeating or losing a grant.
public enum BulkGrant {
    public struct Report: Sendable, Hashable {
        /// Grants the service acknowledged in this run.
        public var granted: Int = 0
        /// Grants skipped because the journal shows them done in an earlier run.
        public var alreadyDone: Int = 0
        /// Grants from an interrupted run that the service already had (checked, not sent again).
        public var confirmed: Int = 0
        /// Grants that failed: worker and error message.
        public var failures: [Failure] = []

        public struct Failure: Sendable, Hashable {
            public var workerId: String
            public var message: String
        }
    }

    public struct Progress: Sendable {
        public var done: Int
        public var total: Int
        public var failed: Int
    }

    /// - Parameters:
    ///   - rows: the grants to apply (a plan's `toApply`).
    ///   - grant: sends one grant; throws on failure (after the caller's own retries).
    ///   - currentValue: reads a worker's current value (nil when not granted), used for grants whose outcome
    ///     the journal does not know.
    public static func run(
        _ rows: [GrantRow],
        journal: GrantJournal,
        concurrency: Int,
        ratePerSecond: Double?,
        grant: @escaping @Sendable (GrantRow) async throws -> Void,
        currentValue: @escaping @Sendable (String) async throws -> Int32?,
        progress: @escaping @Sendable (Progress) -> Void = { _ in }
    ) async throws -> Report {
        var report = Report()
        let done = journal.completed
        let uncertain = journal.uncertain
        var pending: [GrantRow] = []
        for row in rows {
            if done[row.workerId] == row.value {
                report.alreadyDone += 1
            } else if uncertain[row.workerId] == row.value, try await currentValue(row.workerId) == row.value {
                try journal.recordDone(row)
                report.confirmed += 1
            } else {
                pending.append(row)
            }
        }
        let counter = Counter(total: rows.count, done: report.alreadyDone + report.confirmed)
        progress(await counter.progress)
        let limiter = ratePerSecond.map { RateLimiter(ratePerSecond: $0) }
        let collected = Collected()
        try await BoundedRunner.run(pending, concurrency: concurrency, limiter: limiter, operation: { row in
            try journal.recordIntent(row)
            try await grant(row)
            try journal.recordDone(row)
        }, onOutcome: { outcome in
            switch outcome {
            case .success:
                await collected.success()
                progress(await counter.step(failed: false))
            case .failure(let row, let error):
                try? journal.recordFailure(row, message: String(describing: error))
                await collected.failure(.init(workerId: row.workerId, message: String(describing: error)))
                progress(await counter.step(failed: true))
            }
        })
        report.granted = await collected.granted
        report.failures = await collected.failures
        return report
    }

    private actor Counter {
        let total: Int
        var done: Int
        var failed = 0
        init(total: Int, done: Int) {
            self.total = total
            self.done = done
        }
        var progress: Progress { Progress(done: done, total: total, failed: failed) }
        func step(failed f: Bool) -> Progress {
            done += 1
            if f { failed += 1 }
            return progress
        }
    }

    private actor Collected {
        var granted = 0
        var failures: [Report.Failure] = []
        func success() { granted += 1 }
        func failure(_ f: Report.Failure) { failures.append(f) }
    }
}

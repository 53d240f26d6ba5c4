import Foundation
import QualKitOperations
import Testing

@Suite("Grants files")
struct GrantListTests {
    @Test func parsesRowsWithHeaderDefaultsAndComments() throws {
        let text = "worker,value\r\nA1B2C3,90\n# a comment\n\nA9Z8Y7\nA55, 12 \n"
        let rows = try GrantList.parse(text).get()
        #expect(rows.map(\.workerId) == ["A1B2C3", "A9Z8Y7", "A55"])
        #expect(rows.map(\.value) == [90, 1, 12])
        #expect(rows.map(\.line) == [2, 5, 6])
    }

    @Test func reportsEveryBadLine() {
        let text = "A1B2C3,90\nnot-a-worker,1\nA1B2C3,5\nA77,ninety\nA88,1,2\nA99,3000000000\n"
        guard case .failure(let all) = GrantList.parse(text) else {
            Issue.record("expected errors")
            return
        }
        let errors = all.errors
        #expect(errors.map(\.line) == [2, 3, 4, 5, 6])
        #expect(errors[0].hint.contains("A1B2C3D4E5F6G7"))
        #expect(errors[1].message.contains("line 1"))
    }

    @Test func workerIdPattern() {
        #expect(GrantList.isValidWorkerId("A1B2C3D4E5F6G7"))
        #expect(!GrantList.isValidWorkerId("a1b2"))
        #expect(!GrantList.isValidWorkerId("B123"))
        #expect(!GrantList.isValidWorkerId("A"))
        #expect(!GrantList.isValidWorkerId("A" + String(repeating: "1", count: 64)))
    }
}

@Suite("Grant plans")
struct GrantPlanTests {
    @Test func splitsNewChangedUnchanged() {
        let rows = [GrantRow(workerId: "A1", value: 90), GrantRow(workerId: "A2", value: 80), GrantRow(workerId: "A3", value: 70)]
        let plan = GrantPlan(rows: rows, current: ["A2": 80, "A3": 60, "A9": 100])
        #expect(plan.new.map(\.workerId) == ["A1"])
        #expect(plan.changed == [GrantPlan.Change(workerId: "A3", from: 60, to: 70)])
        #expect(plan.unchanged.map(\.workerId) == ["A2"])
        #expect(plan.toApply.map(\.workerId) == ["A1", "A3"])
    }
}

@Suite("Grant journal")
struct GrantJournalTests {
    func tempPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("journal-\(UUID().uuidString).jsonl").path
    }

    @Test func resumesFromWhatWasWritten() throws {
        let path = tempPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            let j = try GrantJournal(path: path, qualificationTypeId: "3TYPE", endpoint: "http://127.0.0.1:1")
            try j.recordIntent(GrantRow(workerId: "A1", value: 5))
            try j.recordDone(GrantRow(workerId: "A1", value: 5))
            try j.recordIntent(GrantRow(workerId: "A2", value: 6))
            try j.recordIntent(GrantRow(workerId: "A3", value: 7))
            try j.recordFailure(GrantRow(workerId: "A3", value: 7), message: "boom")
        }
        // A crash mid-write leaves a torn last line.
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("{\"kind\":\"do".utf8))
        try handle.close()
        let again = try GrantJournal(path: path, qualificationTypeId: "3TYPE", endpoint: "http://127.0.0.1:1")
        #expect(again.completed == ["A1": 5])
        #expect(again.uncertain == ["A2": 6])
    }

    @Test func refusesAnotherRunsJournal() throws {
        let path = tempPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        _ = try GrantJournal(path: path, qualificationTypeId: "3TYPE", endpoint: "http://a")
        #expect(throws: JournalError.self) { try GrantJournal(path: path, qualificationTypeId: "OTHER", endpoint: "http://a") }
        #expect(throws: JournalError.self) { try GrantJournal(path: path, qualificationTypeId: "3TYPE", endpoint: "http://b") }
    }
}

@Suite("Ledger")
struct LedgerTests {
    @Test func recordsAndFindsByEndpoint() throws {
        var ledger = Ledger()
        ledger.record(.init(endpoint: "http://127.0.0.1:8080/", name: "English test", qualificationTypeId: "3ABC", contentHash: "h1", updatedAt: "t"))
        ledger.record(.init(endpoint: "https://mturk-requester-sandbox.us-east-1.amazonaws.com", name: "English test", qualificationTypeId: "3XYZ", contentHash: "h2", updatedAt: "t"))
        #expect(ledger.entry(endpoint: "http://127.0.0.1:8080", name: "English test")?.qualificationTypeId == "3ABC")
        #expect(ledger.endpoints(ofTypeId: "3XYZ") == ["https://mturk-requester-sandbox.us-east-1.amazonaws.com"])
        ledger.record(.init(endpoint: "http://127.0.0.1:8080", name: "English test", qualificationTypeId: "3ABC", contentHash: "h3", updatedAt: "t2"))
        #expect(ledger.entries.count == 2)
        let decoded = try Ledger.decode(try ledger.encoded())
        #expect(decoded == ledger)
    }

    @Test func contentHashSeparatesParts() {
        #expect(Ledger.contentHash(parts: ["ab", "c"]) != Ledger.contentHash(parts: ["a", "bc"]))
        #expect(Ledger.contentHash(parts: ["x"]).count == 64)
    }
}

@Suite("Bounded runner and rate limiter")
struct RunnerTests {
    actor Counter {
        var current = 0, peak = 0, done: [Int] = []
        func enter() { current += 1; peak = max(peak, current) }
        func leave(_ i: Int) { current -= 1; done.append(i) }
    }

    @Test func respectsConcurrencyAndReportsEveryItem() async throws {
        let counter = Counter()
        let failures = Counter()
        try await BoundedRunner.run(Array(0..<50), concurrency: 4, operation: { i in
            await counter.enter()
            try await Task.sleep(for: .milliseconds(2))
            await counter.leave(i)
            if i % 10 == 0 { throw CocoaError(.fileNoSuchFile) }
        }, onOutcome: { outcome in
            if case .failure(let i, _) = outcome { await failures.leave(i) }
        })
        #expect(await counter.peak <= 4)
        #expect(await counter.done.count == 50)
        #expect(await failures.done.sorted() == [0, 10, 20, 30, 40])
    }

    @Test func rateLimiterSpacesStarts() async throws {
        let limiter = RateLimiter(ratePerSecond: 200, burst: 1)
        let clock = ContinuousClock()
        let start = clock.now
        for _ in 0..<21 { try await limiter.acquire() }
        // 20 waits at 5 ms each: at least ~100 ms.
        #expect(clock.now - start >= .milliseconds(90))
    }
}

@Suite("Bulk grants resume from the journal")
struct BulkGrantTests {
    /// Stands in for the service's state in this unit test of the orchestration; end-to-end tests use `qualkit serve`.
    actor Holdings {
        var values: [String: Int32] = [:]
        var sends = 0
        func grant(_ row: GrantRow) { values[row.workerId] = row.value; sends += 1 }
        func value(_ w: String) -> Int32? { values[w] }
    }

    @Test func interruptedRunResumesWithoutRepeatsOrLosses() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("bulk-\(UUID().uuidString).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let rows = (0..<40).map { GrantRow(workerId: "A\($0)", value: Int32($0)) }
        let service = Holdings()
        // First run: the service dies after 15 grants; the 16th was sent but its acknowledgement was lost.
        struct Crash: Error {}
        let first = try GrantJournal(path: path, qualificationTypeId: "3T", endpoint: "local")
        for row in rows.prefix(15) {
            try first.recordIntent(row)
            await service.grant(row)
            try first.recordDone(row)
        }
        try first.recordIntent(rows[15])
        await service.grant(rows[15])
        // Second run.
        let journal = try GrantJournal(path: path, qualificationTypeId: "3T", endpoint: "local")
        let report = try await BulkGrant.run(rows, journal: journal, concurrency: 4, ratePerSecond: nil,
                                             grant: { await service.grant($0) },
                                             currentValue: { await service.value($0) })
        #expect(report.alreadyDone == 15)
        #expect(report.confirmed == 1)
        #expect(report.granted == 24)
        #expect(report.failures.isEmpty)
        #expect(await service.sends == 40)
        #expect(await service.values.count == 40)
        #expect(journal.completed.count == 40)
    }

    @Test func failuresAreReportedAndRetriedNextRun() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("bulk-\(UUID().uuidString).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        struct Refused: Error {}
        let rows = [GrantRow(workerId: "A1", value: 1), GrantRow(workerId: "A2", value: 2)]
        let journal = try GrantJournal(path: path, qualificationTypeId: "3T", endpoint: "local")
        let service = Holdings()
        let report = try await BulkGrant.run(rows, journal: journal, concurrency: 2, ratePerSecond: 1000, grant: { row in
            if row.workerId == "A2" { throw Refused() }
            await service.grant(row)
        }, currentValue: { await service.value($0) })
        #expect(report.granted == 1)
        #expect(report.failures.map(\.workerId) == ["A2"])
        let again = try await BulkGrant.run(rows, journal: try GrantJournal(path: path, qualificationTypeId: "3T", endpoint: "local"),
                                            concurrency: 2, ratePerSecond: nil, grant: { await service.grant($0) },
                                            currentValue: { await service.value($0) })
        #expect(again.alreadyDone == 1)
        #expect(again.granted == 1)
    }
}

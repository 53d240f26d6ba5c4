import Testing
import QualKitOperations
@testable import QualKitAccuracy

struct GrantSelectionTests {
    @Test func batchPilotToGrantsFile() throws {
        let data = try BatchResults(resultsFile: Sample.batch, goldFile: Sample.batchGold).read()
        let report = try AccuracyReport(data)
        let selection = GrantSelection(report.workers, minAccuracy: 0.9, minGold: 3, isGrantable: GrantList.isValidWorkerId)
        #expect(selection.grants.map(\.workerId) == ["A1K7QX2M4PZ8RT", "A2B3NV9L1WQ6HD"])
        #expect(selection.grants.map(\.value) == [100, 100])
        let reasons = Dictionary(uniqueKeysWithValues: selection.leftOut.map { ($0.workerId, $0.reason) })
        #expect(reasons["A3G6PE0W8TL2YN"] == .noGold)
        #expect(reasons["A3T5RJ8C2YK0MA"] == .tooFewGold(have: 2, need: 3))
        #expect(reasons["A1H2DW6P9XN4LS"] == .belowBar(accuracy: 0.25, bar: 0.9))
        #expect(selection.grants.count + selection.leftOut.count == 9)
        #expect(selection.leftOut.first { $0.workerId == "A1H2DW6P9XN4LS" }!.description.contains("0.25 is below 0.9"))

        // The file is exactly what `qualkit workers grant --from` reads.
        let rows = try GrantList.parse(selection.csv).get()
        #expect(rows.map(\.workerId) == ["A1K7QX2M4PZ8RT", "A2B3NV9L1WQ6HD"])
        #expect(rows.map(\.value) == [100, 100])
    }

    @Test func valueIsRoundedPercentage() throws {
        func worker(_ id: String, _ right: Int, _ of: Int) -> WorkerAccuracy {
            WorkerAccuracy(workerId: id, responses: of, objects: of, goldResponses: of, goldCorrect: right,
                           goldAccuracy: Double(right) / Double(of), goldInterval: nil, consolidatedResponses: 0,
                           consolidatedCorrect: 0, consolidatedAccuracy: nil, consolidatedInterval: nil,
                           weightedGoldAccuracy: nil, dawidSkeneAccuracy: nil, goldConfusion: [], consolidatedConfusion: [])
        }
        let s = GrantSelection([worker("A1", 2, 3), worker("A2", 7, 8), worker("A3", 57, 200), worker("A4", 7, 10)],
                               minAccuracy: 0.6, minGold: 1)
        // 66.67 → 67, 87.5 → 88 (halves up), 28.5 → below the bar, 70 → 70.
        #expect(s.grants.map(\.value) == [67, 88, 70])
        #expect(s.leftOut.map(\.workerId) == ["A3"])
        // The bar is inclusive: 7/10 passes 0.7.
        let bar = GrantSelection([worker("A1", 2, 3), worker("A4", 7, 10)], minAccuracy: 0.7, minGold: 3)
        #expect(bar.grants.map(\.workerId) == ["A4"])
        #expect(bar.leftOut.map(\.reason) == [.belowBar(accuracy: 2.0 / 3.0, bar: 0.7)])
    }

    @Test func groundTruthIdsAreNotGrantable() throws {
        let report = try Sample.report()
        let s = GrantSelection(report.workers, minAccuracy: 0.9, minGold: 3, isGrantable: GrantList.isValidWorkerId)
        #expect(s.grants.isEmpty)
        #expect(s.leftOut.filter { $0.reason == .notGrantable }.map(\.workerId) == ["public.us-east-1.B3NV9L1WQ6HD", "public.us-east-1.K7QX2M4PZ8RT"])
        #expect(s.csv == "worker,value\n")
        // Without the MTurk check the same workers are chosen.
        let open = GrantSelection(report.workers, minAccuracy: 0.9, minGold: 3)
        #expect(open.grants.map(\.value) == [100, 100])
    }
}

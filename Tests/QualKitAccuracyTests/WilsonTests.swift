import Testing
@testable import QualKitAccuracy

struct WilsonTests {
    @Test(arguments: [
        (8.0, 10.0, 0.4902, 0.9433),
        (0.0, 10.0, 0.0, 0.2775),
        (10.0, 10.0, 0.7225, 1.0),
        (1.0, 2.0, 0.0945, 0.9055),
        (45.0, 50.0, 0.7864, 0.9565),
    ])
    func knownIntervals(successes: Double, trials: Double, low: Double, high: Double) throws {
        let i = try #require(Wilson.interval(successes: successes, trials: trials))
        #expect(abs(i.low - low) < 5e-5)
        #expect(abs(i.high - high) < 5e-5)
    }

    @Test func noTrialsNoInterval() {
        #expect(Wilson.interval(successes: 0, trials: 0) == nil)
    }
}

import ArgumentParser
import Foundation
import QualKit
import QualKitScoring

struct ThresholdCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "threshold",
        abstract: "The IntegerValue and comparator a HIT requirement needs for a goal, under the key's mapping.",
        discussion: """
            Examples: qualkit threshold --key answer-key.xml "8 of 10 correct"; qualkit threshold SampleForms/x --percent 90. \
            The value is computed exactly as `qualkit score` would (same mapping and rounding), and the output shows \
            the rounding and any sums it lets through.
            """)

    @Argument(help: "A test directory (optional with --key), then a goal like \"8 of 10 correct\".")
    var words: [String] = []

    @Option(help: "The AnswerKey file (instead of a test directory).")
    var key: String?

    @Option(help: "Goal: a summed score of at least this percent of the maximum.")
    var percent: Int?

    @Option(help: "Rounding of non-integer values (see qualkit score).")
    var rounding: Rounding = .halfUp

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        var rest = words
        var keyPath = key
        if keyPath == nil {
            guard let dir = rest.first, TestDirectory.isTestDirectory(dir) else {
                throw ValidationError("give --key FILE or a test directory first")
            }
            rest.removeFirst()
            guard let k = TestDirectory(path: dir).keyPath else { throw CLIError.usage("\(dir) has no \(TestDirectory.keyFile)") }
            keyPath = k
        }
        let scoringKey = try ScoringSetup.loadKey(keyPath!, form: nil, rounding: rounding)
        let result: ThresholdResult
        do {
            if let percent {
                guard rest.isEmpty else { throw ValidationError("give either --percent or a goal like \"8 of 10 correct\", not both") }
                result = try scoringKey.threshold(percent: percent)
            } else {
                let goal = rest.joined(separator: " ")
                guard let (k, n) = Self.parseGoal(goal) else {
                    throw ValidationError("goal \"\(goal)\": write it as \"8 of 10 correct\" (or use --percent 90)")
                }
                result = try scoringKey.threshold(correct: k, of: n)
            }
        } catch let e as ThresholdError {
            throw CLIError.usage(e.description.replacingOccurrences(of: "error: ", with: ""))
        }
        if json {
            let o: JSONValue = .object([
                "goal": .string(result.goal), "goalSum": .int(result.goalSum),
                "comparator": .string(result.comparator.rawValue), "integerValue": .int(Int64(result.integerValue)),
                "derivation": .string(result.derivation.description), "rounding": .string(rounding.rawValue),
                "lowestPassingSum": .int(result.lowestPassingSum),
                "notes": .array(result.notes.map { .string($0) }),
            ])
            print(o.text)
            return
        }
        print("goal: \(result.goal) → lowest summed score \(result.goalSum) (of \(scoringKey.minimumSum)…\(scoringKey.maximumSum))")
        print("value: \(result.derivation.description)")
        if result.derivation.rounded { print("rounding: \(rounding.explanation)") }
        print("requirement: Comparator \(result.comparator.rawValue), IntegerValues [\(result.integerValue)]")
        for note in result.notes { print("note: \(note)") }
    }

    /// "8 of 10 correct", "8/10", "8 of 10".
    static func parseGoal(_ text: String) -> (Int, Int)? {
        let cleaned = text.lowercased().replacingOccurrences(of: "correct", with: "").replacingOccurrences(of: "/", with: " of ")
        let parts = cleaned.split(separator: " ").filter { !$0.isEmpty }
        guard parts.count == 3, parts[1] == "of", let k = Int(parts[0]), let n = Int(parts[2]) else { return nil }
        return (k, n)
    }
}

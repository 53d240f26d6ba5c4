import QualKit
import QualKitScoring
import Testing

@Suite struct ValueMappingTests {
    func key(_ mapping: ValueMapping?, rounding: Rounding = .halfUp) throws -> ScoringKey {
        try ScoringKey(AnswerKey(questions: [KeyQuestion(identifier: "q", options: [AnswerOption(selectionIdentifiers: ["a"], score: 1)])],
                                 mapping: mapping), rounding: rounding)
    }

    @Test func noMappingIsTheSum() throws {
        let k = try key(nil)
        #expect(try k.value(forSum: -17).get() == -17)
        #expect(throws: ValueError.self) { try k.value(forSum: 2_147_483_648).get() }
        #expect(try k.value(forSum: 2_147_483_647).get() == 2_147_483_647)
    }

    @Test(arguments: [
        // sum, max, half-up, half-even, half-away, truncate
        (1, 8, 13, 12, 13, 12),     // 12.5
        (3, 8, 38, 38, 38, 37),     // 37.5
        (-1, 8, -12, -12, -13, -12), // -12.5: Java Math.round gives -12
        (-3, 8, -37, -38, -38, -37), // -37.5
        (2, 3, 67, 67, 67, 66),     // 66.67
        (1, 3, 33, 33, 33, 33),     // 33.33
        (-2, 3, -67, -67, -67, -66),
        (9, 8, 113, 112, 113, 112), // 112.5: no clamping above 100
        (5, 10, 50, 50, 50, 50),
    ])
    func percentageRounding(sum: Int, max: Int, up: Int, even: Int, away: Int, trunc: Int) throws {
        let m = ValueMapping.percentage(maximumSummedScore: Int32(max), origin: Origin())
        #expect(try key(m, rounding: .halfUp).value(forSum: Int64(sum)).get() == Int32(up))
        #expect(try key(m, rounding: .halfEven).value(forSum: Int64(sum)).get() == Int32(even))
        #expect(try key(m, rounding: .halfAway).value(forSum: Int64(sum)).get() == Int32(away))
        #expect(try key(m, rounding: .truncate).value(forSum: Int64(sum)).get() == Int32(trunc))
    }

    @Test(arguments: [
        ("1.5", 3, 5, 4, 5, 4),          // 4.5
        ("1.5", -3, -4, -4, -5, -4),     // -4.5
        ("0.1", 25, 3, 2, 3, 2),         // 2.5 exactly (binary 0.1 would not be)
        ("2.5E1", 2, 50, 50, 50, 50),
        ("1e-1", 15, 2, 2, 2, 1),        // 1.5
        ("0.333", 3, 1, 1, 1, 0),        // 0.999
        ("-0.25", 2, 0, 0, -1, 0),       // -0.5
        ("1.000000000000000000000000000000000001", 2, 2, 2, 2, 2),
        ("99999999999999999999999999999999999999E-37", 2, 20, 20, 20, 19), // 19.99…: 128-bit overflow path
    ])
    func scaleIsExactDecimal(m: String, sum: Int, up: Int, even: Int, away: Int, trunc: Int) throws {
        let mapping = ValueMapping.scale(multiplier: try #require(DecimalNumber(m)), origin: Origin())
        #expect(try key(mapping, rounding: .halfUp).value(forSum: Int64(sum)).get() == Int32(up))
        #expect(try key(mapping, rounding: .halfEven).value(forSum: Int64(sum)).get() == Int32(even))
        #expect(try key(mapping, rounding: .halfAway).value(forSum: Int64(sum)).get() == Int32(away))
        #expect(try key(mapping, rounding: .truncate).value(forSum: Int64(sum)).get() == Int32(trunc))
    }

    @Test func rangeMappingInclusiveBoundsAndOutOfRange() throws {
        let k = try key(.range(ranges: [ScoreRange(lowerBound: 0, upperBound: 4, value: 10),
                                        ScoreRange(lowerBound: 5, upperBound: 9, value: 20)], outOfRange: -1, origin: Origin()))
        #expect(try k.value(forSum: 0).get() == 10)
        #expect(try k.value(forSum: 4).get() == 10)
        #expect(try k.value(forSum: 5).get() == 20)
        #expect(try k.value(forSum: 9).get() == 20)
        #expect(try k.value(forSum: 10).get() == -1)
        #expect(try k.value(forSum: -1).get() == -1)
    }

    /// Two questions, each +5, −2 or DefaultScore 0: sums run from −4 to 10.
    func twoQuestionKey(_ mapping: ValueMapping?) throws -> ScoringKey {
        let options = [AnswerOption(selectionIdentifiers: ["a"], score: 5), AnswerOption(selectionIdentifiers: ["b"], score: -2)]
        return try ScoringKey(AnswerKey(questions: [KeyQuestion(identifier: "q1", options: options, defaultScore: 0),
                                                    KeyQuestion(identifier: "q2", options: options, defaultScore: 0)],
                                        mapping: mapping))
    }

    @Test func possibleValuesOfARangeMappingFollowFirstRangeWinsAndGaps() throws {
        func values(_ ranges: [(Int32, Int32, Int32)], out: Int32 = -1) throws -> PossibleValues? {
            try twoQuestionKey(.range(ranges: ranges.map { ScoreRange(lowerBound: $0.0, upperBound: $0.1, value: $0.2) },
                                      outOfRange: out, origin: Origin())).possibleValues
        }
        #expect(try twoQuestionKey(nil).minimumSum == -4 && twoQuestionKey(nil).maximumSum == 10)
        // Overlapping ranges, sums −4…−1 in none: the out-of-range value is possible.
        #expect(try values([(0, 4, 1), (3, 20, 2)], out: 0) == .values([0, 1, 2]))
        // A range wholly inside an earlier one never decides a value; no sum is left out.
        #expect(try values([(-10, 20, 7), (0, 5, 9)]) == .values([7]))
        // A gap at 3 inside −4…10.
        #expect(try values([(-4, 2, 1), (4, 10, 3)]) == .values([-1, 1, 3]))
        // A range beyond every reachable sum gives nothing.
        #expect(try values([(-4, 10, 5), (11, 99, 6)]) == .values([5]))
    }

    @Test func possibleValuesOfMonotonicMappingsAndWhichPassRulesCanSeparateThem() throws {
        let percent = try #require(try twoQuestionKey(.percentage(maximumSummedScore: 10, origin: Origin())).possibleValues)
        #expect(percent == .span(-40...100))
        let scaledDown = try twoQuestionKey(.scale(multiplier: try #require(DecimalNumber("-2")), origin: Origin())).possibleValues
        #expect(scaledDown == .span(-20...8))
        #expect(try twoQuestionKey(nil).possibleValues == .span(-4...10))

        func passing(_ p: PossibleValues, _ rule: String) throws -> [Bool] {
            let r = try #require(PassRule(parsing: rule))
            let (some, all) = p.passing(r)
            return [some, all]
        }
        #expect(try passing(percent, ">=101") == [false, false])
        #expect(try passing(percent, ">=-40") == [true, true])
        #expect(try passing(percent, ">=60") == [true, false])
        #expect(try passing(percent, "<-40") == [false, false])
        #expect(try passing(percent, "==50") == [true, false])
        #expect(try passing(percent, "!=200") == [true, true])
        #expect(try passing(.span(7...7), "==7") == [true, true])
        #expect(try passing(.span(7...7), "!=7") == [false, false])
        #expect(try passing(.values([0, 1, 2, 3]), ">=60") == [false, false])
        #expect(try passing(.values([0, 3]), "==2") == [false, false])  // 2 lies between the values but is none of them
    }

    @Test func overflowIsAPerAttemptError() throws {
        let big = try ScoringKey(AnswerKey(questions: [
            KeyQuestion(identifier: "q1", options: [AnswerOption(selectionIdentifiers: ["a"], score: Int32.max)]),
            KeyQuestion(identifier: "q2", options: [AnswerOption(selectionIdentifiers: ["a"], score: Int32.max)]),
        ]))
        let scorer = AttemptScorer(key: big)
        let f = try #require(scorer.score(xml: K.answers([("q1", ["a"]), ("q2", ["a"])])).failure)
        #expect(f.kind == "value-out-of-range" && f.sum == 4_294_967_294)
        #expect(scorer.score(xml: K.answers([("q1", ["a"])])).score?.value == Int32.max)
        let scaled = try key(.scale(multiplier: DecimalNumber("1e10")!, origin: Origin()))
        #expect(throws: ValueError.self) { try scaled.value(forSum: 1).get() }
    }

    @Test func keysThatCannotScoreAreRejected() {
        #expect(throws: ScoringKeyError.self) { try key(.percentage(maximumSummedScore: 0, origin: Origin())) }
        #expect(throws: ScoringKeyError.self) { try key(.scale(multiplier: DecimalNumber("NaN")!, origin: Origin())) }
        #expect(throws: ScoringKeyError.self) { try ScoringKey(AnswerKey(questions: [])) }
    }

    @Test func derivationShowsTheRounding() throws {
        let k = try key(.percentage(maximumSummedScore: 8, origin: Origin()))
        let d = k.derivation(forSum: 1)
        #expect(d.formula == "100 × 1 ÷ 8 = 12.5")
        #expect(d.rounded && d.value == 13)
    }

    @Test func thresholdEightOfTen() throws {
        let k = try ScoringKey(AnswerKey(
            questions: (1...10).map { KeyQuestion(identifier: "q\($0)", options: [AnswerOption(selectionIdentifiers: ["a"], score: 1)]) },
            mapping: .percentage(maximumSummedScore: 10, origin: Origin())))
        let t = try k.threshold(correct: 8, of: 10)
        #expect(t.goalSum == 8 && t.integerValue == 80 && t.comparator == .greaterThanOrEqualTo)
        #expect(t.notes.isEmpty)
        #expect(throws: ThresholdError.self) { try k.threshold(correct: 8, of: 12) }
        let p = try k.threshold(percent: 85)
        #expect(p.goalSum == 9 && p.integerValue == 90)
    }

    @Test func thresholdShowsRoundingThatAdmitsLowerSums() throws {
        // max 7: sum 6 → 85.71 → 86; "at least 86%" is met by sum 6 which is only 85.7%.
        let k = try ScoringKey(AnswerKey(
            questions: (1...7).map { KeyQuestion(identifier: "q\($0)", options: [AnswerOption(selectionIdentifiers: ["a"], score: 1)]) },
            mapping: .percentage(maximumSummedScore: 7, origin: Origin())))
        let t = try k.threshold(percent: 80)  // 5.6 → sum 6
        #expect(t.goalSum == 6 && t.integerValue == 86)
        #expect(t.derivation.rounded)
    }
}

import Foundation
import SeededRandom
import Testing

@testable import Evaluation

@Suite("Statistics")
struct StatisticsTests {
    @Test(arguments: [
        (0.0, 0.5), (1.959963984540054, 0.975), (-1.0, 0.15865525393145707), (3.0, 0.9986501019683699),
    ])
    func normalCDFMatchesTables(x: Double, expected: Double) {
        #expect(abs(StandardNormal.cdf(x) - expected) < 1e-12)
    }

    @Test func twoSidedTailKeepsPrecisionFarOut() {
        #expect(abs(StandardNormal.twoSidedPValue(1.959963984540054) - 0.05) < 1e-12)
        // 1 − Φ(10) ≈ 7.6e-24 would round to 0 by subtraction.
        #expect(StandardNormal.twoSidedPValue(10) > 0)
        #expect(StandardNormal.twoSidedPValue(10) < 1e-22)
    }

    @Test func quantileInterpolatesLikeNumpy() {
        let sorted = [1.0, 2, 3, 4]
        #expect(ConfidenceInterval.quantile(sorted, 0) == 1)
        #expect(ConfidenceInterval.quantile(sorted, 1) == 4)
        #expect(ConfidenceInterval.quantile(sorted, 0.5) == 2.5)
        #expect(abs(ConfidenceInterval.quantile(sorted, 0.025) - 1.075) < 1e-12)
    }

    @Test func mapsswePIsOneForIdenticalSystems() throws {
        let errors = [3, 0, 1, 4, 2]
        let test = try MatchedPairsTest(errorsA: errors, errorsB: errors)
        #expect(test.pValue == 1)
        #expect(test.statistic == 0)
    }

    @Test func mapssweMatchesHandComputation() throws {
        // Z = [1, 2, 0, 1, 1]: mean 1, sample variance 0.5, W = 1 / sqrt(0.5 / 5) = sqrt(10).
        let test = try MatchedPairsTest(errorsA: [2, 3, 1, 2, 1], errorsB: [1, 1, 1, 1, 0])
        #expect(test.meanDifference == 1)
        #expect(abs(test.standardDeviation - 0.5.squareRoot()) < 1e-12)
        #expect(abs(try #require(test.statistic) - 10.0.squareRoot()) < 1e-12)
        #expect(abs(test.pValue - erfc(10.0.squareRoot() / 2.0.squareRoot())) < 1e-15)
        let constant = try MatchedPairsTest(errorsA: [2, 2, 2], errorsB: [1, 1, 1])
        #expect(constant.pValue == 0)
        #expect(constant.statistic == nil)
    }

    @Test func mapssweRejectsBadInput() {
        #expect(throws: EvaluationError.self) { try MatchedPairsTest(errorsA: [1], errorsB: [1, 2]) }
        #expect(throws: EvaluationError.self) { try MatchedPairsTest(errorsA: [], errorsB: []) }
    }

    /// One utterance leaves no variance estimate: the test cannot reject, so a one-utterance
    /// report still has its other figures (it used to throw and fail the aggregator's report).
    @Test func mapssweOnOneDifferingUtteranceCannotReject() throws {
        let single = try MatchedPairsTest(errorsA: [2], errorsB: [1])
        #expect(single.pValue == 1)
        #expect(single.statistic == nil)
        #expect(single.meanDifference == 1)
    }

    @Test func bootstrapIsDeterministicPerSeedAndValidatesInput() throws {
        let columns: [[Double]] = [[1, 0, 2, 5, 1, 0, 0, 3], [4, 5, 6, 7, 3, 2, 5, 8]]
        let statistic: PairedBootstrap.Statistic = { $0[1] == 0 ? nil : $0[0] / $0[1] }
        let first = try PairedBootstrap(settings: .init(resamples: 200, seed: 9)).intervals(
            columns: columns, statistics: [statistic])
        let again = try PairedBootstrap(settings: .init(resamples: 200, seed: 9)).intervals(
            columns: columns, statistics: [statistic])
        let other = try PairedBootstrap(settings: .init(resamples: 200, seed: 10)).intervals(
            columns: columns, statistics: [statistic])
        #expect(first == again)
        #expect(first != other)
        #expect(first[0].estimate == 12.0 / 40.0)
        #expect(first[0].definedResamples == 200)
        #expect(throws: EvaluationError.self) {
            try PairedBootstrap(settings: .init(resamples: 0)).intervals(
                columns: columns, statistics: [statistic])
        }
        #expect(throws: EvaluationError.self) {
            try PairedBootstrap().intervals(columns: [[1, 2], [1]], statistics: [statistic])
        }
        #expect(throws: EvaluationError.self) {
            try PairedBootstrap().intervals(columns: [[]], statistics: [statistic])
        }
    }

    @Test func bootstrapOfAConstantIsExact() throws {
        let intervals = try PairedBootstrap(settings: .init(resamples: 50)).intervals(
            columns: [[2, 2, 2, 2]], statistics: [{ $0[0] / 4 }])
        #expect(intervals[0].lower == 2)
        #expect(intervals[0].upper == 2)
    }

    /// Property: for WER-like ratios of per-utterance counts the CI contains the point estimate,
    /// and the interval narrows as utterances are added.
    @Test(arguments: [UInt64(11), 12, 13, 14])
    func bootstrapIntervalContainsPointEstimate(seed: UInt64) throws {
        var generator = SplitMix64(seed: seed)
        let n = 300
        let words = (0..<n).map { _ in Double(Int.random(in: 1...20, using: &generator)) }
        let errorsA = words.map { Double(Int.random(in: 0...Int($0 / 2), using: &generator)) }
        let errorsB = words.map { Double(Int.random(in: 0...Int($0 / 3), using: &generator)) }
        let intervals = try PairedBootstrap(settings: .init(resamples: 500, seed: seed)).intervals(
            columns: [errorsA, errorsB, words],
            statistics: [
                { $0[0] / $0[2] }, { $0[1] / $0[2] }, { ($0[1] - $0[0]) / $0[2] },
                { relativeReduction(baseline: $0[0] / $0[2], system: $0[1] / $0[2]) },
            ])
        for interval in intervals {
            let estimate = try #require(interval.estimate)
            #expect(interval.contains(estimate), "\(interval)")
            #expect(try #require(interval.lower) < (try #require(interval.upper)))
        }
    }

    @Test func splitMixBoundedDrawsAreInRangeAndUniformEnough() {
        var generator = SplitMix64(seed: 1)
        var histogram = [Int](repeating: 0, count: 7)
        for _ in 0..<70_000 { histogram[generator.next(below: 7)] += 1 }
        for count in histogram { #expect(abs(count - 10_000) < 500) }
    }
}

@Suite("Statistics properties (seeded)")
struct StatisticsPropertyTests {
    @Test(arguments: [UInt64(21), 22, 23])
    func mapssweIsOneForIdenticalAndSymmetricOtherwise(seed: UInt64) throws {
        var generator = SplitMix64(seed: seed)
        for _ in 0..<50 {
            let n = Int.random(in: 2...40, using: &generator)
            let a = (0..<n).map { _ in Int.random(in: 0...6, using: &generator) }
            let b = (0..<n).map { _ in Int.random(in: 0...6, using: &generator) }
            #expect(try MatchedPairsTest(errorsA: a, errorsB: a).pValue == 1)
            let forward = try MatchedPairsTest(errorsA: a, errorsB: b)
            let backward = try MatchedPairsTest(errorsA: b, errorsB: a)
            #expect(forward.pValue == backward.pValue)
            #expect(forward.pValue >= 0 && forward.pValue <= 1)
        }
    }
}

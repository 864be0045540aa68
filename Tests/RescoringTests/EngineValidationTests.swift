import NBest
import RescoringCore
import Testing

@testable import Rescoring

/// The engine's own checks, so offline callers get them too: limits and non-finite scores.
@Suite struct EngineValidationTests {
    @Test(arguments: [
        (Hypothesis(text: "the hat", totalScore: .nan), "total"),
        (Hypothesis(text: "the hat", totalScore: -1, acousticScore: .infinity), "acoustic"),
        (Hypothesis(text: "the hat", totalScore: -1, lmScore: -.infinity), "language-model"),
    ])
    func nonFiniteFirstPassScoresAreRejectedNamingTheHypothesis(bad: Hypothesis, score: String) throws {
        let engine = try TinyEngine.make()
        var list = TinyEngine.list("u7", ["the cat", "a cat"])
        list.hypotheses.insert(bad, at: 1)
        let error = try #require(throws: RescoringError.self) {
            try engine.rescore([RescoringJob(list: list)])
        }
        #expect(error.code == .invalidRequest)
        #expect(error.message.contains("utterance u7 hypothesis 1: first-pass \(score) score"))
        #expect(throws: RescoringError.self) { try engine.validate(RescoringJob(list: list)) }
    }

    @Test func aNonFiniteScoreBeyondTheMaxHypothesesCutIsNotLookedAt() throws {
        let engine = try TinyEngine.make()
        var list = TinyEngine.list("u8", ["the cat", "a cat"])
        list.hypotheses.append(Hypothesis(text: "the hat", totalScore: .nan))
        let result = try engine.rescore([RescoringJob(list: list, maxHypotheses: 2)])
        #expect(result[0].ranking.count == 2)
    }

    @Test func tooManyHypothesesAreRefusedWithTheLimitInTheMessage() throws {
        let engine = try TinyEngine.make()
        let list = TinyEngine.list("u1", ["the cat", "the hat", "a cat", "a hat"])
        let limits = RescoringLimits(maxHypothesesPerList: 3)
        let error = try #require(throws: RescoringError.self) {
            try engine.rescore([RescoringJob(list: list)], limits: limits)
        }
        #expect(error.code == .limitExceeded)
        #expect(error.message.contains("4 hypotheses exceed the limit of 3 hypotheses per list"))
        // The client's own cut counts: the first three are within the limit.
        let cut = try engine.rescore([RescoringJob(list: list, maxHypotheses: 3)], limits: limits)
        #expect(cut[0].ranking.count == 3)
    }

    @Test func tooManyTokensAreRefusedWithTheLimitInTheMessage() throws {
        let engine = try TinyEngine.make()
        let texts = ["the cat sat on the mat", "the hat sat on the mat", "a cat sat on a mat"]
        let tokens = texts.map { engine.tokenizer.encode($0).count }
        let limit = tokens[0] + tokens[1] - 1
        let error = try #require(throws: RescoringError.self) {
            try engine.rescore(
                [RescoringJob(list: TinyEngine.list("u2", texts))],
                limits: RescoringLimits(maxTokensPerList: limit))
        }
        #expect(error.code == .limitExceeded)
        #expect(error.message.contains("hypotheses 0...1 hold \(tokens[0] + tokens[1]) tokens"))
        #expect(error.message.contains("limit of \(limit) tokens per list"))
        let fits = RescoringLimits(maxTokensPerList: tokens.reduce(0, +))
        #expect(
            try engine.rescore([RescoringJob(list: TinyEngine.list("u2", texts))], limits: fits).count == 1)
    }

    @Test func rescoreEachFailsOnlyTheInvalidJobsAndScoresTheRestTogether() throws {
        let engine = try TinyEngine.make()
        let good = [TinyEngine.list("a", ["the cat sat", "a cat sat"]), TinyEngine.list("c", ["the hat"])]
        var bad = TinyEngine.list("b", ["the cat"])
        bad.hypotheses[0].totalScore = .nan
        let results = engine.rescoreEach([good[0], bad, good[1]].map { RescoringJob(list: $0) })
        #expect(results.count == 3)
        let error = try #require(throws: RescoringError.self) { try results[1].get() }
        #expect(error.message.contains("utterance b hypothesis 0"))
        let together = try engine.rescore(good.map { RescoringJob(list: $0) })
        #expect(try results[0].get() == together[0])
        #expect(try results[2].get() == together[1])
    }

    @Test func theDefaultLimitsAreTheDocumentedOnes() {
        #expect(RescoringLimits() == RescoringLimits(maxHypothesesPerList: 1_000, maxTokensPerList: 32_768))
    }
}

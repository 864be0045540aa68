import NBest
import NeuralLM
import RescoringCore
import Testing

@testable import Rescoring

@Suite struct RescoringEngineTests {
    @Test func lmScoresAreTheModelsSentenceLogProbabilities() throws {
        let engine = try TinyEngine.make()
        let texts = ["the cat sat on the mat", "the cat sat on a mat", "the hat sat on the mat", ""]
        let result = try #require(
            try engine.rescore([RescoringJob(list: TinyEngine.list("u1", texts))]).first)
        let expected = try engine.model.sentenceLogProbabilities(texts.map { engine.tokenizer.encode($0) })
        #expect(result.ranking.count == texts.count)
        for hypothesis in result.ranking {
            let reference = Double(expected[hypothesis.originalIndex])
            #expect(abs(hypothesis.lmScore - reference) < 1e-4)
            #expect(hypothesis.text == texts[hypothesis.originalIndex])
            #expect(hypothesis.tokenCount == engine.tokenizer.encode(hypothesis.text).count)
        }
    }

    @Test func rankingFollowsTheFusedScoreAndChoosesItsBest() throws {
        let engine = try TinyEngine.make(lmWeight: 0.7, lengthBonus: 0.3)
        let list = TinyEngine.list(
            "u1", ["she read the letter again", "she red the letter again", "sea read the letter a gain"],
            scores: [-10, -9.5, -9.8])
        let result = try #require(try engine.rescore([RescoringJob(list: list)]).first)
        let fused = result.ranking.map(\.fusedScore)
        #expect(fused == fused.sorted(by: >))
        for hypothesis in result.ranking {
            let words = list.hypotheses[hypothesis.originalIndex].words.count
            let expected =
                -0.0 + 1 * hypothesis.firstPassScore + 0.7 * hypothesis.lmScore + 0.3 * Double(words)
            #expect(abs(hypothesis.fusedScore - expected) < 1e-9)
        }
        #expect(result.chosenIndex == result.ranking[0].originalIndex)
        #expect(result.chosenText == result.ranking[0].text)
    }

    @Test func withoutLMWeightTheFirstPassOrderStands() throws {
        let engine = try TinyEngine.make(lmWeight: 0)
        let list = TinyEngine.list("u1", ["a hat is on the cat", "a cat is on the hat", "a hat is on a cat"])
        let result = try #require(try engine.rescore([RescoringJob(list: list)]).first)
        #expect(result.ranking.map(\.originalIndex) == [0, 1, 2])
    }

    @Test func equalFusedScoresKeepFirstPassOrder() throws {
        let engine = try TinyEngine.make(lmWeight: 0)
        let list = TinyEngine.list("u1", ["x", "y", "z"], scores: [-1, -1, -1])
        let result = try #require(try engine.rescore([RescoringJob(list: list)]).first)
        #expect(result.ranking.map(\.originalIndex) == [0, 1, 2])
    }

    @Test func aBatchOfListsMatchesListsScoredAlone() throws {
        let engine = try TinyEngine.make()
        let lists = [
            TinyEngine.list("a", ["the cat sat on the mat", "the cat sat on the hat"]),
            TinyEngine.list(
                "b", ["he walked to the house", "he walked to the horse", "he walk to the house"]),
            TinyEngine.list("c", []),
        ]
        let batched = try engine.rescore(lists.map { RescoringJob(list: $0) })
        #expect(batched.count == 3)
        for (list, result) in zip(lists, batched) {
            let alone = try #require(try engine.rescore([RescoringJob(list: list)]).first)
            #expect(result.list.utteranceID == list.utteranceID)
            #expect(result.ranking.map(\.originalIndex) == alone.ranking.map(\.originalIndex))
            for (x, y) in zip(result.ranking, alone.ranking) { #expect(abs(x.lmScore - y.lmScore) < 1e-4) }
        }
        #expect(batched[2].chosenIndex == nil)
    }

    @Test func maxHypothesesCutsTheListBeforeScoring() throws {
        let engine = try TinyEngine.make()
        let list = TinyEngine.list("u1", ["the cat", "the hat", "a cat", "a hat"])
        let result = try #require(try engine.rescore([RescoringJob(list: list, maxHypotheses: 2)]).first)
        #expect(result.list.hypotheses.count == 2)
        #expect(Set(result.ranking.map(\.originalIndex)) == [0, 1])
    }

    @Test func anUnknownAdapterIsRejectedByName() throws {
        let engine = try TinyEngine.make()
        let error = try #require(throws: RescoringError.self) {
            try engine.rescore([RescoringJob(list: TinyEngine.list("u9", ["the cat"]), adapter: "austen")])
        }
        #expect(error.code == .unknownAdapter)
        #expect(error.message.contains("austen") && error.message.contains("u9"))
    }

    @Test func aHypothesisLongerThanTheContextIsRejected() throws {
        let engine = try TinyEngine.make()
        let long = Array(repeating: "the weather", count: 40).joined(separator: " ")
        let error = try #require(throws: RescoringError.self) {
            try engine.rescore([RescoringJob(list: TinyEngine.list("u2", ["the cat", long]))])
        }
        #expect(error.code == .hypothesisTooLong)
        #expect(error.message.contains("hypothesis 1"))
    }

    @Test func nonFiniteFusionWeightsAreRejected() throws {
        let engine = try TinyEngine.make()
        let job = RescoringJob(list: TinyEngine.list("u3", ["the cat"]), fusion: ScoreFusion(lmWeight: .nan))
        #expect(throws: RescoringError.self) { try engine.rescore([job]) }
    }
}

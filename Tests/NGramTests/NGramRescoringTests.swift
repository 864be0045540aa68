import Foundation
import NBest
import RescoringCore
import Testing

@testable import NGram

/// N-best lists scored by the n-gram model go through the neural LM's fusion and ranking.
@Suite("N-gram rescoring")
struct NGramRescoringTests {
    @Test("LM scores are natural-log sentence probabilities; the fused best comes first")
    func rescoresThroughFusion() throws {
        let corpus = SyntheticCorpus.sentences(count: 2000, seed: 31)
        let model = try KneserNey.train(sentences: corpus).model
        // A training sentence against two scrambled versions with a better first-pass score.
        let good = corpus[0]
        let scrambled = good.split(separator: " ").reversed().joined(separator: " ")
        let list = NBestList(
            utteranceID: "u1", sessionID: "s1", sequenceNumber: 0, kind: .final,
            hypotheses: [
                Hypothesis(text: scrambled, totalScore: -10), Hypothesis(text: good, totalScore: -10.5),
                Hypothesis(text: "never-seen " + good, totalScore: -10.2),
            ])
        let fusion = ScoreFusion(firstPassWeight: 1, lmWeight: 0.8, lengthBonus: 0.5)
        let rescored = model.rescore(list, fusion: fusion)
        #expect(rescored.ranking.count == 3 && rescored.adapter == nil && rescored.fusion == fusion)
        for hypothesis in rescored.ranking {
            let score = model.score(sentence: hypothesis.text)
            #expect(abs(hypothesis.lmScore - score.log10Probability * log(10)) < 1e-9)
            #expect(hypothesis.tokenCount == score.words + 1)
            let words = hypothesis.text.split(separator: " ").count
            #expect(
                hypothesis.fusedScore
                    == fusion.fuse(firstPass: hypothesis.firstPassScore, lm: hypothesis.lmScore, words: words)
            )
        }
        #expect(
            zip(rescored.ranking, rescored.ranking.dropFirst()).allSatisfy { $0.fusedScore >= $1.fusedScore })
        #expect(rescored.chosenText == good, "\(rescored.ranking.map { ($0.text, $0.fusedScore) })")
    }
}

import NBest
import NeuralLM
import Rescoring
import Testing

/// A small random GPT-2 and a BPE tokenizer trained on a few sentences: enough to exercise the
/// engine's bookkeeping exactly (scores are compared with the model's own scoring).
enum TinyEngine {
    static let sentences = [
        "the cat sat on the mat", "a hat is on the cat", "she read the letter again",
        "he walked to the house", "they spoke of the weather",
    ]

    static func make(lmWeight: Double = 0.5, lengthBonus: Double = 0) throws -> RescoringEngine {
        let tokenizer = try BPETrainer(vocabularySize: 300, minimumPairCount: 1).train(sentences)
        let bos = try #require(tokenizer.id(of: .bos))
        let eos = try #require(tokenizer.id(of: .eos))
        let config = GPT2Config(
            vocabSize: tokenizer.vocabularySize, nPositions: 24, nEmbd: 16, nLayer: 2, nHead: 2,
            bosTokenId: bos,
            eosTokenId: eos, dropout: 0)
        let model = try GPT2Model(config: config, seed: 7)
        return RescoringEngine(
            model: model, tokenizer: tokenizer, modelID: "tiny",
            defaultFusion: ScoreFusion(firstPassWeight: 1, lmWeight: lmWeight, lengthBonus: lengthBonus))
    }

    static func list(_ id: String, _ texts: [String], scores: [Double]? = nil) -> NBestList {
        let scores = scores ?? texts.indices.map { -Double($0) }
        return NBestList(
            utteranceID: id, hypotheses: zip(texts, scores).map { Hypothesis(text: $0, totalScore: $1) })
    }
}

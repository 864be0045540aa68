import NBest
import NeuralLM
import Rescoring
import RescoringCore
import Testing

/// A small random GPT-2 and a BPE tokenizer trained on a few sentences: enough to exercise the
/// engine's bookkeeping exactly (scores are compared with the model's own scoring).
enum TinyEngine {
    static let sentences = [
        "the cat sat on the mat", "a hat is on the cat", "she read the letter again",
        "he walked to the house", "they spoke of the weather",
    ]

    /// - Parameter seed: the weights' seed; another seed makes another base of the same shapes.
    static func make(lmWeight: Double = 0.5, lengthBonus: Double = 0, seed: UInt64 = 7) throws
        -> RescoringEngine
    {
        try make(
            lmWeight: lmWeight, lengthBonus: lengthBonus, positions: 24, width: 16, layers: 2, seed: seed)
    }

    /// A wider, deeper model (context 64) whose lists from `randomList` take seconds to score in a
    /// debug build: long enough that a test can cancel the work while it runs.
    static func makeHeavy() throws -> RescoringEngine {
        try make(lmWeight: 0.5, lengthBonus: 0, positions: 64, width: 64, layers: 4, seed: 7)
    }

    private static func make(
        lmWeight: Double, lengthBonus: Double, positions: Int, width: Int, layers: Int, seed: UInt64
    ) throws -> RescoringEngine {
        let tokenizer = try BPETrainer(vocabularySize: 300, minimumPairCount: 1).train(sentences)
        let bos = try #require(tokenizer.id(of: .bos))
        let eos = try #require(tokenizer.id(of: .eos))
        let config = GPT2Config(
            vocabSize: tokenizer.vocabularySize, nPositions: positions, nEmbd: width, nLayer: layers,
            nHead: 2,
            bosTokenId: bos,
            eosTokenId: eos, dropout: 0)
        let model = try GPT2Model(config: config, seed: seed)
        return RescoringEngine(
            model: model, tokenizer: tokenizer, modelID: "tiny",
            defaultFusion: ScoreFusion(firstPassWeight: 1, lmWeight: lmWeight, lengthBonus: lengthBonus))
    }

    static func list(_ id: String, _ texts: [String], scores: [Double]? = nil) -> NBestList {
        let scores = scores ?? texts.indices.map { -Double($0) }
        return NBestList(
            utteranceID: id, hypotheses: zip(texts, scores).map { Hypothesis(text: $0, totalScore: $1) })
    }

    /// `count` random hypotheses of `words` words drawn from the training sentences (seeded, so
    /// runs repeat); they share few prefixes, so prefix sharing saves little.
    static func randomList(_ id: String, count: Int = 400, words: Int = 24, seed: UInt64 = 1) -> NBestList {
        let vocabulary = Array(Set(sentences.flatMap { $0.split(separator: " ").map(String.init) })).sorted()
        var state = seed
        func next() -> Int {
            // SplitMix64: a fixed, dependency-free sequence.
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Int(truncatingIfNeeded: (z ^ (z >> 31)) >> 1)
        }
        let texts = (0..<count).map { _ in
            (0..<words).map { _ in vocabulary[next() % vocabulary.count] }.joined(separator: " ")
        }
        return list(id, texts)
    }
}
